// The default log: a service without stdout or stderr writes to
// <log dir>/<name>.log, and a start that fails after the exec, or `status
// -v` of a dead service, shows what it printed there last.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

using namespace harness;

namespace {

// Prints to both streams, then runs until killed.
std::string talker(const Sandbox& box) {
  return "command = [\"/bin/sh\", \"-c\", \"echo to stdout; echo to stderr >&2; exec sleep 1000\"]\n" +
         box.mark_line();
}

// A program that says why it gives up, on stderr, and exits 1.
std::string failing(const std::string& why, const std::string& then = "exit 1") {
  return "command = [\"/bin/sh\", \"-c\", \"echo starting; echo '" + why + "' >&2; " + then + "\"]\n";
}

struct stat stat_of_file(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st;
}

}  // namespace

TEST_CASE("default log: without stdout or stderr the output is appended to <log dir>/<name>.log, mode 0640") {
  Sandbox box;
  std::string file = box.service("web", talker(box));
  std::string log = box.log_dir() + "/web.log";
  Run r = box.run({"start", file});
  INFO("stderr: " << r.err);
  REQUIRE(r.code == 0);
  REQUIRE(wait_until([&] { return slurp(log) == "to stdout\nto stderr\n"; }));
  struct stat st = stat_of_file(log);
  CHECK((st.st_mode & 07777) == 0640);
  CHECK(st.st_uid == ::geteuid());
  CHECK((stat_of_file(box.log_dir()).st_mode & 07777) == (::geteuid() == 0 ? 0755 : 0700));
  Run logs = box.run({"logs", file});
  CHECK(logs.code == 0);
  CHECK(logs.out == "to stdout\nto stderr\n");
  // Appended: a second start adds to what the first wrote.
  REQUIRE(box.run({"restart", file}).code == 0);
  CHECK(wait_until([&] { return slurp(log) == "to stdout\nto stderr\nto stdout\nto stderr\n"; }));
}

TEST_CASE("default log: with user = the log file is the service user's, the log dir root's 0755") {
  if (::geteuid() != 0) return;  // only root changes users
  Sandbox box;
  std::string file = box.service("web", talker(box) + "user = \"nobody\"\n");
  Run r = box.run({"start", file});
  INFO("stderr: " << r.err);
  REQUIRE(r.code == 0);
  std::string log = box.log_dir() + "/web.log";
  REQUIRE(wait_until([&] { return slurp(log) == "to stdout\nto stderr\n"; }));
  struct stat st = stat_of_file(log);
  CHECK(st.st_uid == kNobody);
  CHECK((st.st_mode & 07777) == 0640);
  struct stat dir = stat_of_file(box.log_dir());
  CHECK(dir.st_uid == 0);
  CHECK((dir.st_mode & 07777) == 0755);
}

TEST_CASE("default log: stdout = /dev/null still discards, and stderr alone goes to the default log") {
  Sandbox box;
  std::string file = box.service("web", talker(box) + "stdout = \"/dev/null\"\n");
  REQUIRE(box.run({"start", file}).code == 0);
  std::string log = box.log_dir() + "/web.log";
  REQUIRE(wait_until([&] { return slurp(log) == "to stderr\n"; }));
  // Both discarded: no log, no log dir.
  std::string quiet = box.service("quiet", talker(box) + "stdout = \"/dev/null\"\nstderr = \"/dev/null\"\n");
  REQUIRE(box.run({"start", quiet}).code == 0);
  CHECK_FALSE(exists(box.log_dir() + "/quiet.log"));
}

TEST_CASE("default log: --log-dir, then $DAEMONCTL_LOG_DIR, choose the log dir") {
  Sandbox box;
  std::string file = box.service("web", talker(box));
  RunOptions env = with_env({"DAEMONCTL_LOG_DIR=" + box.path("from-env")});
  Run r = daemonctl({"--state-dir", box.state_dir(), "start", file}, env);
  INFO("stderr: " << r.err);
  REQUIRE(r.code == 0);
  CHECK(wait_until([&] { return slurp(box.path("from-env/web.log")) == "to stdout\nto stderr\n"; }));
  Run logs = daemonctl({"--state-dir", box.state_dir(), "logs", file}, env);
  CHECK(logs.out == "to stdout\nto stderr\n");
  REQUIRE(daemonctl({"--state-dir", box.state_dir(), "stop", file}, env).code == 0);
  r = daemonctl({"--state-dir", box.state_dir(), "--log-dir", box.path("from-flag"), "start", file}, env);
  REQUIRE(r.code == 0);
  CHECK(wait_until([&] { return slurp(box.path("from-flag/web.log")) == "to stdout\nto stderr\n"; }));
  CHECK(slurp(box.path("from-env/web.log")) == "to stdout\nto stderr\n");
}

TEST_CASE("default log: a log dir others can write to, or a symlink, is refused and nothing starts") {
  Sandbox box;
  std::string file = box.service("web", talker(box));
  REQUIRE(::mkdir(box.path("open").c_str(), 0700) == 0);
  REQUIRE(::chmod(box.path("open").c_str(), 0777) == 0);
  Run r = daemonctl({"--state-dir", box.state_dir(), "--log-dir", box.path("open"), "start", file});
  CHECK(r.code == 1);
  CHECK(r.err == "daemonctl: error: log directory '" + box.path("open") +
                     "' is writable by others; refusing to use it\n");
  CHECK(pids_with_env(box.mark()).empty());
  CHECK_FALSE(exists(box.state_dir() + "/web.pid"));
  REQUIRE(::mkdir(box.path("real").c_str(), 0700) == 0);
  REQUIRE(::symlink(box.path("real").c_str(), box.path("link").c_str()) == 0);
  Run link = daemonctl({"--state-dir", box.state_dir(), "--log-dir", box.path("link"), "start", file});
  CHECK(link.code == 1);
  CHECK(link.err == "daemonctl: error: log directory '" + box.path("link") +
                        "' is a symbolic link; refusing to use it\n");
  // A dry run refuses it as well, creating nothing.
  Run dry = daemonctl({"--state-dir", box.state_dir(), "--log-dir", box.path("open"), "--dry-run", "start", file});
  CHECK(dry.code == 1);
  CHECK(dry.err == r.err);
}

