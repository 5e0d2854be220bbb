// enable and disable: a marker in <config dir>/disabled/, which --all reads
// (start and restart leave disabled services out, stop, reload and status
// take those that run), and list and --json show.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "harness.h"

using namespace harness;

namespace {

std::string body(Sandbox& box, const std::string& extra = "") {
  return "command = [\"/bin/sleep\", \"1000\"]\n" + box.mark_line() + extra;
}

/// web and db enabled, off disabled (by `daemonctl disable`).
void three(Sandbox& box) {
  box.service("web", body(box, "after = [\"db\"]\n"));
  box.service("db", body(box));
  box.service("off", body(box));
  Run r = box.run_in_folder({"disable", "off"});
  REQUIRE(r.code == 0);
  REQUIRE(r.out == "off: disabled\n");
}

}  // namespace

TEST_CASE("disable and enable print a line each, and keep an empty marker in <config dir>/disabled/") {
  Sandbox box;
  box.service("web", body(box));
  box.service("db", body(box));
  Run r = box.run_in_folder({"disable", "web", "db"});
  CHECK(r.code == 0);
  CHECK(r.out == "web: disabled\ndb: disabled\n");
  CHECK(r.err.empty());
  CHECK(slurp(box.path("disabled/web")).empty());
  CHECK(exists(box.path("disabled/db")));
  CHECK(box.run_in_folder({"disable", "web"}).out == "web: already disabled\n");
  r = box.run_in_folder({"enable", "web"});
  CHECK(r.code == 0);
  CHECK(r.out == "web: enabled\n");
  CHECK_FALSE(exists(box.path("disabled/web")));
  CHECK(exists(box.path("disabled/db")));
  CHECK(box.run_in_folder({"enable", "web"}).out == "web: already enabled\n");
  // Neither starts nor stops anything.
  CHECK(pids_with_env(box.mark()).empty());
}

TEST_CASE("enable and disable take names of the config folder only: an unknown one exits 5, a file 2") {
  Sandbox box;
  box.service("web", body(box));
  Run r = box.run_in_folder({"disable", "wbe", "web"});
  CHECK(r.code == 5);
  CHECK(r.out == "web: disabled\n");  // the others are still done
  CHECK(r.err == "daemonctl: error: wbe: no service named 'wbe' in '" + box.dir() + "', did you mean 'web'?\n");
  r = box.run_in_folder({"enable", box.path("web.toml")});
  CHECK(r.code == 2);
  CHECK(r.err == "daemonctl: error: " + box.path("web.toml") + ": '" + box.path("web.toml") +
                     "' is a file: enable and disable take the name of a service of the config folder\n");
  CHECK(exists(box.path("disabled/web")));
  CHECK(box.run_in_folder({"enable"}).code == 2);
}

TEST_CASE("enable and disable with --dry-run say what they would do and change nothing, and --json gives objects") {
  Sandbox box;
  box.service("web", body(box));
  Run r = box.run_in_folder({"--dry-run", "disable", "web"});
  CHECK(r.code == 0);
  CHECK(r.out == "web: would be disabled\n");
  CHECK_FALSE(exists(box.path("disabled")));
  r = box.run_in_folder({"--json", "disable", "web"});
  CHECK(r.out == "[\n{\"name\": \"web\", \"file\": \"" + box.path("web.toml") +
                     "\", \"enabled\": false, \"changed\": true, \"dry_run\": false, \"exit\": 0, \"message\": \"disabled\"}\n]\n");
  CHECK(box.run_in_folder({"--dry-run", "enable", "web"}).out == "web: would be enabled\n");
  CHECK(exists(box.path("disabled/web")));
}

TEST_CASE("start --all leaves disabled services out, --include-disabled takes them, and status --all is 0") {
  Sandbox box;
  three(box);
  Run r = box.run_in_folder({"start", "--all"});
  CHECK(r.code == 0);
  INFO(r.out);
  REQUIRE(r.out.find("web: started") != std::string::npos);
  CHECK(r.out.find("db: started") < r.out.find("web: started"));
  CHECK(r.out.find("off") == std::string::npos);
  CHECK(box.pidfile_pid("off") == 0);
  CHECK(alive(box.pidfile_pid("web")));
  CHECK(alive(box.pidfile_pid("db")));
  // What --all started runs; list shows the whole folder.
  Run status = box.run_in_folder({"status", "--all"});
  CHECK(status.code == 0);
  CHECK(status.out.find("off") == std::string::npos);
  Run list = box.run_in_folder({"list"});
  CHECK(list.code == 3);
  CHECK(list.out.find("off\tstopped\t-\t-\tno\t/bin/sleep 1000\n") != std::string::npos);
  CHECK(box.run_in_folder({"status"}).out == list.out);
  // status --all: status NAME's lines, for every service it takes.
  CHECK(box.run_in_folder({"status", "--all", "--include-disabled"}).out.find("off: not running\n") != std::string::npos);
  r = box.run_in_folder({"start", "--all", "--include-disabled"});
  CHECK(r.code == 0);
  CHECK(r.out.find("off: started") != std::string::npos);
  CHECK(alive(box.pidfile_pid("off")));
  CHECK(box.run_in_folder({"start", "--include-disabled", "off"}).code == 2);  // only with --all
}

