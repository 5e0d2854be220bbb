// start: the daemon's process state, checked from /proc, and every way a
// start can fail leaving nothing behind.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>

#include "harness.h"

using namespace harness;

namespace {

// A daemon that runs until killed.
const char* kSleeper = "command = [\"/bin/sleep\", \"1000\"]\n";

pid_t started(const Run& r, const std::string& name) {
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.code == 0);
  pid_t pid = pid_in(r.out);
  REQUIRE(r.out == name + ": started (pid " + std::to_string(pid) + ")\n");
  return pid;
}

}  // namespace

TEST_CASE("start detaches the daemon: not daemonctl's child, own session, not its leader, no tty") {
  Sandbox box;
  Run r = box.run({"start", box.service("svc", kSleeper)});
  pid_t pid = started(r, "svc");
  Stat st = stat_of(pid);
  CHECK(st.state != 'Z');
  CHECK(st.ppid != r.pid);           // daemonctl has exited; the daemon was reparented
  CHECK(st.session != pid);          // not a session leader: can never regain a tty
  CHECK(st.session != getsid(0));    // a new session, not daemonctl's (ours)
  CHECK(st.tty_nr == 0);             // no controlling terminal
}

TEST_CASE("start writes the pidfile, one pid and a newline with mode 0644, and an identity record") {
  Sandbox box;
  pid_t pid = started(box.run({"start", box.service("svc", kSleeper)}), "svc");
  std::string pidfile = box.state_dir() + "/svc.pid";
  CHECK(slurp(pidfile) == std::to_string(pid) + "\n");
  struct stat st;
  REQUIRE(::stat(pidfile.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0644);
  std::string record = slurp(box.state_dir() + "/svc.record");
  CHECK(record.find("\npid " + std::to_string(pid) + "\n") != std::string::npos);
  CHECK(record.starts_with("name svc\nfile " + box.path("svc.toml") + "\n"));
  CHECK(record.find("\nargv /bin/sleep\nargv 1000\n") != std::string::npos);
  CHECK(record.find("\nphase running\n") != std::string::npos);
  CHECK(record.find("starttime ") != std::string::npos);
  CHECK(record.find("boot_id " + slurp("/proc/sys/kernel/random/boot_id")) != std::string::npos);
  CHECK_FALSE(exists(pidfile + ".tmp"));
}

TEST_CASE("start uses the configured pidfile path and creates its folder") {
  Sandbox box;
  std::string file = box.service("svc", std::string(kSleeper) + "pidfile = \"run/deep/svc.pid\"\n");
  pid_t pid = started(box.run({"start", file}), "svc");
  CHECK(slurp(box.path("run/deep/svc.pid")) == std::to_string(pid) + "\n");
  CHECK_FALSE(exists(box.state_dir() + "/svc.pid"));
}

TEST_CASE("start sets the configured working directory and umask") {
  Sandbox box;
  box.write("work/.keep", "");
  std::string file = box.service("svc", std::string(kSleeper) + "directory = \"work\"\numask = 0o027\n");
  pid_t pid = started(box.run({"start", file}), "svc");
  CHECK(cwd_of(pid) == box.path("work"));
  CHECK(status_field(pid, "Umask") == "0027");
}

TEST_CASE("start gives the daemon fds 0-2 as configured and no others") {
  Sandbox box;
  box.write("input.txt", "hello\n");
  std::string file = box.service("svc", std::string(kSleeper) +
                                            "stdin = \"input.txt\"\nstdout = \"out.log\"\nstderr = \"err.log\"\n");
  // An fd that daemonctl inherits without close-on-exec must not reach the daemon.
  int leak = ::open(box.path("input.txt").c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(leak >= 0);
  RunOptions opt;
  opt.leak_fd = leak;
  pid_t pid = started(box.run({"start", file}, opt), "svc");
  ::close(leak);
  // sleep itself may open and close locale files as it starts; an fd leaked
  // from daemonctl would stay for good.
  std::map<int, std::string> fds;
  bool settled = wait_until([&] { return (fds = fds_of(pid)).size() == 3; });
  for (const auto& [fd, target] : fds) UNSCOPED_INFO("fd " << fd << " -> " << target);
  CHECK(settled);
  CHECK(fds[0] == box.path("input.txt"));
  CHECK(fds[1] == box.path("out.log"));
  CHECK(fds[2] == box.path("err.log"));
}

TEST_CASE("start appends to log files and writes the daemon's output there") {
  Sandbox box;
  box.write("out.log", "earlier line\n");
  std::string file = box.service("svc",
                                 "command = [\"/bin/sh\", \"-c\", \"echo to-out; echo to-err >&2; exec sleep 1000\"]\n"
                                 "stdout = \"out.log\"\nstderr = \"out.log\"\n");
  pid_t pid = started(box.run({"start", file}), "svc");
  REQUIRE(wait_until([&] { return slurp(box.path("out.log")).find("to-err") != std::string::npos; }));
  std::string log = slurp(box.path("out.log"));
  CHECK(log.rfind("earlier line\n", 0) == 0);
  CHECK(log.find("to-out\n") != std::string::npos);
  auto fds = fds_of(pid);
  CHECK(fds[1] == box.path("out.log"));
  CHECK(fds[2] == box.path("out.log"));
}

TEST_CASE("start resets signal mask and dispositions that daemonctl inherited") {
  Sandbox box;
  RunOptions opt;
  opt.ignore_signals = {SIGHUP, SIGTERM, SIGINT};
  opt.block_signals = {SIGUSR1, SIGTERM};
  pid_t pid = started(box.run({"start", box.service("svc", kSleeper)}, opt), "svc");
  CHECK(status_field(pid, "SigBlk") == "0000000000000000");
  CHECK(status_field(pid, "SigIgn") == "0000000000000000");
}

TEST_CASE("start with inherit_environment adds environment to the inherited one") {
  Sandbox box;
  std::string file = box.service("svc", std::string(kSleeper) + "inherit_environment = true\n"
                                                                "environment = { PORT = \"8080\", HOME = \"/srv\" }\n");
  RunOptions opt;
  opt.env_extra = {"DAEMONCTL_TEST_INHERITED=yes", "HOME=/root"};
  pid_t pid = started(box.run({"start", file}, opt), "svc");
  auto env = environ_of(pid);
  CHECK(env["PORT"] == "8080");
  CHECK(env["HOME"] == "/srv");
  CHECK(env["DAEMONCTL_TEST_INHERITED"] == "yes");
}

TEST_CASE("start with clear_environment = true, the old name of the default, passes environment over the fixed base") {
  Sandbox box;
  std::string file = box.service("svc", std::string(kSleeper) +
                                            "clear_environment = true\nenvironment = { PORT = \"8080\" }\n");
  RunOptions opt;
  opt.env_extra = {"DAEMONCTL_TEST_INHERITED=yes"};
  pid_t pid = started(box.run({"start", file}, opt), "svc");
  auto env = environ_of(pid);
  CHECK(env.count("DAEMONCTL_TEST_INHERITED") == 0);
  CHECK(env["PATH"] == "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  CHECK(env["PORT"] == "8080");
  std::set<std::string> names;
  for (const auto& [name, value] : env) names.insert(name);
  CHECK(names == std::set<std::string>{"HOME", "LANG", "LOGNAME", "PATH", "PORT", "SHELL", "USER"});
}

TEST_CASE("start looks a bare program name up in PATH and splits a string command like a shell") {
  Sandbox box;
  std::string file = box.service("svc", "command = \"sleep '1000'\"\n");
  pid_t pid = started(box.run({"start", file}), "svc");
  CHECK(slurp("/proc/" + std::to_string(pid) + "/cmdline") == std::string("sleep\0" "1000\0", 11));
}

TEST_CASE("start of a running service says so, exits 0 and starts nothing") {
  Sandbox box;
  std::string file = box.service("svc", kSleeper);
  pid_t pid = started(box.run({"start", file}), "svc");
  Run again = box.run({"start", file});
  CHECK(again.code == 0);
  CHECK(again.out == "svc: already running (pid " + std::to_string(pid) + ")\n");
  CHECK(box.pidfile_pid("svc") == pid);
}

TEST_CASE("start replaces a stale pidfile with a notice") {
  Sandbox box;
  std::string file = box.service("svc", kSleeper);
  pid_t old = started(box.run({"start", file}), "svc");
  ::kill(old, SIGKILL);
  REQUIRE(wait_until([&] { return !alive(old); }));
  Run r = box.run({"start", file});
  pid_t pid = started(r, "svc");
  CHECK(pid != old);
  CHECK(r.err.find("daemonctl: warning: svc: removing stale pidfile '" + box.state_dir() + "/svc.pid'") == 0);
  CHECK(box.pidfile_pid("svc") == pid);
}

TEST_CASE("start of a missing program exits 5 naming it, leaving no pidfile") {
  Sandbox box;
  Run r = box.run({"start", box.service("svc", "command = [\"/nonexistent/prog\", \"x\"]\n")});
  CHECK(r.code == 5);
  CHECK(r.out.empty());
  CHECK(r.err == "daemonctl: error: svc: cannot execute '/nonexistent/prog': No such file or directory\n");
  CHECK_FALSE(exists(box.state_dir() + "/svc.pid"));
  CHECK_FALSE(exists(box.state_dir() + "/svc.record"));
}

TEST_CASE("start of a program not in PATH exits 5") {
  Sandbox box;
  Run r = box.run({"start", box.service("svc", "command = \"no-such-program-here\"\n")},
                  with_env({"PATH=/usr/bin:/bin"}));
  CHECK(r.code == 5);
  CHECK(r.err == "daemonctl: error: svc: cannot find 'no-such-program-here' in PATH "
                 "(/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)\n");
}

TEST_CASE("start of a program that exec refuses exits 5 with the OS reason, nothing left") {
  Sandbox box;
  box.write("notabinary", "this is not a program\n");
  ::chmod(box.path("notabinary").c_str(), 0755);
  Run r = box.run({"start", box.service("svc", "command = [\"./notabinary\"]\n")});
  CHECK(r.code == 5);
  CHECK(r.err == "daemonctl: error: svc: cannot execute '" + box.path("notabinary") + "': Exec format error\n");
  CHECK_FALSE(exists(box.state_dir() + "/svc.pid"));
  CHECK_FALSE(exists(box.state_dir() + "/svc.record"));
}

TEST_CASE("start into a missing directory exits 6 with the path and reason before forking") {
  Sandbox box;
  Run r = box.run({"start", box.service("svc", std::string(kSleeper) + "directory = \"/nonexistent-dir\"\n")});
  CHECK(r.code == 6);
  CHECK(r.err == "daemonctl: error: svc: working directory '/nonexistent-dir': No such file or directory\n");
  CHECK_FALSE(exists(box.state_dir() + "/svc.pid"));
}

TEST_CASE("start with a log file in a missing folder exits 6 before anything runs") {
  Sandbox box;
  Run r = box.run({"start", box.service("svc", std::string(kSleeper) + "stdout = \"missing/dir/out.log\"\n")});
  CHECK(r.code == 6);
  CHECK(r.err == "daemonctl: error: svc: cannot open '" + box.path("missing/dir/out.log") +
                     "': No such file or directory\n");
  CHECK_FALSE(exists(box.state_dir() + "/svc.pid"));
}

TEST_CASE("start fails with exit 1 and the exit status when the daemon dies within start.grace") {
  Sandbox box;
  std::string file = box.service("svc", "command = [\"/bin/sh\", \"-c\", \"exit 3\"]\n[start]\ngrace = \"2s\"\n");
  Run r = box.run({"start", file});
  CHECK(r.code == 1);
  CHECK(r.out.empty());
  CHECK(r.err.find("daemonctl: error: svc: pid ") == 0);
  CHECK(r.err.find(" exited with status 3 within the start grace of 2s\n") != std::string::npos);
  CHECK_FALSE(exists(box.state_dir() + "/svc.pid"));
  CHECK_FALSE(exists(box.state_dir() + "/svc.record"));
}

TEST_CASE("start reports the signal that killed a daemon within start.grace") {
  Sandbox box;
  std::string file = box.service("svc", "command = [\"/bin/sh\", \"-c\", \"kill -SEGV $$\"]\n[start]\ngrace = 2\n");
  Run r = box.run({"start", file});
  CHECK(r.code == 1);
  CHECK(r.err.find(" was killed by SIGSEGV within the start grace of 2s\n") != std::string::npos);
}

TEST_CASE("start succeeds when the daemon outlives start.grace") {
  Sandbox box;
  std::string file = box.service("svc", std::string(kSleeper) + "[start]\ngrace = \"150ms\"\n");
  pid_t pid = started(box.run({"start", file}), "svc");
  CHECK(alive(pid));
}
