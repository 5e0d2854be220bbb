// prepare_daemon from several threads: one daemon between fork and exec at
// a time, so that none can hold another's "go" pipe.
#include "posix/spawn.h"

#include <catch2/catch.hpp>

#include <csignal>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <future>

using namespace daemonctl;
using namespace std::chrono_literals;

namespace {

posix::SpawnRequest sleeper(int devnull) {
  posix::SpawnRequest rq;
  rq.executable = "/bin/sleep";
  rq.argv = {"sleep", "1000"};
  rq.directory = "/";
  rq.stdin_fd = rq.stdout_fd = rq.stderr_fd = devnull;
  return rq;
}

}  // namespace

TEST_CASE("prepare_daemon: a second daemon is forked only once the first has exec'd", "[posix][spawn]") {
  int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  REQUIRE(devnull >= 0);
  auto first = posix::prepare_daemon(sleeper(devnull));
  REQUIRE(first.ok());
  auto second = std::async(std::launch::async, [&] { return posix::prepare_daemon(sleeper(devnull)); });
  // While the first waits for its go, the second must not fork: it would
  // copy the first's go pipe and keep it open.
  CHECK(second.wait_for(300ms) == std::future_status::timeout);
  REQUIRE(first->exec().ok());
  REQUIRE(second.wait_for(10s) == std::future_status::ready);
  auto prepared = second.get();
  REQUIRE(prepared.ok());
  REQUIRE(prepared->exec().ok());
  for (const posix::Pidfd* p : {&first->proc(), &prepared->proc()}) {
    REQUIRE(p->send_signal(SIGKILL).ok());
    REQUIRE(p->wait_exit(5s));
    (void)p->reap();
  }
  ::close(devnull);
}
