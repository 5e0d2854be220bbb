// Attacks by the service's own unprivileged user (nobody), who owns the
// folders its log, pidfile and ready file live in, as /var/log/app is owned
// by app: root's daemonctl must never read, write, chmod or remove anything
// outside them through a link, a FIFO or a hard link there, and never take
// another service's process for this one. Each test checks a root-owned
// canary afterwards.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include "harness.h"

using namespace harness;

namespace {

// A root-owned file of root's: what an attack would read, write, chmod or remove.
struct Canary {
  std::string path;
  explicit Canary(const Sandbox& box, const std::string& leaf = "canary") : path(box.write(leaf, "precious\n")) {
    REQUIRE(::chmod(path.c_str(), 0600) == 0);
  }
  // Its content, mode, owner and links are as made.
  bool untouched() const {
    struct stat st;
    return ::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0600 && st.st_uid == 0 &&
           st.st_nlink == 1 && slurp(path) == "precious\n";
  }
};

// A sandbox nobody can enter, with a folder "app" that nobody owns.
std::string app_folder(const Sandbox& box) {
  REQUIRE(::chmod(box.dir().c_str(), 0755) == 0);
  box.write("app/.keep", "");
  REQUIRE(::chown(box.path("app").c_str(), kNobody, kNobody) == 0);
  return box.path("app");
}

std::string sleeper(const Sandbox& box) {
  return "command = [\"/bin/sleep\", \"1000\"]\nuser = \"nobody\"\n" + box.mark_line();
}

}  // namespace

TEST_CASE("attack: stdout replaced by a symlink to a root file is refused, exit 4, and the file is untouched") {
  Sandbox box;
  Canary canary(box);
  std::string app = app_folder(box);
  REQUIRE(run_as(kNobody, "ln -s " + canary.path + " " + app + "/out.log") == 0);
  std::string file = box.service("svc", sleeper(box) + "stdout = \"" + app + "/out.log\"\n");
  Run r = box.run({"start", file});
  CHECK(r.code == 4);
  CHECK(r.err == "daemonctl: error: svc: refusing '" + app + "/out.log': a symbolic link in '" + app +
                     "', which other users can change (owner uid 65534, mode 0755)\n");
  CHECK(canary.untouched());
  CHECK(pids_with_env(box.mark()).empty());
  CHECK_FALSE(exists(box.state_dir() + "/svc.pid"));
}

TEST_CASE("attack: stdin as a symlink to a root-only file is refused, and the daemon never runs") {
  Sandbox box;
  Canary canary(box);
  std::string app = app_folder(box);
  REQUIRE(run_as(kNobody, "ln -s " + canary.path + " " + app + "/in") == 0);
  std::string file = box.service("svc", sleeper(box) + "stdin = \"" + app + "/in\"\n");
  Run r = box.run({"start", file});
  CHECK(r.code == 4);
  CHECK(r.err.find("refusing '" + app + "/in': a symbolic link") != std::string::npos);
  CHECK(canary.untouched());
  CHECK(pids_with_env(box.mark()).empty());
}

TEST_CASE("attack: a symlink to a root file in place of the log folder is refused") {
  Sandbox box;
  Canary canary(box, "root/out.log");
  std::string app = app_folder(box);
  REQUIRE(run_as(kNobody, "ln -s " + box.path("root") + " " + app + "/logs") == 0);
  std::string file = box.service("svc", sleeper(box) + "stdout = \"" + app + "/logs/out.log\"\n");
  Run r = box.run({"start", file});
  CHECK(r.code == 4);
  CHECK(r.err.find("refusing '" + app + "/logs': a symbolic link in '" + app + "'") != std::string::npos);
  CHECK(canary.untouched());
  CHECK(pids_with_env(box.mark()).empty());
}

TEST_CASE("attack: a log file with another hard link, or a FIFO, in the user's folder is refused") {
  Sandbox box;
  Canary canary(box);
  std::string app = app_folder(box);
  // Where fs.protected_hardlinks is 0 the user can link root's file: made here by root.
  REQUIRE(::link(canary.path.c_str(), (app + "/out.log").c_str()) == 0);
  REQUIRE(run_as(kNobody, "mkfifo " + app + "/err.log") == 0);
  std::string file = box.service("svc", sleeper(box) + "stdout = \"" + app + "/out.log\"\n");
  Run r = box.run({"start", file});
  CHECK(r.code == 4);
  CHECK(r.err.find("refusing '" + app + "/out.log': it has 2 hard links, in a folder other users can change") !=
        std::string::npos);
  CHECK(slurp(canary.path) == "precious\n");
  std::string fifo = box.service("fifo", sleeper(box) + "stdout = \"" + app + "/err.log\"\n");
  Run f = box.run({"start", fifo});
  CHECK(f.code == 4);
  CHECK(f.err.find("refusing '" + app + "/err.log': not a regular file") != std::string::npos);
  CHECK(pids_with_env(box.mark()).empty());
}

