// On a terminal: colour (not with NO_COLOR, TERM=dumb, a pipe or --json,
// decided per stream) and the progress line of long commands (on stderr
// only, never on a pipe, with -q or --json).
#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <string>

#include "harness.h"
#include "tty.h"

using namespace harness;

namespace {

const std::string kGreen = "\x1b[32m", kRed = "\x1b[31m", kReset = "\x1b[0m";
const Ttys kOutTty{true, false}, kErrTty{false, true}, kPipes{false, false};

std::string sleeper(const Sandbox& box) { return "command = [\"/bin/sleep\", \"1000\"]\n" + box.mark_line(); }

// Ignores SIGTERM (so does its sleep, which inherits the disposition);
// SIGKILL after 2s.
std::string stubborn(const Sandbox& box) {
  return "command = [\"/bin/sh\", \"-c\", \"trap '' TERM; while :; do sleep 0.05; done\"]\n" + box.mark_line() +
         "[stop]\ntimeout = \"2s\"\n";
}

Run on_tty(const Sandbox& box, const std::vector<std::string>& args, Ttys ttys, std::vector<std::string> env = {}) {
  std::vector<std::string> full{"--config-dir", box.dir()};
  for (const std::string& a : box.args(args)) full.push_back(a);
  return daemonctl_on_tty(full, ttys, with_env(std::move(env)));
}

pid_t start_ok(Sandbox& box, const std::vector<std::string>& services) {
  std::vector<std::string> args{"--config-dir", box.dir(), "start"};
  args.insert(args.end(), services.begin(), services.end());
  Run r = box.run(args);
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  return pid_in(r.out);
}

}  // namespace

TEST_CASE("status on a terminal colours the state word") {
  Sandbox box;
  box.service("web", sleeper(box));
  pid_t pid = start_ok(box, {"web"});
  Run r = on_tty(box, {"status", "web"}, kOutTty);
  INFO(r.out << r.err);
  CHECK(r.code == 0);
  CHECK(r.out.rfind("web: " + kGreen + "running" + kReset + " (pid " + std::to_string(pid) + ", up ", 0) == 0);
  // A result line too: "started" in green.
  box.service("db", sleeper(box));
  Run started = on_tty(box, {"start", "db"}, kOutTty);
  CHECK(started.out.rfind("db: " + kGreen + "started" + kReset + " (pid ", 0) == 0);
  box.track(pid_in(started.out));
}

TEST_CASE("list on a terminal colours the states and keeps the columns aligned") {
  Sandbox box;
  box.service("web", sleeper(box));
  box.service("db", sleeper(box));
  box.service("api", sleeper(box));
  start_ok(box, {"web", "db"});
  // db dies: its pidfile remains.
  pid_t db = box.pidfile_pid("db");
  ::kill(db, SIGKILL);
  REQUIRE(wait_until([&] { return !alive(db); }));
  Run r = on_tty(box, {"list"}, kOutTty);
  INFO(r.out << r.err);
  CHECK(r.code == 3);  // api, the first by name, is stopped
  // Padded as if plain: "dead" and its five blanks fill STATE's 7 + 2.
  CHECK(r.out.rfind("NAME  STATE    PID", 0) == 0);  // the header is plain
  CHECK(r.out.find("\napi   stopped  -") != std::string::npos);
  CHECK(r.out.find("\ndb    " + kRed + "dead" + kReset + "     " + std::to_string(db) + "  ") != std::string::npos);
  CHECK(r.out.find("\nweb   " + kGreen + "running" + kReset + "  ") != std::string::npos);
}

TEST_CASE("NO_COLOR or TERM=dumb on a terminal means no escape code on stdout or stderr") {
  Sandbox box;
  box.service("web", sleeper(box));
  start_ok(box, {"web"});
  for (std::string env : {"NO_COLOR=1", "TERM=dumb"}) {
    INFO(env);
    Run status = on_tty(box, {"status", "web", "nosuch"}, Ttys{}, {env});
    INFO(status.out << status.err);
    CHECK(status.code == 4);
    CHECK(status.out.rfind("web: running (pid ", 0) == 0);
    CHECK(status.err == "daemonctl: error: nosuch: no service named 'nosuch' in '" + box.dir() + "'\n");
    Run list = on_tty(box, {"list"}, Ttys{}, {env});
    CHECK(list.out.find("\nweb   running  ") != std::string::npos);
    CHECK_FALSE(has_escape(status.out + status.err + list.out + list.err));
  }
  // An empty NO_COLOR is unset (no-color.org).
  Run empty = on_tty(box, {"status", "web"}, kOutTty, {"NO_COLOR="});
  CHECK(has_escape(empty.out));
}

TEST_CASE("errors on a terminal have a coloured level word, not when stderr is a pipe") {
  Sandbox box;
  Run tty = on_tty(box, {"status", "nosuch"}, kErrTty);
  INFO(tty.err);
  CHECK(tty.code == 4);
  CHECK(tty.err.rfind("daemonctl: \x1b[31m\x1b[1merror\x1b[m: nosuch: no service named 'nosuch'", 0) == 0);
  // stdout a terminal, stderr a pipe: the error is plain.
  Run piped = on_tty(box, {"status", "nosuch"}, kOutTty);
  CHECK(piped.err == "daemonctl: error: nosuch: no service named 'nosuch' in '" + box.dir() + "'\n");
}

