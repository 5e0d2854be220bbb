// list, status without SERVICE, and --json: what a monitoring script parses.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <sstream>

#include "harness.h"

using namespace harness;

namespace {

std::string body(Sandbox& box, const std::string& command, const std::string& extra = "") {
  return "command = " + command + "\n" + box.mark_line() + extra;
}

const std::string kSleep = "[\"/bin/sleep\", \"1000\"]";


}  // namespace

TEST_CASE("list prints one tab-separated line per service when piped: name, state, pid, uptime, enabled, command") {
  Sandbox box;
  box.service("web", body(box, "[\"/bin/sh\", \"-c\", \"exec sleep 1000\", \"two words\"]"));
  box.service("db", body(box, kSleep));
  Run s = box.run_in_folder({"start", "web"});
  REQUIRE(s.code == 0);
  pid_t pid = pid_in(s.out);
  Run r = box.run_in_folder({"list"});
  CHECK(r.code == 3);  // like status: db is not running
  std::string db = "db\tstopped\t-\t-\tyes\t/bin/sleep 1000\n", web = "web\trunning\t" + std::to_string(pid) + "\t";
  INFO(r.out);
  REQUIRE(r.out.rfind(db + web, 0) == 0);
  std::string rest = r.out.substr(db.size() + web.size());  // uptime, then the command
  CHECK(rest.substr(rest.find('\t')) == "\tyes\t/bin/sh -c 'exec sleep 1000' 'two words'\n");
  CHECK(rest.substr(rest.size() - 1) == "\n");
  // status without SERVICE is list.
  Run status = box.run_in_folder({"status"});
  CHECK(status.code == 3);
  CHECK(status.out == r.out);
}

TEST_CASE("list --json prints one JSON array of the documented objects and nothing else") {
  Sandbox box;
  box.service("web", body(box, kSleep));
  box.service("db", body(box, kSleep));
  Run s = box.run_in_folder({"start", "web"});
  REQUIRE(s.code == 0);
  pid_t pid = pid_in(s.out);
  Run r = box.run_in_folder({"list", "--json"});
  CHECK(r.err.empty());
  std::string out = with_python(box, r.out, R"(
assert isinstance(data, list) and len(data) == 2
db, web = data
keys = {"name", "state", "enabled", "pid", "started_at", "uptime_s", "pidfile", "file", "command"}
assert keys <= set(web) and keys <= set(db), (set(web), set(db))
assert web["enabled"] is True and db["enabled"] is True
assert db["state"] == "stopped" and db["pid"] is None and db["started_at"] is None and db["uptime_s"] is None
import calendar, time
started = calendar.timegm(time.strptime(web["started_at"], "%Y-%m-%dT%H:%M:%SZ"))
assert isinstance(web["uptime_s"], int) and 0 <= web["uptime_s"] < 60
print(web["name"], web["state"], web["pid"], web["command"], web["file"], web["pidfile"], started)
)");
  std::time_t now = std::time(nullptr);
  std::string expect = "web running " + std::to_string(pid) + " /bin/sleep 1000 " + box.path("web.toml") + " " +
                       box.state_dir() + "/web.pid ";
  CHECK(out.rfind(expect, 0) == 0);
  long long started = std::atoll(out.c_str() + expect.size());
  CHECK(std::llabs(started - static_cast<long long>(now)) < 60);  // UTC, as its Z says
}

TEST_CASE("status --json SERVICE prints the same objects, with the reason a pidfile is stale") {
  Sandbox box;
  box.service("web", body(box, kSleep));
  Run s = box.run_in_folder({"start", "web"});
  REQUIRE(s.code == 0);
  pid_t pid = pid_in(s.out);
  ::kill(pid, SIGKILL);
  REQUIRE(wait_until([&] { return !alive(pid); }));
  Run r = box.run_in_folder({"status", "--json", "web"});
  CHECK(r.code == 1);
  std::string out = with_python(box, r.out, R"(
[web] = data
print(web["state"], web["pid"], web["reason"])
)");
  CHECK(out.rfind("dead " + std::to_string(pid) + " ", 0) == 0);
  CHECK((out.find("no such process") != std::string::npos || out.find("zombie") != std::string::npos));
}

TEST_CASE("with --json, failures are objects too: error, file, line, column, message") {
  Sandbox box;
  std::string bad = box.service("bad", "command = \"/bin/sleep 1000\"\nstop = { signal = \"NOPE\" }\n");
  box.service("web", body(box, kSleep));
  Run r = box.run_in_folder({"start", "--json", "bad", "web", "nosuch"});
  CHECK(r.code == 6);
  CHECK(r.err.empty());
  std::string out = with_python(box, r.out, R"(
for o in data:
    if "error" in o:
        print("E", o["error"], o["file"], o["line"], o["column"], o["message"])
    else:
        print("R", o["name"], o["exit"], o["message"])
)");
  CHECK(out.find("E config " + bad + " 2 19 unknown signal 'NOPE'\n") != std::string::npos);
  CHECK(out.find("R web 0 started (pid ") != std::string::npos);
  CHECK(out.find("E not-installed None None None no service named 'nosuch' in '" + box.dir() + "'") !=
        std::string::npos);
  // A usage error too.
  Run usage = daemonctl({"--json", "start", "--no-such-flag"});
  CHECK(usage.code == 2);
  with_python(box, usage.out, "assert data[0]['error'] == 'usage', data");
}

TEST_CASE("list on a terminal prints an aligned table under a header") {
  Sandbox box;
  box.service("web", body(box, kSleep));
  box.service("database", body(box, kSleep));
  Run s = box.run_in_folder({"start", "web"});
  REQUIRE(s.code == 0);
  std::string pid = std::to_string(pid_in(s.out));
  // script(1) (util-linux, always there) gives daemonctl a pseudo-terminal;
  // no colour here, whatever TERM the tests run with (terminal_test.cpp).
  std::string command = "NO_COLOR=1 " + std::string(DAEMONCTL_BIN) + " --config-dir " + box.dir() + " --state-dir " + box.state_dir() + " list";
  std::string out;
  FILE* p = ::popen(("script -qec '" + command + "' /dev/null").c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  ::pclose(p);
  out.erase(std::remove(out.begin(), out.end(), '\r'), out.end());
  INFO(out);
  std::istringstream lines(out);
  std::string header, first, second;
  std::getline(lines, header);
  std::getline(lines, first);
  std::getline(lines, second);
  CHECK(header.rfind("NAME      STATE    PID", 0) == 0);
  CHECK(first.rfind("database  stopped  -", 0) == 0);
  CHECK(second.rfind("web       running  " + pid, 0) == 0);
  // Columns line up: COMMAND starts at the same place on every line.
  CHECK(first.find("/bin/sleep") == header.find("COMMAND"));
  CHECK(second.find("/bin/sleep") == header.find("COMMAND"));
}
