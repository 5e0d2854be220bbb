// The example service files really work: start, status, stop each one.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sstream>

#include "harness.h"

using namespace harness;

namespace {

// Copies an example next to a sandbox's state dir, so that its relative
// paths (logs) land in the sandbox, not in the source tree. The webserver's
// fixed port becomes one that is free now.
std::string copy_example(Sandbox& box, const std::string& name) {
  std::string text = slurp(std::string(EXAMPLES_DIR) + "/" + name + ".toml");
  for (auto at = text.find("\"8731\""); at != std::string::npos; at = text.find("\"8731\"")) {
    text.replace(at, 6, "\"" + std::to_string(free_port()) + "\"");
  }
  return box.write(name + ".toml", text);
}

// Copies the stack example (db <- cache <- web) into the sandbox's stack/
// folder, to be used as --config-dir: its logs land there too.
std::string copy_stack(Sandbox& box) {
  for (const char* leaf : {"db.toml", "db.sh", "cache.toml", "cache.sh", "web.toml"}) {
    box.write(std::string("stack/") + leaf, slurp(std::string(EXAMPLES_DIR) + "/stack/" + leaf));
  }
  return box.path("stack");
}

// When `pid` started, in seconds since boot (field 22 of /proc/PID/stat).
double started_at(pid_t pid) {
  std::string text = slurp("/proc/" + std::to_string(pid) + "/stat");
  std::istringstream in(text.substr(text.rfind(')') + 2));
  std::string field;
  for (int i = 3; i <= 22 && in >> field; ++i) {
  }
  return std::stod(field) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// The pid of each "NAME: VERB (pid N...)" line, in order of the lines.
std::vector<std::pair<std::string, pid_t>> pids_by_line(const std::string& out) {
  std::vector<std::pair<std::string, pid_t>> found;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) found.emplace_back(line.substr(0, line.find(':')), pid_in(line));
  return found;
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
  for (const char* name : {"hello", "ticker", "stubborn", "ready", "forking", "tuned"}) {
    Sandbox box;
    check_lifecycle(box, name);
  }
  if (::access("/usr/bin/python3", X_OK) == 0) {
    Sandbox box;
    check_lifecycle(box, "webserver");
  }
}

TEST_CASE("example stack starts db, cache, web in order and stops them in reverse") {
  if (::access("/usr/bin/python3", X_OK) != 0) {
    WARN("no /usr/bin/python3: the stack example's web cannot run");
    return;
  }
  Sandbox box;
  std::string dir = copy_stack(box);
  auto in_stack = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--config-dir", dir});
    return box.run(args);
  };

  Run start = in_stack({"start", "--all"});
  INFO(start.out << start.err);
  REQUIRE(start.code == 0);
  auto started = pids_by_line(start.out);
  REQUIRE(started.size() == 3);
  CHECK(started[0].first == "db");
  CHECK(started[1].first == "cache");
  CHECK(started[2].first == "web");
  for (const auto& [name, pid] : started) {
    CHECK(start.out.find(name + ": started (pid " + std::to_string(pid) + ")\n") != std::string::npos);
    CHECK(alive(pid));
  }
  // Each waited for the start of what it comes after, start grace included
  // (200ms for db and cache): not merely printed in that order.
  pid_t db = started[0].second, cache = started[1].second, web = started[2].second;
  CHECK(started_at(cache) - started_at(db) >= 0.19);
  CHECK(started_at(web) - started_at(cache) >= 0.19);

  // Each really works: ready lines in its log, the server on a port.
  CHECK(wait_until([&] { return slurp(dir + "/db.log").find("db: ready\n") != std::string::npos; }));
  CHECK(wait_until([&] { return slurp(dir + "/cache.log").find("cache: ready\n") != std::string::npos; }));
  CHECK(wait_until([&] { return slurp(dir + "/web.log").find("Serving HTTP on 127.0.0.1 port ") != std::string::npos; }));
  Run logs = in_stack({"logs", "web", "-n", "5"});
  CHECK(logs.code == 0);
  CHECK(logs.out.rfind("Serving HTTP on 127.0.0.1 port ", 0) == 0);

  // list, piped: one tab-separated line per service, by name.
  Run list = in_stack({"list"});
  CHECK(list.code == 0);
  CHECK(list.out.find("cache\trunning\t" + std::to_string(cache) + "\t") == 0);
  CHECK(list.out.find("\ndb\trunning\t" + std::to_string(db) + "\t") != std::string::npos);
  CHECK(list.out.find("\nweb\trunning\t" + std::to_string(web) + "\t") != std::string::npos);

  Run stop = in_stack({"stop", "--all"});
  INFO(stop.out << stop.err);
  CHECK(stop.code == 0);
  CHECK(stop.out == "web: stopped (pid " + std::to_string(web) + ")\ncache: stopped (pid " + std::to_string(cache) +
                        ")\ndb: stopped (pid " + std::to_string(db) + ")\n");
  for (pid_t pid : {db, cache, web}) CHECK_FALSE(alive(pid));
  CHECK(in_stack({"status"}).code == 3);
  for (const char* name : {"db", "cache", "web"}) CHECK_FALSE(exists(box.state_dir() + "/" + name + ".pid"));
}

TEST_CASE("example supervised: its monitor restarts the failing worker and logs every exit") {
  Sandbox box;
  std::string file = copy_example(box, "supervised");
  Run start = box.run({"start", file});
  INFO(start.err);
  REQUIRE(start.code == 0);
  CHECK(start.out.find(", monitor pid ") != std::string::npos);
  REQUIRE(wait_until([&] { return slurp(box.path("supervised.log")).find("restarted: pid ") != std::string::npos; },
                     10000ms));
  std::string log = slurp(box.path("supervised.log"));
  CHECK(log.find("giving up\n") != std::string::npos);  // the worker's stderr
  CHECK(log.find("exited with status 1") != std::string::npos);
  CHECK(log.find("restarting in 1s (restart 1 of 5 within 60s)") != std::string::npos);
  Run status = box.run({"status", file});
  CHECK(status.code == 0);
  CHECK(status.out.find("1 restart, last exited with status 1") != std::string::npos);
  CHECK(box.run({"stop", file}).code == 0);
  CHECK(box.run({"status", file}).code == 3);
}