TEST_CASE("default log: a start that dies within its grace prints what it wrote last, and where to see more") {
  Sandbox box;
  // What an earlier run left in the log is not this start's reason.
  REQUIRE(::mkdir(box.log_dir().c_str(), 0700) == 0);
  box.write("log/web.log", "an earlier run\n");
  std::string file = box.service("web", failing("Bad configuration option") + "[start]\ngrace = \"2s\"\n");
  Run r = box.run({"start", file});
  CHECK(r.code == 1);
  CHECK(r.out == "");
  std::string head = "daemonctl: error: web: pid ";
  REQUIRE(r.err.starts_with(head));
  std::string rest = r.err.substr(r.err.find(' ', head.size()));
  CHECK(rest == " exited with status 1 within the start grace of 2s\n"
                "  | starting\n"
                "  | Bad configuration option\n"
                "  see: daemonctl logs web\n");
  Run logs = box.run({"logs", file});
  CHECK(logs.out == "an earlier run\nstarting\nBad configuration option\n");
}

TEST_CASE("default log: a start whose readiness times out prints what the daemon wrote last") {
  Sandbox box;
  std::string file = box.service("web", failing("Address already in use", "exec sleep 1000") + box.mark_line() +
                                            "[ready]\nfile = \"never\"\ntimeout = \"500ms\"\n");
  Run r = box.run({"start", file});
  CHECK(r.code == 1);
  INFO("stderr: " << r.err);
  CHECK(r.err.find("\n  | starting\n  | Address already in use\n  see: daemonctl logs web\n") != std::string::npos);
  CHECK(r.err.ends_with("\n  | starting\n  | Address already in use\n  see: daemonctl logs web\n"));
  CHECK(pids_with_env(box.mark()).empty());
}

TEST_CASE("default log: status -v of a dead service shows its last lines, status without -v does not") {
  Sandbox box;
  std::string file = box.service("web", failing("Bad configuration option", "sleep 0.2; exit 1"));
  Run r = box.run({"start", file});
  REQUIRE(r.code == 0);
  pid_t pid = pid_in(r.out);
  REQUIRE(wait_until([&] { return box.run({"status", file}).code == 1; }));
  Run plain = box.run({"status", file});
  CHECK(plain.out.starts_with("web: dead (pid " + std::to_string(pid) + ": "));
  CHECK(plain.out.find('\n') == plain.out.size() - 1);
  Run verbose = box.run({"-v", "status", file});
  CHECK(verbose.code == 1);
  CHECK(verbose.out == plain.out +
                           "web:   | starting\n"
                           "web:   | Bad configuration option\n"
                           "web:   see: daemonctl logs web\n");
}

TEST_CASE("default log: check, --dry-run and export systemd name the same resolved log") {
  Sandbox box;
  std::string file = box.service("web", talker(box));
  std::string log = box.log_dir() + "/web.log";
  Run dry = box.run({"--dry-run", "start", file});
  INFO("stdout: " << dry.out << "\nstderr: " << dry.err);
  CHECK(dry.code == 0);
  CHECK(dry.out.find("web: would connect stdin '/dev/null', stdout '" + log + "', stderr '" + log + "'\n") !=
        std::string::npos);
  CHECK(dry.out.find("web: would create directory '" + box.log_dir() + "'\n") != std::string::npos);
  CHECK(dry.out.find("web: would create '" + log + "' with mode 0640\n") != std::string::npos);
  CHECK_FALSE(exists(box.log_dir()));
  Run check = box.run({"check", file});
  CHECK(check.code == 0);
  Run unit = box.run({"export", "systemd", file});
  CHECK(unit.code == 0);
  CHECK(unit.out.find("StandardOutput=append:" + log + "\n") != std::string::npos);
  CHECK(unit.out.find("StandardError=append:" + log + "\n") != std::string::npos);
}

TEST_CASE("default log: with only stdout given, stderr joins its file, and no default log is made") {
  Sandbox box;
  std::string file = box.service("web", talker(box) + "stdout = \"out.log\"\n");
  REQUIRE(box.run({"start", file}).code == 0);
  CHECK(wait_until([&] { return slurp(box.path("out.log")) == "to stdout\nto stderr\n"; }));
  CHECK_FALSE(exists(box.log_dir()));
  CHECK(box.run({"logs", file}).out == "to stdout\nto stderr\n");
}

TEST_CASE("default log: the last lines under a failed start are escaped for the terminal") {
  Sandbox box;
  std::string file = box.service(
      "web", "command = [\"/bin/sh\", \"-c\", \"printf '\\\\033]0;pwned\\\\007boom\\\\n' >&2; exit 1\"]\n[start]\ngrace = 2\n");
  Run r = box.run({"start", file});
  INFO("stderr: " << r.err);
  CHECK(r.code == 1);
  CHECK(r.err.ends_with("\n  | \\x1b]0;pwned\\x07boom\n  see: daemonctl logs web\n"));
  CHECK(r.err.find('\033') == std::string::npos);
}