TEST_CASE("piped output is never coloured, nor is JSON on a terminal") {
  Sandbox box;
  box.service("web", sleeper(box));
  start_ok(box, {"web"});
  // stderr a terminal, stdout a pipe: the state is plain.
  Run status = on_tty(box, {"status", "web"}, kErrTty);
  CHECK(status.out.rfind("web: running (pid ", 0) == 0);
  Run list = on_tty(box, {"list"}, kPipes);
  CHECK(list.out.rfind("web\trunning\t", 0) == 0);
  Run json = on_tty(box, {"--json", "status", "web", "nosuch"}, Ttys{});
  INFO(json.out << json.err);
  CHECK(json.out.find("\"state\": \"running\"") != std::string::npos);
  CHECK_FALSE(has_escape(status.out + status.err + list.out + list.err + json.out + json.err));
}

TEST_CASE("stop on a terminal shows how long it has waited, then erases the line") {
  Sandbox box;
  box.service("svc", stubborn(box));
  pid_t pid = start_ok(box, {"svc"});
  Run r = on_tty(box, {"stop", "svc"}, kErrTty);
  INFO(r.out << "\nstderr: " << r.err);
  CHECK(r.code == 0);
  CHECK(r.out == "svc: stopped (pid " + std::to_string(pid) + ", killed with SIGKILL after 2s)\n");
  std::string waiting = "\rsvc: waiting for pid " + std::to_string(pid) + " to exit (1s of 2s)\x1b[K";
  CHECK(r.err.rfind(waiting, 0) == 0);
  CHECK(r.err.ends_with("\r\x1b[K"));  // erased
  CHECK(r.err.find('\n') == std::string::npos);
  CHECK_FALSE(alive(pid));
}

TEST_CASE("stop on a pipe, or with -q or --json, shows no progress") {
  Sandbox box;
  box.service("svc", stubborn(box));
  pid_t pid = start_ok(box, {"svc"});
  // TERM says a terminal, but stderr is a pipe: the output is as it always was.
  Run piped = box.run({"--config-dir", box.dir(), "stop", "svc"}, with_env({"TERM=xterm"}));
  CHECK(piped.code == 0);
  CHECK(piped.out == "svc: stopped (pid " + std::to_string(pid) + ", killed with SIGKILL after 2s)\n");
  CHECK(piped.err.empty());
  for (std::string flag : {"-q", "--json"}) {
    INFO(flag);
    pid = start_ok(box, {"svc"});
    Run quiet = on_tty(box, {flag, "stop", "svc"}, Ttys{});
    INFO(quiet.out << "\nstderr: " << quiet.err);
    CHECK(quiet.code == 0);
    CHECK(quiet.err.empty());
    CHECK(quiet.out.find("waiting") == std::string::npos);
    CHECK_FALSE(alive(pid));
  }
}

TEST_CASE("start --all on a terminal counts the services on one line, not on a pipe") {
  Sandbox box;
  for (std::string name : {"a", "b", "c", "d"}) box.service(name, sleeper(box));
  Run tty = on_tty(box, {"start", "--all"}, kErrTty);
  INFO(tty.out << "\nstderr: " << tty.err);
  CHECK(tty.code == 0);
  CHECK(tty.err.rfind("\rstarting 0/4...\x1b[K", 0) == 0);
  CHECK(tty.err.find("\rstarting 4/4...\x1b[K") != std::string::npos);
  CHECK(tty.err.ends_with("\r\x1b[K"));
  CHECK(tty.err.find('\n') == std::string::npos);
  CHECK(std::count(tty.out.begin(), tty.out.end(), '\n') == 4);
  CHECK(tty.out.find("starting") == std::string::npos);
  Run stop = on_tty(box, {"stop", "--all"}, kErrTty);
  CHECK(stop.err.find("\rstopping 4/4...\x1b[K") != std::string::npos);
  // On a pipe: the results alone.
  Run piped = box.run({"--config-dir", box.dir(), "start", "--all"}, with_env({"TERM=xterm"}));
  CHECK(piped.code == 0);
  CHECK(piped.err.empty());
  CHECK(std::count(piped.out.begin(), piped.out.end(), '\n') == 4);
  CHECK(piped.out.rfind("a: started (pid ", 0) == 0);
}

TEST_CASE("start on a terminal shows its readiness wait as stop shows its wait, then erases the line") {
  Sandbox box;
  box.service("svc", "command = [\"/bin/sh\", \"-c\", \"sleep 1.5; touch " + box.path("ready") + "; exec sleep 1000\"]\n" +
                         box.mark_line() + "[ready]\nfile = \"" + box.path("ready") + "\"\ntimeout = \"10s\"\n");
  Run r = on_tty(box, {"start", "svc"}, kErrTty);
  INFO(r.out << "\nstderr: " << r.err);
  CHECK(r.code == 0);
  CHECK(r.err.find("\rsvc: waiting for file '" + box.path("ready") + "' to exist (1s of 10s)\x1b[K") !=
        std::string::npos);
  CHECK(r.err.ends_with("\r\x1b[K"));
  CHECK(box.run({"stop", "svc"}).code == 0);
}
