// The example service files really work: start, status, stop each one.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

using namespace harness;

namespace {

// A loopback TCP port that is free now.
std::string free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return std::to_string(ntohs(addr.sin_port));
}

// Copies an example next to a sandbox's state dir, so that its relative
// paths (logs) land in the sandbox, not in the source tree. The webserver's
// fixed port becomes one that is free now.
std::string copy_example(Sandbox& box, const std::string& name) {
  std::string text = slurp(std::string(EXAMPLES_DIR) + "/" + name + ".toml");
  for (auto at = text.find("\"8731\""); at != std::string::npos; at = text.find("\"8731\"")) {
    text.replace(at, 6, "\"" + free_port() + "\"");
  }
  return box.write(name + ".toml", text);
}

void check_lifecycle(Sandbox& box, const std::string& name) {
  std::string file = copy_example(box, name);
  Run start = box.run({"start", file});
  INFO(start.err);
  REQUIRE(start.code == 0);
  pid_t pid = pid_in(start.out);
  CHECK(start.out == name + ": started (pid " + std::to_string(pid) + ")\n");
  CHECK(box.run({"status", file}).code == 0);
  Run stop = box.run({"stop", file});
  CHECK(stop.code == 0);
  CHECK(stop.out.rfind(name + ": stopped (pid " + std::to_string(pid), 0) == 0);
  CHECK_FALSE(alive(pid));
  CHECK(box.run({"status", file}).code == 3);
}

}  // namespace

TEST_CASE("example ticker logs the date and stops in one go") {
  Sandbox box;
  std::string file = copy_example(box, "ticker");
  REQUIRE(box.run({"start", file}).code == 0);
  REQUIRE(wait_until([&] { return !slurp(box.path("ticker.log")).empty(); }));
  Run stop = box.run({"stop", file});
  CHECK(stop.code == 0);
  CHECK(stop.out.find("SIGKILL") == std::string::npos);
}

TEST_CASE("example stubborn is stopped with SIGKILL") {
  Sandbox box;
  std::string file = copy_example(box, "stubborn");
  Run start = box.run({"start", file});
  REQUIRE(start.code == 0);
  Run stop = box.run({"stop", file});
  CHECK(stop.code == 0);
  CHECK(stop.out == "stubborn: stopped (pid " + std::to_string(pid_in(start.out)) +
                        ", killed with SIGKILL after 2s)\n");
}

TEST_CASE("every example starts, reports running, and stops") {
  for (const char* name : {"ticker", "stubborn"}) {
    Sandbox box;
    check_lifecycle(box, name);
  }
  if (::access("/usr/bin/python3", X_OK) == 0) {
    Sandbox box;
    check_lifecycle(box, "webserver");
  }
}
