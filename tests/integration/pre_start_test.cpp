// [start] pre: commands run in order before the daemon, as it would run
// (user, directory, environment); the first that fails fails the start with
// its output, and nothing else runs.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "harness.h"

using namespace harness;

namespace {

const std::string kSleeper = "command = ['/bin/sleep', '1000']\n";

// Removes `path` at the end of the test, whatever a failure left.
struct Removed {
  std::string path;
  ~Removed() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

}  // namespace

TEST_CASE("pre commands run in order before the daemon, as its user, in its directory and environment") {
  REQUIRE(::geteuid() == 0);
  Sandbox box;
  REQUIRE(::chmod(box.dir().c_str(), 0755) == 0);
  box.write("work/.keep", "");
  REQUIRE(::chmod(box.path("work").c_str(), 0777) == 0);
  std::string file = box.service("svc", R"toml(command = ['/bin/sh', '-c', 'echo "daemon $(id -u)" >> log; exec sleep 1000']
directory = "work"
user = "nobody"
environment = { GREETING = "hi", DAEMONCTL_TEST_MARK = ")toml" + box.dir() + R"toml(" }
[start]
pre = [['/bin/sh', '-c', 'echo "first $(id -u) $(pwd) $GREETING" >> log'], "/bin/sh -c 'echo second >> log'"]
)toml");
  Run r = box.run({"start", file});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const std::string log = box.path("work/log");
  REQUIRE(wait_until([&] { return slurp(log).find("daemon 65534") != std::string::npos; }));
  CHECK(slurp(log) == "first 65534 " + box.path("work") + " hi\nsecond\ndaemon 65534\n");
  CHECK(box.run({"stop", file}).code == 0);
}

TEST_CASE("a failing pre command fails the start with its output, and nothing after it runs") {
  REQUIRE(::geteuid() == 0);
  Sandbox box;
  const std::string dir = "/run/daemonctl-test-" + box.dir().substr(box.dir().rfind('/') + 1);
  Removed cleanup{dir};
  std::string file = box.service("svc", kSleeper + box.mark_line() + "runtime_directory = \"" + dir.substr(5) + R"toml("
[start]
pre = [
  ['/bin/sh', '-c', 'echo first >> )toml" + box.path("ran") + R"toml('],
  ['/bin/sh', '-c', 'echo "migration failed"; printf "\033[31mto stderr\n" >&2; exit 3'],
  ['/bin/sh', '-c', 'echo third >> )toml" + box.path("ran") + R"toml('],
]
)toml");
  Run r = box.run({"start", file});
  CHECK(r.code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "daemonctl: error: svc: pre command '/bin/sh' (start.pre[1]) exited with status 3; its output: "
                 "migration failed\\n\\x1b[31mto stderr\n");
  CHECK(slurp(box.path("ran")) == "first\n");
  CHECK(pids_with_env(box.mark()).empty());
  CHECK_FALSE(exists(box.state_dir() + "/svc.record"));
  CHECK_FALSE(exists(box.state_dir() + "/svc.pid"));
  CHECK_FALSE(exists(dir));
  CHECK(box.run({"status", file}).code == 3);
}

TEST_CASE("a pre command that hangs is killed at pre_timeout, with what it left, and the start fails") {
  Sandbox box;
  std::string file = box.service("svc", kSleeper + box.mark_line() + R"toml([start]
pre = [['/bin/sh', '-c', 'sleep 1000 & echo waiting; exec sleep 1000']]
pre_timeout = "300ms"
)toml");
  Run r = box.run({"start", file});
  CHECK(r.code == 1);
  CHECK(r.err == "daemonctl: error: svc: pre command '/bin/sh' (start.pre[0]) did not exit within 300ms, and was "
                 "killed; its output: waiting\n");
  CHECK(pids_with_env(box.mark()).empty());  // neither the daemon nor what the pre command left
  CHECK_FALSE(exists(box.state_dir() + "/svc.record"));
}

TEST_CASE("a pre command's output is shown by its end only, however much it writes") {
  Sandbox box;
  std::string file = box.service("svc", kSleeper + R"toml([start]
pre = ["/bin/sh -c 'head -c 200000 /dev/zero | tr \"\\0\" a; echo; echo the end; exit 1'"]
)toml");
  Run r = box.run({"start", file});
  CHECK(r.code == 1);
  const std::string head = "daemonctl: error: svc: pre command '/bin/sh' (start.pre[0]) exited with status 1; "
                           "its output ended: ...";
  REQUIRE(r.err.starts_with(head));
  CHECK(r.err.ends_with("aaaa\\nthe end\n"));
  CHECK(r.err.size() < head.size() + 1010);
}

TEST_CASE("a pre command whose program cannot be found fails the start before any pre command runs") {
  Sandbox box;
  std::string file = box.service("svc", kSleeper + box.mark_line() + "[start]\npre = [['/bin/sh', '-c', 'echo x >> " +
                                            box.path("ran") + "'], ['no-such-program-x']]\n");
  Run r = box.run({"start", file});
  CHECK(r.code == 5);
  CHECK(r.err.starts_with("daemonctl: error: svc: start.pre[1]: "));
  CHECK(r.err.find("no-such-program-x") != std::string::npos);
  CHECK_FALSE(exists(box.path("ran")));
  CHECK(pids_with_env(box.mark()).empty());

  Run check = box.run({"check", file});
  CHECK(check.code == 6);
  CHECK((check.out + check.err).find("svc.toml:3:1: error: start.pre[1]: cannot find 'no-such-program-x'") !=
        std::string::npos);
}

TEST_CASE("pre commands: start --dry-run says it would run each, and runs none") {
  Sandbox box;
  std::string file = box.service("svc", kSleeper + "[start]\npre = [['/bin/sh', '-c', 'echo x >> " +
                                            box.path("ran") + "'], 'true']\npre_timeout = '1m'\n");
  Run r = box.run({"start", "--dry-run", file});
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.out.find("svc: would run pre command: exec /bin/sh with argv [\"/bin/sh\", \"-c\", \"echo x >> " +
                   box.path("ran") + "\"], and fail the start unless it exits 0 within 1m\n"
                   "svc: would run pre command: exec /usr/bin/true with argv [\"true\"], and fail the start "
                   "unless it exits 0 within 1m\n") != std::string::npos);
  CHECK_FALSE(exists(box.path("ran")));
}