TEST_CASE("stop --all stops a disabled service that runs, after what comes after it, and start --all leaves it alone") {
  Sandbox box;
  three(box);
  // off, disabled, is started by hand; web comes after it.
  box.service("web", body(box, "after = [\"db\", \"off\"]\n"));
  REQUIRE(box.run_in_folder({"start", "off"}).code == 0);
  pid_t off = box.pidfile_pid("off");
  Run r = box.run_in_folder({"start", "--all"});
  CHECK(r.code == 0);
  CHECK(r.out.find("off") == std::string::npos);  // not even "already running"
  CHECK(box.pidfile_pid("off") == off);
  Run restart = box.run_in_folder({"restart", "--all"});
  CHECK(restart.code == 0);
  CHECK(restart.out.find("off") == std::string::npos);
  CHECK(box.pidfile_pid("off") == off);
  CHECK(box.run_in_folder({"status", "--all"}).out.find("off: running (pid " + std::to_string(off) + ", ") != std::string::npos);
  r = box.run_in_folder({"stop", "--all"});
  CHECK(r.code == 0);
  INFO(r.out);
  REQUIRE(r.out.find("off: stopped (pid " + std::to_string(off) + ")") != std::string::npos);
  CHECK(r.out.find("web: stopped") < r.out.find("off: stopped"));
  CHECK(r.out.find("web: stopped") < r.out.find("db: stopped"));
  CHECK(wait_until([&] { return pids_with_env(box.mark()).empty(); }));
  // Stopped, it is no longer recorded: stop --all leaves it out again.
  CHECK(box.run_in_folder({"stop", "--all"}).out.find("off") == std::string::npos);
}

TEST_CASE("a disabled service's broken file holds back no start --all, and check --all leaves it out too") {
  Sandbox box;
  box.service("web", body(box));
  box.service("draft", "command = [\"/bin/sleep\",\n");  // being written
  CHECK(box.run_in_folder({"check", "--all"}).code == 6);
  REQUIRE(box.run_in_folder({"disable", "draft"}).code == 0);
  Run r = box.run_in_folder({"start", "--all"});
  CHECK(r.code == 0);
  CHECK(r.out.find("web: started") == 0);
  CHECK(r.err.empty());
  CHECK(box.run_in_folder({"check", "--all"}).code == 0);
  CHECK(box.run_in_folder({"check"}).code == 6);  // without SERVICE: every file
  CHECK(box.run_in_folder({"check", "--all", "--include-disabled"}).code == 6);
  CHECK(box.run_in_folder({"stop", "--all"}).code == 0);
}

TEST_CASE("list --json has 'enabled': true, false, or null for a service that is no file of the folder") {
  Sandbox box;
  three(box);
  std::string elsewhere = box.write("other/away.toml", body(box));
  REQUIRE(box.run_in_folder({"start", elsewhere}).code == 0);
  Run r = box.run_in_folder({"--json", "status", "web", "off", elsewhere});
  INFO(r.out);
  CHECK(r.out.find("{\"name\": \"web\", \"state\": \"stopped\", \"enabled\": true,") != std::string::npos);
  CHECK(r.out.find("{\"name\": \"off\", \"state\": \"stopped\", \"enabled\": false,") != std::string::npos);
  CHECK(r.out.find("{\"name\": \"away\", \"state\": \"running\", \"enabled\": null,") != std::string::npos);
  Run list = box.run_in_folder({"--json", "list"});
  CHECK(list.out.find("\"name\": \"off\", \"state\": \"stopped\", \"enabled\": false,") != std::string::npos);
  CHECK(list.out.find("\"name\": \"away\", \"state\": \"running\", \"enabled\": null,") != std::string::npos);
  CHECK(box.run_in_folder({"stop", elsewhere}).code == 0);
}

TEST_CASE("a disabled/ that cannot be read fails --all rather than start what it disables") {
  Sandbox box;
  box.service("web", body(box));
  box.write("disabled", "a file, not a folder\n");
  Run r = box.run_in_folder({"start", "--all"});
  CHECK(r.code == 1);
  CHECK(r.err == "daemonctl: error: disabled services: cannot read folder '" + box.dir() +
                     "/disabled': Not a directory\n");
  CHECK(pids_with_env(box.mark()).empty());
  // Where it decides nothing, enabled is unknown.
  Run list = box.run_in_folder({"list"});
  CHECK(list.out == "web\tstopped\t-\t-\t-\t/bin/sleep 1000\n");
}
