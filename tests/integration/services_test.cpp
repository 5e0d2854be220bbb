// Many services: names in a config folder, --all, several SERVICE
// arguments, duplicate names, and the order `after` gives.
#include <catch2/catch.hpp>

#include <sstream>

#include "harness.h"

using namespace harness;

namespace {

/// A service file body: `command`, marked for clean-up, plus `extra` lines.
std::string body(Sandbox& box, const std::string& command, const std::string& extra = "") {
  return "command = " + command + "\n" + box.mark_line() + extra;
}

const std::string kSleep = "[\"/bin/sleep\", \"1000\"]";

/// The start time (clock ticks after boot) of `pid`, from /proc/PID/stat.
unsigned long long start_time(pid_t pid) {
  std::string text = slurp("/proc/" + std::to_string(pid) + "/stat");
  std::istringstream in(text.substr(text.rfind(')') + 2));
  std::string field;
  for (int i = 3; i <= 22 && in >> field; ++i) {
  }
  return std::stoull(field);
}

}  // namespace

// ---------------------------------------------------------------- names

TEST_CASE("a SERVICE without '/' or '.toml' is a name looked up in --config-dir") {
  Sandbox box;
  box.service("web", body(box, kSleep));
  Run r = box.run_in_folder({"start", "web"});
  CHECK(r.code == 0);
  CHECK(r.out.rfind("web: started (pid ", 0) == 0);
  CHECK(alive(box.pidfile_pid("web")));
}

TEST_CASE("the config folder can come from $DAEMONCTL_CONFIG_DIR") {
  Sandbox box;
  box.service("web", body(box, kSleep));
  Run r = box.run({"start", "web"}, with_env({"DAEMONCTL_CONFIG_DIR=" + box.dir()}));
  CHECK(r.code == 0);
  Run s = box.run({"status", "web"}, with_env({"DAEMONCTL_CONFIG_DIR=" + box.dir()}));
  CHECK(s.code == 0);
  CHECK(s.out.rfind("web: running (pid ", 0) == 0);
}

TEST_CASE("an unknown name exits 5, naming the folder searched and the closest name") {
  Sandbox box;
  box.service("webserver", body(box, kSleep));
  Run r = box.run_in_folder({"start", "webservr"});
  CHECK(r.code == 5);
  CHECK(r.err == "daemonctl: error: webservr: no service named 'webservr' in '" + box.dir() +
                     "', did you mean 'webserver'?\n");
  CHECK(box.run_in_folder({"stop", "nosuch"}).code == 5);
  CHECK(box.run_in_folder({"status", "nosuch"}).code == 4);  // status keeps to LSB's 0-4
  Run missing = box.run({"--config-dir", box.path("none"), "start", "web"});
  CHECK(missing.code == 5);
  CHECK(missing.err.find("(no such folder; set --config-dir or $DAEMONCTL_CONFIG_DIR)") != std::string::npos);
}

// ---------------------------------------------------------------- several services

TEST_CASE("several services: each gets its line, and the exit code is the first failure's") {
  Sandbox box;
  box.service("a", body(box, kSleep));
  box.service("b", body(box, kSleep));
  box.service("broken", body(box, "[\"/no/such/program\"]"));
  Run r = box.run_in_folder({"start", "a", "broken", "b"});
  CHECK(r.code == 5);
  CHECK(r.out.find("a: started (pid ") != std::string::npos);
  CHECK(r.out.find("b: started (pid ") != std::string::npos);
  CHECK(r.err.find("broken: cannot execute '/no/such/program'") != std::string::npos);
  CHECK(alive(box.pidfile_pid("a")));
  CHECK(alive(box.pidfile_pid("b")));

  box.service("c", body(box, kSleep));
  Run s = box.run_in_folder({"status", "a", "c", "b"});
  CHECK(s.code == 3);  // c is not running
  CHECK(s.out.find("c: not running\n") != std::string::npos);

  CHECK(box.run_in_folder({"status", "a", "b"}).code == 0);
  Run stop = box.run_in_folder({"stop", "a", "b"});
  CHECK(stop.code == 0);
  CHECK(box.run_in_folder({"status", "a", "b"}).code == 3);
}

