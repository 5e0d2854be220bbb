// [ready]: start returns only when the daemon is ready, and stops it (exit 1,
// nothing left behind) when it is not ready in time or dies first. Each test
// proves the wait by a file the daemon writes just before it becomes ready:
// a start that returned early would find it missing.
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

using namespace harness;

namespace {

/// `sh -c SCRIPT` as a service command, with the sandbox's mark.
std::string shell_service(const Sandbox& box, const std::string& script, const std::string& ready) {
  return "command = [\"/bin/sh\", \"-c\", \"" + script + "\"]\n" + box.mark_line() + "[ready]\n" + ready;
}

/// After a failed start: no pidfile, no record, no process of the sandbox.
void nothing_left(const Sandbox& box) {
  CHECK_FALSE(exists(box.state_dir() + "/svc.pid"));
  CHECK_FALSE(exists(box.state_dir() + "/svc.record"));
  // A systemd-notify that sent ERRNO= may outlive the daemon by a moment: a
  // group stop (the default) signals it, and it would exit anyway.
  CHECK(wait_until([&] { return pids_with_env(box.mark()).empty(); }, 2000ms));
}

}  // namespace

TEST_CASE("ready.notify: start returns after READY=1 from systemd-notify, with NOTIFY_SOCKET set for the daemon") {
  REQUIRE(::access("/usr/bin/systemd-notify", X_OK) == 0);  // scripts/deps installs systemd
  Sandbox box;
  std::string marker = box.path("before-ready");
  std::string file = box.service(
      "svc", shell_service(box, "sleep 0.3; touch " + marker + "; systemd-notify --ready; exec sleep 1000",
                           "notify = true\ntimeout = \"10s\"\n"));
  Run r = box.run({"start", file});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(exists(marker));
  pid_t pid = pid_in(r.out);
  // The shell may be in the middle of `exec sleep` (its environ reads empty then).
  REQUIRE(wait_until([&] { return !environ_of(pid).empty(); }));
  CHECK(environ_of(pid)["NOTIFY_SOCKET"].starts_with("@daemonctl/notify/"));  // abstract: no file
  CHECK(box.run({"stop", file}).code == 0);
}

TEST_CASE("ready.notify: no READY=1 within the timeout stops the daemon, exit 1, nothing left behind") {
  Sandbox box;
  std::string file = box.service("svc", shell_service(box, "exec sleep 1000", "notify = true\ntimeout = \"300ms\"\n"));
  Run r = box.run({"start", file});
  CHECK(r.code == 1);
  CHECK(r.err == "daemonctl: error: svc: not ready within 300ms: no READY=1 on the notify socket\n"
                 "  see: daemonctl logs svc\n");
  nothing_left(box);
}

TEST_CASE("ready.notify: ERRNO= fails the start at once, with the STATUS= it sent") {
  REQUIRE(::access("/usr/bin/systemd-notify", X_OK) == 0);  // scripts/deps installs systemd
  Sandbox box;
  std::string file = box.service(
      "svc", shell_service(box, "systemd-notify STATUS=no-config ERRNO=2; exec sleep 1000",
                           "notify = true\ntimeout = \"20s\"\n"));
  Run r = box.run({"start", file});
  CHECK(r.code == 1);
  CHECK(r.err.find("svc: the service reported ERRNO=2 (No such file or directory): no-config") != std::string::npos);
  nothing_left(box);
}

TEST_CASE("ready.tcp: start returns once the daemon listens on the port") {
  Sandbox box;
  int port = free_port();
  std::string file = box.service("svc", "command = [\"" LISTEN_AFTER_BIN "\", \"300\", \"" + std::to_string(port) +
                                            "\"]\n" + box.mark_line() + "[ready]\ntcp = \"127.0.0.1:" +
                                            std::to_string(port) + "\"\ntimeout = \"10s\"\n");
  Run r = box.run({"start", file});
  INFO(r.err);
  REQUIRE(r.code == 0);
  // Listening now: /proc/net/tcp lists 127.0.0.1:PORT (0100007F:hex) in state LISTEN (0A).
  char hex[16];
  std::snprintf(hex, sizeof hex, ":%04X", port);
  std::string table = slurp("/proc/net/tcp");
  CHECK(table.find(std::string("0100007F") + hex + " 00000000:0000 0A") != std::string::npos);
  CHECK(box.run({"stop", file}).code == 0);
}

