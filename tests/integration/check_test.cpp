// `daemonctl check`: every finding one "FILE:LINE:COL: error|warning: MESSAGE"
// line on stdout, "NAME: ok" for a file without any, exit 0 unless there is an
// error (6), warnings counting as errors with --strict; --json prints one
// JSON array instead. It starts nothing and creates nothing.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "harness.h"

using namespace harness;

namespace {

const std::string kSleep = "command = [\"/bin/sleep\", \"1000\"]\n";

// The stdout of `command`, run by the shell.
std::string output_of(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  ::pclose(p);
  return out;
}

// Parses `json` (saved to <box>/out.json) with Python: one line per object,
// "severity|file|line|column|message", or "bad: why" if it is not an array
// of objects with exactly those fields and "name", strings and numbers where
// due (an unknown line and column may be null or 0, both shown as 0); an
// error is a failure object too: "error": "config" and "exit": 6.
std::string json_lines(const Sandbox& box, const std::string& json) {
  std::string file = box.write("out.json", json);
  const char* script =
      "import json, sys\n"
      "try:\n"
      "    items = json.load(open(sys.argv[1]))\n"
      "except ValueError as e:\n"
      "    sys.exit(print('bad: not JSON: %s' % e))\n"
      "if not isinstance(items, list): sys.exit(print('bad: not an array'))\n"
      "keys = {'severity', 'name', 'file', 'line', 'column', 'message'}\n"
      "for o in items:\n"
      "    failed = {'error', 'exit'} if o.get('severity') == 'error' else set()\n"
      "    if not isinstance(o, dict) or set(o) != keys | failed: sys.exit(print('bad: fields %r' % o))\n"
      "    if failed and (o['error'], o['exit']) != ('config', 6): sys.exit(print('bad: %r' % o))\n"
      "    if not all(isinstance(o[k], str) for k in ('severity', 'file', 'message')): sys.exit(print('bad: %r' % o))\n"
      "    if not all(o[k] is None or type(o[k]) is int for k in ('line', 'column')): sys.exit(print('bad: %r' % o))\n"
      "    print('%s|%s|%d|%d|%s' % (o['severity'], o['file'], o['line'] or 0, o['column'] or 0, o['message']))\n";
  std::string program = box.write("json_lines.py", script);
  return output_of("python3 '" + program + "' '" + file + "' 2>&1");
}

}  // namespace

TEST_CASE("check: a sound service file prints NAME: ok and exits 0") {
  Sandbox box;
  std::string file = box.service("svc", kSleep);
  Run r = box.run({"check", file});
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.out == "svc: ok\n");
}

TEST_CASE("check: quiet prints nothing for a sound file") {
  Sandbox box;
  std::string file = box.service("svc", kSleep);
  Run r = box.run({"-q", "check", file});
  CHECK(r.code == 0);
  CHECK(r.out.empty());
}

TEST_CASE("check: every parse error of a file, each at file:line:col, exits 6") {
  Sandbox box;
  std::string file = box.service("svc", kSleep + "comand = \"x\"\numask = \"abc\"\nstop = { timeout = \"soon\" }\n");
  Run r = box.run({"check", file});
  INFO(r.err);
  CHECK(r.code == 6);
  CHECK(r.out == file + ":2:10: error: unknown key 'comand', did you mean 'command'?\n" +  //
                     file + ":3:9: error: invalid umask 'abc': use octal digits, at most 0777\n" +
                     file + ":4:20: error: invalid duration 'soon': use a number and a unit (ms, s, m, h) like " +
                     "\"1.5s\" or \"250ms\"\n");
}

TEST_CASE("check: the errors of every bad file given, exits 6") {
  Sandbox box;
  std::string one = box.service("one", kSleep + "comand = \"x\"\n");
  std::string two = box.service("two", "command = [\"/nonexistent/prog\"]\n");
  std::string good = box.service("good", kSleep);
  Run r = box.run({"check", one, good, two});
  INFO(r.err);
  CHECK(r.code == 6);
  CHECK(r.out == one + ":2:10: error: unknown key 'comand', did you mean 'command'?\n" +  //
                     "good: ok\n" +                                                       //
                     two + ":1:11: error: cannot execute '/nonexistent/prog': No such file or directory\n");
}

TEST_CASE("check: a program not found on the daemon's PATH, at the command key, exits 6") {
  Sandbox box;
  std::string file = box.service("svc", "environment = { PATH = \"/nonexistent\" }\n"
                                        "command = [\"sleep\", \"1000\"]\n");
  Run r = box.run({"check", file});
  INFO(r.err);
  CHECK(r.code == 6);
  CHECK(r.out == file + ":2:11: error: cannot find 'sleep' in PATH (/nonexistent)\n");
}

