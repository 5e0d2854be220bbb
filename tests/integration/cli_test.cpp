// The command line, the service file at the edge, and the state dir.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <sstream>

#include "harness.h"

using namespace harness;

TEST_CASE("help on every level exits 0 and lists the commands") {
  Run top = daemonctl({"--help"});
  CHECK(top.code == 0);
  for (const char* cmd : {"start", "stop", "restart", "status", "--state-dir", "--quiet", "--verbose"}) {
    CHECK(top.out.find(cmd) != std::string::npos);
  }
  for (const char* cmd : {"start", "stop", "restart", "status"}) {
    Run sub = daemonctl({cmd, "--help"});
    CHECK(sub.code == 0);
    CHECK(sub.out.find("SERVICE") != std::string::npos);
  }
}

TEST_CASE("the version flag prints the version and exits 0") {
  Run r = daemonctl({"--version"});
  CHECK(r.code == 0);
  CHECK(r.out.rfind("daemonctl ", 0) == 0);
}

TEST_CASE("bad usage exits 2") {
  CHECK(daemonctl({}).code == 2);
  CHECK(daemonctl({"start"}).code == 2);
  CHECK(daemonctl({"frobnicate", "x.toml"}).code == 2);
  CHECK(daemonctl({"--no-such-flag", "status", "x.toml"}).code == 2);
  CHECK(daemonctl({"signal", "x.toml"}).code == 2);
  CHECK(daemonctl({"logs", "a.toml", "b.toml"}).code == 2);
}

TEST_CASE("an invalid service file exits 6 with file:line:col and starts nothing") {
  Sandbox box;
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\ncomand = \"x\"\n");
  Run r = box.run({"start", file});
  CHECK(r.code == 6);
  CHECK(r.out.empty());
  CHECK(r.err.find("daemonctl: error: " + file + ":2:") == 0);
  CHECK(r.err.find("unknown key 'comand', did you mean 'command'?") != std::string::npos);
  CHECK_FALSE(exists(box.state_dir() + "/svc.pid"));
}

TEST_CASE("a missing service file exits 6 naming it") {
  Sandbox box;
  Run r = box.run({"start", box.path("absent.toml")});
  CHECK(r.code == 6);
  CHECK(r.err.find("'" + box.path("absent.toml") + "'") != std::string::npos);
  CHECK(r.err.find("No such file or directory") != std::string::npos);
}

TEST_CASE("quiet prints nothing on success and the exit code tells") {
  Sandbox box;
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\n");
  Run start = box.run({"-q", "start", file});
  CHECK(start.code == 0);
  CHECK(start.out.empty());
  CHECK(start.err.empty());
  box.track(box.pidfile_pid("svc"));
  CHECK(box.run({"-q", "status", file}).code == 0);
  Run stop = box.run({"-q", "stop", file});
  CHECK(stop.code == 0);
  CHECK(stop.out.empty());
  CHECK(box.run({"-q", "status", file}).code == 3);
}

TEST_CASE("the state dir comes from --state-dir, else $DAEMONCTL_STATE_DIR") {
  Sandbox box;
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\n");
  Run r = daemonctl({"start", file}, with_env({"DAEMONCTL_STATE_DIR=" + box.path("from-env")}));
  REQUIRE(r.code == 0);
  box.track(pid_in(r.out));
  CHECK(slurp(box.path("from-env/svc.pid")) == std::to_string(pid_in(r.out)) + "\n");
  Run flag = daemonctl({"--state-dir", box.path("from-env"), "stop", file},
                       with_env({"DAEMONCTL_STATE_DIR=" + box.path("elsewhere")}));
  CHECK(flag.code == 0);
  CHECK(flag.out == "svc: stopped (pid " + std::to_string(pid_in(r.out)) + ")\n");
}

TEST_CASE("a state dir that is a symlink, not a directory, or someone else's is refused") {
  Sandbox box;
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\n");
  box.write("real/.keep", "");
  REQUIRE(::symlink(box.path("real").c_str(), box.path("link").c_str()) == 0);
  Run link = daemonctl({"--state-dir", box.path("link"), "start", file});
  CHECK(link.code == 1);
  CHECK(link.err == "daemonctl: error: state directory '" + box.path("link") +
                        "' is a symbolic link; refusing to use it\n");
  box.write("plain", "");
  Run plain = daemonctl({"--state-dir", box.path("plain"), "start", file});
  CHECK(plain.code == 1);
  CHECK(plain.err == "daemonctl: error: state directory '" + box.path("plain") + "' is not a directory\n");
  box.write("theirs/.keep", "");
  REQUIRE(::chown(box.path("theirs").c_str(), 65534, 65534) == 0);
  Run theirs = daemonctl({"--state-dir", box.path("theirs"), "start", file});
  CHECK(theirs.code == 1);
  CHECK(theirs.err.find("is owned by uid 65534, not by uid 0; refusing to use it") != std::string::npos);
  CHECK_FALSE(exists(box.path("real/svc.pid")));
}