TEST_CASE("start and stop with --all act on every .toml file of the config folder, and only those") {
  Sandbox box;
  box.service("one", body(box, kSleep));
  box.service("two", body(box, kSleep));
  box.write("notes.txt", "not a service");
  box.write("three.toml.orig", "command = \"/bin/false\"\n");
  Run r = box.run_in_folder({"start", "--all"});
  CHECK(r.code == 0);
  CHECK(r.out.find("one: started") != std::string::npos);
  CHECK(r.out.find("two: started") != std::string::npos);
  CHECK(r.out.find("three") == std::string::npos);
  CHECK(pids_with_env(box.mark()).size() == 2);
  Run stop = box.run_in_folder({"stop", "--all"});
  CHECK(stop.code == 0);
  CHECK(wait_until([&] { return pids_with_env(box.mark()).empty(); }));
}

TEST_CASE("two files declaring the same name are a configuration error naming both, and start nothing") {
  Sandbox box;
  std::string a = box.write("a/svc.toml", body(box, kSleep));
  std::string b = box.write("b/other.toml", body(box, kSleep, "name = \"svc\"\n"));
  Run r = box.run({"start", a, b});
  CHECK(r.code == 6);
  CHECK(r.err.find(b + ":") != std::string::npos);
  CHECK(r.err.find("service name 'svc' is also declared by '" + a + "'") != std::string::npos);
  CHECK(pids_with_env(box.mark()).empty());
  CHECK_FALSE(exists(box.state_dir() + "/svc.pid"));
}

// ---------------------------------------------------------------- order

TEST_CASE("start --all starts what a service comes after first, and waits for it") {
  Sandbox box;
  // alpha sorts first but comes after zulu; it runs only if zulu's pidfile exists.
  box.service("zulu", body(box, kSleep, "[start]\ngrace = \"0.3s\"\n"));
  box.service("alpha", body(box, "[\"/bin/sh\", \"-c\", \"test -e '" + box.state_dir() + "/zulu.pid' && exec sleep 1000\"]",
                            "after = [\"zulu\"]\n[start]\ngrace = \"0.5s\"\n"));
  Run r = box.run_in_folder({"start", "--all"});
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.out.find("zulu: started") < r.out.find("alpha: started"));
  pid_t zulu = box.pidfile_pid("zulu"), alpha = box.pidfile_pid("alpha");
  REQUIRE(alive(zulu));
  REQUIRE(alive(alpha));
  CHECK(start_time(zulu) <= start_time(alpha));
}

TEST_CASE("stop goes in reverse order: dependents first") {
  Sandbox box;
  std::string seen = box.path("seen");
  // zulu, on SIGTERM, notes whether alpha (which comes after it) still has its pidfile.
  box.service("zulu", body(box, "[\"/bin/sh\", \"-c\", \"trap 'test -e " + box.state_dir() + "/alpha.pid && echo alpha-alive > " +
                                    seen + "; echo done >> " + seen + ".done; exit 0' TERM; while :; do sleep 0.05; done\"]"));
  box.service("alpha", body(box, kSleep, "after = [\"zulu\"]\n"));
  REQUIRE(box.run_in_folder({"start", "--all"}).code == 0);
  Run r = box.run_in_folder({"stop", "--all"});
  CHECK(r.code == 0);
  CHECK(r.out.find("alpha: stopped") < r.out.find("zulu: stopped"));
  REQUIRE(exists(seen + ".done"));
  CHECK_FALSE(exists(seen));
}