TEST_CASE("attack: check reports stdio, pidfile and ready paths in another user's folder, and --strict fails") {
  Sandbox box;
  std::string app = app_folder(box);
  std::string file = box.service("svc", sleeper(box) + "stdout = \"" + app + "/out.log\"\npidfile = \"" + app +
                                            "/svc.pid\"\n[ready]\nfile = \"" + app + "/ready\"\n");
  Run r = box.run({"check", file});
  CHECK(r.code == 0);
  INFO(r.out);
  std::string folder = "'" + app + "', which uid 65534 can change (mode 0755)";
  CHECK(r.out.find("warning: stdout '" + app + "/out.log' is in " + folder) != std::string::npos);
  CHECK(r.out.find("warning: pidfile '" + app + "/svc.pid' is in " + folder) != std::string::npos);
  CHECK(r.out.find("warning: ready file '" + app + "/ready' is in " + folder) != std::string::npos);
  CHECK(box.run({"check", "--strict", file}).code == 6);
}

TEST_CASE("attack: check reports a pidfile that is itself a symlink as an error") {
  Sandbox box;
  box.write("target.pid", "");
  REQUIRE(::symlink(box.path("target.pid").c_str(), box.path("svc.pid").c_str()) == 0);
  std::string file = box.service("svc", sleeper(box) + "pidfile = \"" + box.path("svc.pid") + "\"\n");
  Run r = box.run({"check", file});
  CHECK(r.code == 6);
  CHECK(r.out.find("error: pidfile '" + box.path("svc.pid") + "' is a symbolic link: start refuses it") !=
        std::string::npos);
}

TEST_CASE("attack: the log folder swapped for a symlink while a rotated log runs: nothing is made outside") {
  Sandbox box;
  Canary canary(box, "root/keep");
  std::string app = app_folder(box);
  REQUIRE(run_as(kNobody, "mkdir " + app + "/logs") == 0);
  std::string log = "{ file = \"" + app + "/logs/out.log\", max_size = 200, keep = 2 }";
  std::string file = box.service(
      "svc", "command = [\"/bin/sh\", \"-c\", \"while read line; do echo $line; done < fifo\"]\nuser = \"nobody\"\n"
             "directory = \"" + app + "\"\n" + box.mark_line() + "stdout = " + log + "\n");
  REQUIRE(run_as(kNobody, "mkfifo " + app + "/fifo") == 0);
  // The writer keeps the FIFO open, so the daemon reads lines as they come.
  pid_t writer = spawn_as(kNobody, "exec 3>" + app + "/fifo; while :; do sleep 1; done");
  Run r = box.run({"start", file});
  INFO(r.err);
  REQUIRE(r.code == 0);
  REQUIRE(run_as(kNobody, "cd " + app + " && mv logs logs.old && ln -s " + box.path("root") + " logs") == 0);
  std::string lines;
  for (int i = 0; i < 40; ++i) lines += "line " + std::to_string(i) + " of the rotated log after the swap\n";
  REQUIRE(run_as(kNobody, "printf '" + lines.substr(0, lines.size() - 1) + "\\n' > " + app + "/fifo") == 0);
  CHECK(wait_until([&] { return slurp(app + "/logs.old/out.log").find("line 39 ") != std::string::npos; }));
  CHECK(exists(app + "/logs.old/out.log.1"));
  CHECK_FALSE(exists(box.path("root/out.log")));
  CHECK_FALSE(exists(box.path("root/out.log.1")));
  CHECK(canary.untouched());
  CHECK(box.run({"stop", file}).code == 0);
  ::kill(-writer, SIGKILL);
  ::waitpid(writer, nullptr, 0);
}

TEST_CASE("attack: the ready file's folder swapped for a symlink: root removes nothing in the target") {
  Sandbox box;
  Canary canary(box, "root/ready");
  std::string app = app_folder(box);
  REQUIRE(run_as(kNobody, "ln -s " + box.path("root") + " " + app + "/run") == 0);
  std::string file =
      box.service("svc", sleeper(box) + "[ready]\nfile = \"" + app + "/run/ready\"\ntimeout = \"2s\"\n");
  Run r = box.run({"start", file});
  CHECK(r.code == 4);
  CHECK(r.err.find("refusing '" + app + "/run': a symbolic link in '" + app + "'") != std::string::npos);
  CHECK(canary.untouched());
  CHECK(pids_with_env(box.mark()).empty());
}