TEST_CASE("ready.file: start returns once the file exists") {
  Sandbox box;
  std::string ready = box.path("ready-file");
  std::string file = box.service("svc", shell_service(box, "sleep 0.3; touch " + ready + "; exec sleep 1000",
                                                      "file = \"" + ready + "\"\ntimeout = \"10s\"\n"));
  Run r = box.run({"start", file});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(exists(ready));
  CHECK(box.run({"stop", file}).code == 0);
}

TEST_CASE("ready.command: start returns once the command exits 0, run in the service's folder and environment") {
  Sandbox box;
  std::string marker = box.path("before-ready");
  std::string file = box.service(
      "svc", "command = [\"/bin/sh\", \"-c\", \"sleep 0.3; touch " + marker + "; exec sleep 1000\"]\n" +
                 "directory = \"" + box.dir() + "\"\nenvironment = { DAEMONCTL_TEST_MARK = \"" + box.dir() +
                 "\", WANT = \"before-ready\" }\n[ready]\ncommand = [\"/bin/sh\", \"-c\", \"test -e \\\"$WANT\\\"\"]\n"
                 "timeout = \"10s\"\n");
  Run r = box.run({"start", file});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(exists(marker));
  CHECK(box.run({"stop", file}).code == 0);
}

TEST_CASE("ready: every check must pass, and the message names those that did not") {
  Sandbox box;
  std::string there = box.path("there");
  std::string file = box.service(
      "svc", shell_service(box, "touch " + there + "; exec sleep 1000",
                           "file = \"" + there + "\"\ncommand = [\"/bin/false\"]\ntimeout = \"400ms\"\n"));
  Run r = box.run({"start", file});
  CHECK(r.code == 1);
  // Under it, where the daemon's output went (it printed nothing).
  CHECK(r.err == "daemonctl: error: svc: not ready within 400ms: '/bin/false' exited with status 1\n"
                 "  see: daemonctl logs svc\n");
  nothing_left(box);
}

TEST_CASE("ready: a daemon that exits before it is ready fails the start with its exit status") {
  Sandbox box;
  std::string file = box.service("svc", shell_service(box, "exit 3", "file = \"" + box.path("never") + "\"\n"));
  Run r = box.run({"start", file});
  CHECK(r.code == 1);
  CHECK(r.err.find("svc: pid ") != std::string::npos);
  CHECK(r.err.find(" exited with status 3 before it was ready\n") != std::string::npos);
  nothing_left(box);
}

TEST_CASE("ready.command that is not installed exits 5 before anything starts") {
  Sandbox box;
  std::string file = box.service("svc", shell_service(box, "exec sleep 1000", "command = [\"no-such-probe\"]\n"));
  Run r = box.run({"start", file});
  CHECK(r.code == 5);
  CHECK(r.err.find("svc: ready.command: ") != std::string::npos);
  nothing_left(box);
}

TEST_CASE("a NOTIFY_SOCKET daemonctl inherits is not passed on to the daemon") {
  Sandbox box;
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\n" + box.mark_line());
  Run r = box.run({"start", file}, with_env({"NOTIFY_SOCKET=/run/systemd/notify"}));
  REQUIRE(r.code == 0);
  CHECK(environ_of(pid_in(r.out)).count("NOTIFY_SOCKET") == 0);
  CHECK(box.run({"stop", file}).code == 0);
}

TEST_CASE("start --dry-run says what it would wait for") {
  Sandbox box;
  std::string file =
      box.service("svc", shell_service(box, "exec sleep 1000", "notify = true\ntcp = \"[::1]:6379\"\ntimeout = \"5s\"\n"));
  Run r = box.run({"start", "--dry-run", file});
  CHECK(r.code == 0);
  CHECK(r.out.find("svc: would set environment: +NOTIFY_SOCKET=@daemonctl/notify/<random>\n") != std::string::npos);
  CHECK(r.out.find("svc: would wait up to 5s for READY=1 on the notify socket, a TCP listener on [::1]:6379, and stop "
                   "it if it is not ready by then\n") != std::string::npos);
  nothing_left(box);
}

TEST_CASE("ready.file left by an earlier run does not pass for the next start") {
  Sandbox box;
  std::string ready = box.path("ready-file");
  box.write("ready-file", "from the last run\n");
  std::string file = box.service("svc", shell_service(box, "exec sleep 1000", "file = \"" + ready + "\"\ntimeout = \"300ms\"\n"));
  Run dry = box.run({"start", "--dry-run", file});
  CHECK(dry.out.find("svc: would remove the old ready file '" + ready + "'\n") != std::string::npos);
  Run r = box.run({"start", file});
  CHECK(r.code == 1);
  CHECK(r.err.find("not ready within 300ms: no file '" + ready + "'") != std::string::npos);
  nothing_left(box);
}