TEST_CASE("independent services start in parallel") {
  Sandbox box;
  // a lives only if b's pidfile appears within 1.5 s: while a's start waits
  // out its 2.5 s grace, b must be started alongside it.
  std::string wait_for_b = "i=0; while [ $i -lt 30 ]; do test -e '" + box.state_dir() +
                           "/b.pid' && exec sleep 1000; sleep 0.05; i=$((i+1)); done; exit 1";
  box.service("a", body(box, "[\"/bin/sh\", \"-c\", \"" + wait_for_b + "\"]", "[start]\ngrace = \"2.5s\"\n"));
  box.service("b", body(box, kSleep));
  Run r = box.run_in_folder({"start", "--all"});
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(alive(box.pidfile_pid("a")));
  REQUIRE(box.run_in_folder({"stop", "--all"}).code == 0);
  // One at a time, the same services fail: the test sees the difference.
  Run one = box.run_in_folder({"start", "--all", "-j", "1"});
  CHECK(one.code == 1);
  CHECK(one.err.find("a: pid ") != std::string::npos);
}

TEST_CASE("a service that comes after a failed one is not started") {
  Sandbox box;
  box.service("db", body(box, "[\"/no/such/db\"]"));
  box.service("web", body(box, kSleep, "after = [\"db\"]\n"));
  Run r = box.run_in_folder({"start", "web", "db"});
  CHECK(r.code == 5);  // db's, the first failure
  CHECK(r.err.find("web: not started: it comes after 'db', which failed") != std::string::npos);
  CHECK(pids_with_env(box.mark()).empty());
}

TEST_CASE("a dependency cycle exits 6 naming it, and starts nothing") {
  Sandbox box;
  box.service("a", body(box, kSleep, "after = [\"b\"]\n"));
  box.service("b", body(box, kSleep, "after = [\"c\"]\n"));
  box.service("c", body(box, kSleep, "after = [\"a\"]\n"));
  box.service("d", body(box, kSleep));
  Run r = box.run_in_folder({"start", "--all"});
  CHECK(r.code == 6);
  CHECK(r.err.find("dependency cycle: a -> b -> c -> a") != std::string::npos);
  CHECK(pids_with_env(box.mark()).empty());
}

TEST_CASE("an unknown dependency exits 6 at the file:line:col of 'after'") {
  Sandbox box;
  std::string file = box.service("web", body(box, kSleep, "after = [\"nosuch\"]\n"));
  Run r = box.run_in_folder({"start", "web"});
  CHECK(r.code == 6);
  CHECK(r.err.find(file + ":3:9: unknown dependency 'nosuch': no service named 'nosuch' in '" + box.dir() + "'") !=
        std::string::npos);
  CHECK(pids_with_env(box.mark()).empty());
}

TEST_CASE("start of one service leaves its dependencies alone and says they are down, while --with-deps starts them") {
  Sandbox box;
  box.service("db", body(box, kSleep));
  box.service("web", body(box, kSleep, "after = [\"db\"]\n"));
  Run r = box.run_in_folder({"start", "web"});
  CHECK(r.code == 0);
  CHECK(r.err.find("web: comes after 'db', which is not running (start it too, or use --with-deps)") !=
        std::string::npos);
  CHECK(box.pidfile_pid("db") == 0);
  REQUIRE(box.run_in_folder({"stop", "web"}).code == 0);

  Run deps = box.run_in_folder({"start", "--with-deps", "web"});
  CHECK(deps.code == 0);
  CHECK(deps.out.find("db: started") < deps.out.find("web: started"));
  CHECK(alive(box.pidfile_pid("db")));
  CHECK(deps.err.find("not running") == std::string::npos);
}

TEST_CASE("an 'after' name may be a file of the config folder whose service has another name") {
  Sandbox box;
  // db.toml declares "database"; web comes after "db", its file name.
  box.service("db", body(box, kSleep, "name = \"database\"\n[start]\ngrace = \"0.3s\"\n"));
  box.service("web", body(box, "[\"/bin/sh\", \"-c\", \"test -e '" + box.state_dir() + "/database.pid' && exec sleep 1000\"]",
                          "after = [\"db\"]\n[start]\ngrace = \"0.3s\"\n"));
  Run r = box.run_in_folder({"start", "--with-deps", "web"});
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.out.find("database: started") < r.out.find("web: started"));
  CHECK(r.out.find("database: started") == r.out.rfind("database: "));  // started once
}