TEST_CASE("attack: a symlink in place of a missing pidfile folder is refused, and nothing is written or removed there") {
  Sandbox box;
  Canary canary(box, "root/svc.pid");
  std::string app = app_folder(box);
  REQUIRE(run_as(kNobody, "ln -s " + box.path("root") + " " + app + "/run") == 0);
  std::string file = box.service("svc", sleeper(box) + "pidfile = \"" + app + "/run/svc.pid\"\n");
  Run r = box.run({"start", file});
  CHECK(r.code == 4);
  CHECK(canary.untouched());
  CHECK(pids_with_env(box.mark()).empty());
  Run stop = box.run({"stop", file});
  CHECK(canary.untouched());
}

TEST_CASE("attack: a racer swapping the new pidfile folder for a symlink never makes root chmod its target") {
  Sandbox box;
  Canary canary(box);
  std::string app = app_folder(box);
  std::string file = box.service("svc", sleeper(box) + "pidfile = \"" + app + "/run/sub/svc.pid\"\n");
  // As soon as root has made app/run, it is renamed away and a link to the
  // canary put in its place: a chmod or a write by path would reach it.
  pid_t racer = spawn_as(kNobody, std::string("exec ") + SWAP_RACER_BIN + " " + app + " run " + canary.path);
  for (int i = 0; i < 20; ++i) {
    Run r = box.run({"start", file});
    INFO(r.code << " " << r.err);  // started, or refused: either way the canary is left alone
    (void)box.run({"stop", file});
    CHECK(canary.untouched());
  }
  ::kill(-racer, SIGKILL);
  ::waitpid(racer, nullptr, 0);
  CHECK(canary.untouched());
}

TEST_CASE("attack: a forking pidfile naming another service's daemon is refused at once, and both are safe") {
  Sandbox box;
  std::string app = app_folder(box);
  std::string y = box.service("y", sleeper(box));
  Run started = box.run({"start", y});
  REQUIRE(started.code == 0);
  pid_t other = pid_in(started.out);
  // The service user writes y's pid where x's program will be believed.
  const std::string x_mark = "X_MARK=" + box.dir();
  std::string x = box.service(
      "x", "command = [\"/bin/sh\", \"-c\", \"echo " + std::to_string(other) + " > x.pid; sleep 1000 & exit 0\"]\n"
           "type = \"forking\"\nuser = \"nobody\"\ndirectory = \"" + app + "\"\npidfile = \"" + app + "/x.pid\"\n"
           "environment = { X_MARK = \"" + box.dir() + "\" }\n[ready]\ntimeout = \"60s\"\n");
  Run r = box.run({"start", x});  // killed at 20 s: a refusal at the timeout fails the test
  CHECK(r.code == 1);
  CHECK(r.err == "daemonctl: error: x: not started: pidfile '" + app + "/x.pid' names pid " + std::to_string(other) +
                     ", which the command did not leave behind\n");
  CHECK(alive(other));
  CHECK(pids_with_env(x_mark).empty());  // x's own daemon was stopped with the failed start
  CHECK(box.run({"stop", x}).code == 0);
  CHECK(alive(other));
  CHECK(box.run({"stop", y}).code == 0);
}

TEST_CASE("attack: daemonctl killed during a forking start leaves nothing running untracked") {
  Sandbox box;
  std::string app = app_folder(box);
  // The daemon names itself, but the program never exits: start waits.
  std::string file = box.service(
      "x", "command = [\"/bin/sh\", \"-c\", \"sleep 1000 & echo $! > x.pid; exec sleep 1000\"]\ntype = \"forking\"\n"
           "user = \"nobody\"\ndirectory = \"" + app + "\"\npidfile = \"" + app + "/x.pid\"\n" + box.mark_line() +
           "[ready]\ntimeout = \"60s\"\n");
  Background start = daemonctl_background(box.args({"start", file}));
  REQUIRE(wait_until([&] {
    std::string text = slurp(app + "/x.pid");
    return text.find('\n') != std::string::npos && alive(std::stoi(text));
  }));
  pid_t daemon = std::stoi(slurp(app + "/x.pid"));
  start.kill_now();
  CHECK(wait_until([&] { return !alive(daemon) && pids_with_env(box.mark()).empty(); }));
  // Its record, cut short, says nothing runs; the next command clears it.
  CHECK(box.run({"status", file}).code == 3);
  CHECK(box.run({"stop", file}).code == 0);
  CHECK_FALSE(exists(box.state_dir() + "/x.record"));
}