TEST_CASE("check: a pidfile in a folder anyone can write is a warning, an error with --strict") {
  Sandbox box;
  REQUIRE(::mkdir(box.path("shared").c_str(), 0777) == 0);
  REQUIRE(::chmod(box.path("shared").c_str(), 0777) == 0);
  std::string file = box.service("svc", kSleep + "pidfile = \"shared/svc.pid\"\n");
  const std::string warning = file + ":2:11: warning: pidfile '" + box.path("shared/svc.pid") + "' is in '" +
                              box.path("shared") +
                              "', which others can change (mode 0777): daemonctl refuses a link, a FIFO or a hard link there\n";
  Run r = box.run({"check", file});
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.out == warning);
  Run strict = box.run({"check", "--strict", file});
  CHECK(strict.code == 6);
  CHECK(strict.out == warning);
}

TEST_CASE("check: a symlink on the pidfile path is a warning, unless only root could have made it") {
  Sandbox box;
  REQUIRE(::mkdir(box.path("run").c_str(), 0755) == 0);
  REQUIRE(::symlink("run", box.path("link").c_str()) == 0);
  std::string file = box.service("svc", kSleep + "pidfile = \"link/svc.pid\"\n");
  // Root's link in root's folder (like /var/run -> /run): trusted.
  Run trusted = box.run({"check", "--strict", file});
  CHECK(trusted.code == 0);
  CHECK(trusted.out == "svc: ok\n");
  // Another user's link: a warning.
  REQUIRE(::lchown(box.path("link").c_str(), 65534, 65534) == 0);
  Run r = box.run({"check", file});
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.out == file + ":2:11: warning: '" + box.path("link") + "' on the pidfile path is a symbolic link\n");
}

TEST_CASE("check: starts nothing and creates nothing") {
  Sandbox box;
  std::string file = box.service("svc", kSleep + box.mark_line() +
                                            "pidfile = \"run/svc.pid\"\nstdout = \"out.log\"\nstderr = \"err.log\"\n");
  Run r = box.run({"check", file});
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.out == "svc: ok\n");
  CHECK_FALSE(exists(box.state_dir()));
  CHECK_FALSE(exists(box.path("run")));
  CHECK_FALSE(exists(box.path("out.log")));
  CHECK_FALSE(exists(box.path("err.log")));
  CHECK(pids_with_env(box.mark()).empty());
}

TEST_CASE("check: --all checks every service file of the config dir") {
  Sandbox box;
  box.service("a", kSleep);
  box.service("b", "command = [\"/nonexistent/prog\"]\n");
  box.write("notes.txt", "not a service\n");
  Run r = box.run({"check", "--config-dir", box.dir(), "--all"});
  INFO(r.err);
  CHECK(r.code == 6);
  CHECK(r.out == "a: ok\n" + box.path("b.toml") +
                     ":1:11: error: cannot execute '/nonexistent/prog': No such file or directory\n");
}

TEST_CASE("check: --json prints one array of findings and nothing else") {
  Sandbox box;
  REQUIRE(::mkdir(box.path("shared").c_str(), 0777) == 0);
  REQUIRE(::chmod(box.path("shared").c_str(), 0777) == 0);
  std::string file = box.service("svc", "command = [\"/nonexistent/prog\"]\npidfile = \"shared/svc.pid\"\n");
  std::string bad = box.service("bad", kSleep + "comand = \"x\"\n");
  Run r = box.run({"check", "--json", file, bad});
  INFO(r.out);
  INFO(r.err);
  CHECK(r.code == 6);
  CHECK(json_lines(box, r.out) ==
        "error|" + file + "|1|11|cannot execute '/nonexistent/prog': No such file or directory\n" +
            "warning|" + file + "|2|11|pidfile '" + box.path("shared/svc.pid") + "' is in '" + box.path("shared") +
            "', which others can change (mode 0777): daemonctl refuses a link, a FIFO or a hard link there\n" +  //
            "error|" + bad + "|2|10|unknown key 'comand', did you mean 'command'?\n");
}

TEST_CASE("check: a finding on the whole file is FILE: SEVERITY: MESSAGE, in JSON too, and --strict fails on it") {
  Sandbox box;
  REQUIRE(::mkdir(box.state_dir().c_str(), 0777) == 0);
  REQUIRE(::chmod(box.state_dir().c_str(), 0777) == 0);
  std::string file = box.service("svc", kSleep);
  const std::string message = "state folder '" + box.state_dir() +
                              "' is writable by others (mode 0777): start refuses it, as another user could plant "
                              "records naming any process";
  Run r = box.run({"check", file});
  INFO(r.err);
  CHECK(r.code == 0);  // a warning, as documented, though start refuses that folder
  CHECK(r.out == file + ": warning: " + message + "\n");
  CHECK(box.run({"check", "--strict", file}).code == 6);
  Run json = box.run({"check", "--json", file});
  CHECK(json.code == 0);
  CHECK(json_lines(box, json.out) == "warning|" + file + "|0|0|" + message + "\n");
}

TEST_CASE("check: --json of sound files is an empty array") {
  Sandbox box;
  std::string file = box.service("svc", kSleep);
  Run r = box.run({"check", "--json", file});
  CHECK(r.code == 0);
  CHECK(json_lines(box, r.out) == "");
  CHECK(r.out.find("ok") == std::string::npos);
}
