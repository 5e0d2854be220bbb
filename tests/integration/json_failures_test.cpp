// With --json, every failure is one kind of object, whatever the command:
// "error" (the kind), "exit" (the process's exit code), "name", "file",
// "line", "column", "message". Python's strict parser reads them.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>

#include "harness.h"

using namespace harness;

namespace {

const std::string kSleep = "command = [\"/bin/sleep\", \"1000\"]\n";

/// The failure objects of the JSON array `json`, one line each:
/// "error|exit|name|file|line|column|message" (None for null), checked to
/// have exactly those fields (and those in `extra`, comma-separated, shown
/// after them) with "exit" equal to `code`; "bad: why" otherwise.
std::string failures(Sandbox& box, const std::string& json, int code, const std::string& extra = "") {
  std::string input = box.write("input.json", json);
  std::string script = box.write("failures.py", R"(import json, sys
data = json.load(open(sys.argv[1]))
extra = [k for k in sys.argv[3].split(',') if k]
keys = ['error', 'exit', 'name', 'file', 'line', 'column', 'message']
for o in data:
    if 'error' not in o: continue
    if sorted(o) != sorted(keys + extra): sys.exit(print('bad: fields %r' % o))
    if o['exit'] != int(sys.argv[2]): sys.exit(print('bad: exit %r' % o))
    print('|'.join(str(o[k]) for k in keys + extra))
)");
  std::string out;
  std::string command = "python3 '" + script + "' '" + input + "' " + std::to_string(code) + " '" + extra + "' 2>&1";
  FILE* p = ::popen(command.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  ::pclose(p);
  INFO(json);
  return out;
}

}  // namespace

TEST_CASE("json: status of an unknown name is an error object whose exit is the exit code, 4") {
  Sandbox box;
  Run r = box.run_in_folder({"--json", "status", "nosuch"});
  CHECK(r.code == 4);
  CHECK(r.err.empty());
  CHECK(failures(box, r.out, 4) ==
        "not-installed|4|nosuch|None|None|None|no service named 'nosuch' in '" + box.dir() + "'\n");
}

TEST_CASE("json: reload and signal of a stopped service are error objects, exit 7") {
  Sandbox box;
  std::string file = box.service("svc", kSleep);
  Run reload = box.run_in_folder({"--json", "reload", "svc"});
  CHECK(reload.code == 7);
  CHECK(failures(box, reload.out, 7, "dry_run") == "inactive|7|svc|" + file + "|None|None|not running|False\n");
  Run signal = box.run_in_folder({"signal", "svc", "USR1", "--json", "--dry-run"});
  CHECK(signal.code == 7);
  CHECK(failures(box, signal.out, 7, "dry_run") == "inactive|7|svc|" + file + "|None|None|not running|True\n");
}

TEST_CASE("json: check's failing findings are error objects with their severity, exit 6") {
  Sandbox box;
  std::string bad = box.service("bad", kSleep + "comand = \"x\"\n");
  Run r = box.run_in_folder({"--json", "check", "bad", "nosuch"});
  CHECK(r.code == 6);
  CHECK(failures(box, r.out, 6, "severity") ==
        "config|6|bad|" + bad + "|2|10|unknown key 'comand', did you mean 'command'?|error\n" +
            "not-installed|6|nosuch|None|None|None|no service named 'nosuch' in '" + box.dir() + "'|error\n");
}

TEST_CASE("json: a usage error is an error object, exit 2") {
  Sandbox box;
  Run r = box.run_in_folder({"--json", "strat", "svc"});
  CHECK(r.code == 2);
  CHECK(r.err.empty());
  CHECK(failures(box, r.out, 2) == "usage|2|None|None|None|None|unknown command 'strat', did you mean 'start'?\n");
}