TEST_CASE("attack: a service file's environment, LD_PRELOAD included, never reaches the root monitor") {
  Sandbox box;
  std::string file = box.service(
      "svc", "command = [\"/bin/sleep\", \"1000\"]\nuser = \"nobody\"\n"
             "environment = { LD_PRELOAD = \"/nonexistent/evil.so\", SERVICE_ONLY = \"1\", DAEMONCTL_TEST_MARK = \"" +
                 box.dir() + "\" }\n"
                 "[restart]\npolicy = \"always\"\n");
  Run r = box.run({"start", file});
  INFO(r.err);
  REQUIRE(r.code == 0);
  pid_t daemon = pid_in(r.out);
  auto monitor_at = r.out.find("monitor pid ");
  REQUIRE(monitor_at != std::string::npos);
  pid_t monitor = std::stoi(r.out.substr(monitor_at + 12));
  CHECK(environ_of(monitor) == std::map<std::string, std::string>{{"PATH", "/usr/sbin:/usr/bin:/sbin:/bin"}});
  CHECK(environ_of(daemon)["SERVICE_ONLY"] == "1");
  CHECK(environ_of(daemon)["LD_PRELOAD"] == "/nonexistent/evil.so");
  // The monitor keeps what the start recorded of the service in its record.
  std::string record = slurp(box.state_dir() + "/svc.record");
  CHECK(record.starts_with("name svc\nfile " + file + "\n"));
  CHECK(record.find("\nmonitor " + std::to_string(monitor) + "\n") != std::string::npos);
  CHECK(box.run({"stop", file}).code == 0);
}

TEST_CASE("attack: a ready command gets no controlling terminal, even when daemonctl has one") {
  Sandbox box;
  REQUIRE(::chmod(box.dir().c_str(), 0755) == 0);
  box.write("out/.keep", "");
  REQUIRE(::chmod(box.path("out").c_str(), 0777) == 0);
  // With the operator's terminal it could type into it (TIOCSTI) or write escapes to it.
  std::string probe = "if (exec 3</dev/tty) 2>/dev/null; then echo tty; else echo none; fi > " + box.path("out/seen");
  std::string file = box.service("svc", sleeper(box) + "[ready]\ncommand = [\"/bin/sh\", \"-c\", \"" + probe +
                                            "\"]\ntimeout = \"10s\"\n");
  // script(1) gives daemonctl a pseudo-terminal as its controlling terminal.
  std::string start = std::string("script -qec '") + DAEMONCTL_BIN + " --state-dir " + box.state_dir() + " start " +
                      file + "' /dev/null > /dev/null";
  REQUIRE(std::system(start.c_str()) == 0);
  CHECK(slurp(box.path("out/seen")) == "none\n");
  CHECK(box.run({"stop", file}).code == 0);
}

TEST_CASE("attack: logs never follows a link the service user put in place of its log") {
  Sandbox box;
  Canary canary(box);
  std::string app = app_folder(box);
  std::string file = box.service("svc", sleeper(box) + "stdout = \"" + app + "/out.log\"\n");
  REQUIRE(run_as(kNobody, "ln -s " + canary.path + " " + app + "/out.log") == 0);
  Run r = box.run({"logs", file});
  CHECK(r.code == 4);
  CHECK(r.out.find("precious") == std::string::npos);
  CHECK(r.err.find("refusing '" + app + "/out.log': a symbolic link") != std::string::npos);
}

TEST_CASE("attack: a log or stdin another user made in its folder is refused for a service that is not theirs") {
  Sandbox box;
  std::string app = app_folder(box);
  // Made by nobody to read what a root service writes, or feed it input.
  REQUIRE(run_as(kNobody, "umask 0; echo planted > " + app + "/leak.log; echo planted > " + app + "/leak-in") == 0);
  std::string root_service = "command = [\"/bin/sleep\", \"1000\"]\n" + box.mark_line();
  Run out = box.run({"start", box.service("out", root_service + "stdout = \"" + app + "/leak.log\"\n")});
  CHECK(out.code == 4);
  CHECK(out.err.find("refusing '" + app + "/leak.log': it belongs to uid 65534, neither root nor the service's user") !=
        std::string::npos);
  Run in = box.run({"start", box.service("in", root_service + "stdin = \"" + app + "/leak-in\"\n")});
  CHECK(in.code == 4);
  CHECK(pids_with_env(box.mark()).empty());
  // The service's own user may use its own file.
  std::string own = box.service("own", sleeper(box) + "stdout = \"" + app + "/leak.log\"\n");
  CHECK(box.run({"start", own}).code == 0);
  CHECK(box.run({"stop", own}).code == 0);
}