TEST_CASE("a missing state dir is created, mode 0700 for a non-root user") {
  Sandbox box;
  REQUIRE(::chmod(box.dir().c_str(), 0777) == 0);
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\n");
  REQUIRE(::chmod(file.c_str(), 0644) == 0);
  RunOptions nobody;
  nobody.uid = 65534;
  Run r = daemonctl({"--state-dir", box.path("user-state/daemonctl"), "start", file}, nobody);
  INFO(r.err);
  REQUIRE(r.code == 0);
  box.track(pid_in(r.out));
  struct stat st;
  REQUIRE(::stat(box.path("user-state/daemonctl").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0700);
  CHECK(st.st_uid == 65534);
  CHECK(status_field(pid_in(r.out), "Uid").rfind("65534", 0) == 0);
  CHECK(daemonctl({"--state-dir", box.path("user-state/daemonctl"), "stop", file}, nobody).code == 0);
}

// One voice: every command-line error is "daemonctl: error: ..." on stderr,
// exit 2, with a suggestion for a mistyped command or option.
namespace {

void usage_error(const std::vector<std::string>& args, const std::string& message) {
  Run r = daemonctl(args);
  std::string line;
  for (const std::string& a : args) line += " " + a;
  INFO("daemonctl" << line);
  CHECK(r.code == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "daemonctl: error: " + message + "\n");
}

}  // namespace

TEST_CASE("cli: a missing or mistyped command is a usage error, with a suggestion") {
  usage_error({}, "missing command (see 'daemonctl help')");
  usage_error({"-q"}, "missing command (see 'daemonctl help')");
  usage_error({"strat", "x"}, "unknown command 'strat', did you mean 'start'?");
  usage_error({"--state-dir", "/tmp", "stat", "x"}, "unknown command 'stat', did you mean 'start'?");
  usage_error({"frobnicate", "x.toml"}, "unknown command 'frobnicate' (see 'daemonctl help')");
  usage_error({"strat", "--help"}, "unknown command 'strat', did you mean 'start'?");
}

TEST_CASE("cli: a mistyped option, a missing or extra argument, a bad value are usage errors") {
  usage_error({"start", "--dry-rn", "x"}, "unknown option '--dry-rn', did you mean '--dry-run'?");
  usage_error({"status", "x", "--jsn"}, "unknown option '--jsn', did you mean '--json'?");
  usage_error({"start", "--with-dep=1", "x"}, "unknown option '--with-dep', did you mean '--with-deps'?");
  usage_error({"--no-such-flag", "status", "x.toml"}, "unknown option '--no-such-flag' (see 'daemonctl help status')");
  usage_error({"stop", "-x", "a"}, "unknown option '-x' (see 'daemonctl help stop')");
  usage_error({"--jobs", "3", "start", "x"}, "option '--jobs' of 'start' goes after the command");
  usage_error({"signal", "x.toml"}, "missing SIGNAL (see 'daemonctl help signal')");
  usage_error({"logs", "a.toml", "b.toml"}, "unexpected argument 'b.toml' (see 'daemonctl help logs')");
  usage_error({"list", "--", "x"}, "unexpected argument 'x' (see 'daemonctl help list')");
  usage_error({"start", "-j", "65", "x"}, "--jobs: '65' is not a number from 1 to 64");
  usage_error({"logs", "x", "-n", "ten"}, "--lines: 'ten' is not a number");
  usage_error({"start", "x", "--jobs"}, "option '--jobs' needs a value");
  usage_error({"status", "--state-dir"}, "option '--state-dir' needs a value");
}

TEST_CASE("help: daemonctl help and help COMMAND print what --help prints, and exit 0") {
  Run top = daemonctl({"help"});
  CHECK(top.code == 0);
  CHECK(top.err.empty());
  CHECK(top.out == daemonctl({"--help"}).out);
  CHECK(top.out.find("\n  help                  Print this help, or a command's\n") != std::string::npos);
  for (const char* cmd : {"start", "stop", "restart", "reload", "signal", "status", "list", "check", "logs", "export",
                          "help"}) {
    Run r = daemonctl({"help", cmd});
    INFO(cmd);
    CHECK(r.code == 0);
    CHECK(r.out == daemonctl({cmd, "--help"}).out);
    CHECK(r.out.find("Usage: daemonctl " + std::string(cmd) + " [OPTIONS]") != std::string::npos);
  }
  usage_error({"help", "nosuch"}, "unknown command 'nosuch' (see 'daemonctl help')");
  usage_error({"help", "strat"}, "unknown command 'strat', did you mean 'start'?");
  usage_error({"help", "start", "stop"}, "unexpected argument 'stop' (see 'daemonctl help help')");
}

TEST_CASE("help: every command's help lists the global options, without parser types") {
  const std::string globals =
      "\nGlobal options:\n"
      "  -h, --help            Print this help (or a command's) and exit\n"
      "  --version             Print the version and exit\n"
      "  -v, --verbose         Say what is done, step by step (on stderr)\n"
      "  -q, --quiet           Print nothing but errors; the exit code tells the result\n"
      "  --json                Print one JSON array on stdout, failures included, and nothing else\n"
      "  --dry-run             Print what start, stop, restart, reload, signal, enable or disable would do and exit as "
      "the real run would; change nothing\n"
      "  --state-dir DIR       Folder for pidfiles";
  for (const char* cmd : {"start", "stop", "restart", "reload", "signal", "status", "list", "check", "logs", "export",
                          "enable", "disable"}) {
    Run r = daemonctl({cmd, "--help"});
    INFO(cmd);
    CHECK(r.code == 0);
    CHECK(r.out.find(globals) != std::string::npos);
    CHECK(r.out.find("--config-dir DIR      Folder of service files") != std::string::npos);
    for (const char* noise : {"TEXT", "UINT", "INT", "=8", "=50", "REQUIRED"}) CHECK(r.out.find(noise) == std::string::npos);
  }
  CHECK(daemonctl({"start", "--help"}).out.find("\n  -j, --jobs N          Run up to N services at once (1-64, default 8)\n") !=
        std::string::npos);
  CHECK(daemonctl({"logs", "--help"}).out.find("\n  -n, --lines N         Print the last N lines (default 50)\n") !=
        std::string::npos);
}

TEST_CASE("cli: global options, --dry-run included, go before or after the command") {
  Sandbox box;
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\n");
  Run before = daemonctl({"--dry-run", "--state-dir", box.state_dir(), "start", file});
  CHECK(before.code == 0);
  CHECK(before.out.find("svc: would start: exec /bin/sleep") != std::string::npos);
  Run after = daemonctl({"start", file, "--state-dir", box.state_dir(), "--dry-run"});
  CHECK(after.code == 0);
  CHECK(after.out == before.out);
  CHECK_FALSE(exists(box.state_dir()));
  Run quiet = daemonctl({"status", file, "--state-dir", box.state_dir(), "-q", "--dry-run"});
  CHECK(quiet.code == 3);
  CHECK(quiet.out.empty());
}

TEST_CASE("cli: an unknown name suggests every name at the smallest distance") {
  Sandbox box;
  for (const char* name : {"web1", "web2", "webby", "db"}) box.service(name, "command = [\"/bin/true\"]\n");
  Run r = box.run({"--config-dir", box.dir(), "status", "web"});
  CHECK(r.code == 4);
  CHECK(r.err == "daemonctl: error: web: no service named 'web' in '" + box.dir() + "', did you mean 'web1' or 'web2'?\n");
  Run one = box.run({"--config-dir", box.dir(), "stop", "dbb"});
  CHECK(one.code == 5);
  CHECK(one.err == "daemonctl: error: dbb: no service named 'dbb' in '" + box.dir() + "', did you mean 'db'?\n");
}

TEST_CASE("every -v line begins with the service's name") {
  Sandbox box;
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\n" + box.mark_line());
  std::string err = box.run({"-v", "start", file}).err;
  err += box.run({"-v", "stop", file}).err;
  INFO(err);
  std::istringstream lines(err);
  int debug = 0;
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("daemonctl: debug: ")) continue;
    ++debug;
    CHECK(line.starts_with("daemonctl: debug: svc: "));
  }
  CHECK(debug >= 2);  // the exec, and the signal sent
}
