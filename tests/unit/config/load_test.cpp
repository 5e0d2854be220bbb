// parse_service on texts: every key, every default, every message.
#include "config/load.h"

#include <catch2/catch.hpp>

using namespace daemonctl::config;
using namespace std::chrono_literals;
using Strings = std::vector<std::string>;

namespace {

const std::string kPath = "svc/web.toml";  // as a user would type it
const std::string kBase = "/srv/svc";

ServiceSpec parse(std::string_view text, const std::string& path = kPath) {
  auto r = parse_service(text, path, kBase);
  if (auto* diagnostics = std::get_if<std::vector<Diagnostic>>(&r)) {
    for (const auto& d : *diagnostics) UNSCOPED_INFO(d.to_string());
    FAIL("unexpected diagnostics");
  }
  return std::get<ServiceSpec>(r);
}

Strings errors(std::string_view text, const std::string& path = kPath) {
  auto r = parse_service(text, path, kBase);
  REQUIRE(std::holds_alternative<std::vector<Diagnostic>>(r));
  Strings out;
  for (const auto& d : std::get<std::vector<Diagnostic>>(r)) out.push_back(d.to_string());
  return out;
}

/// The one diagnostic for `text`, as "line:col: message".
std::string error(std::string_view text) {
  Strings all = errors(text);
  REQUIRE(all.size() == 1);
  REQUIRE(all[0].starts_with(kPath + ":"));
  return all[0].substr(kPath.size() + 1);
}

const std::string kCommand = "command = [\"/bin/true\"]\n";

}  // namespace

// ---------------------------------------------------------------- defaults and values

TEST_CASE("parse_service: defaults", "[config]") {
  ServiceSpec s = parse(kCommand);
  CHECK(s.file == "/srv/svc/web.toml");
  CHECK(s.name == "web");
  CHECK(s.command == Strings{"/bin/true"});
  CHECK(s.pidfile.empty());
  CHECK(s.directory == "/");
  CHECK(s.umask == 022);
  CHECK(s.stdin_path == "/dev/null");
  CHECK(s.stdout_path.empty());  // the default log, which the command fills in (service::use_log_dir)
  CHECK(s.stderr_path.empty());
  CHECK(s.default_log.empty());
  CHECK(s.environment.empty());
  CHECK(s.pass_environment.empty());
  CHECK_FALSE(s.inherit_environment);
  CHECK(s.start.grace == 0s);
  CHECK(s.stop.signal == 15);
  CHECK(s.stop.interval == 100ms);
  CHECK(s.stop.timeout == 10s);
  CHECK(s.stop.group);
}

TEST_CASE("parse_service: every key set", "[config]") {
  ServiceSpec s = parse(R"(
name = "ticker"
command = ["/bin/sh", "-c", "while :; do date; sleep 1; done"]
pidfile = "/run/x/ticker.pid"
directory = "/var/lib/ticker"
umask = 0o027
stdin = "/dev/zero"
stdout = "/var/log/ticker.out"
stderr = "/var/log/ticker.err"
environment = { PORT = "8080", LANG = "C" }
pass_environment = ["TERM", "LC_ALL"]
inherit_environment = true
[start]
grace = "1.5s"
[stop]
signal = "INT"
interval = "0s"
timeout = "3m"
group = false
)");
  CHECK(s.name == "ticker");
  CHECK(s.command == Strings{"/bin/sh", "-c", "while :; do date; sleep 1; done"});
  CHECK(s.pidfile == "/run/x/ticker.pid");
  CHECK(s.directory == "/var/lib/ticker");
  CHECK(s.umask == 027);
  CHECK(s.stdin_path == "/dev/zero");
  CHECK(s.stdout_path == "/var/log/ticker.out");
  CHECK(s.stderr_path == "/var/log/ticker.err");
  CHECK(s.environment == std::map<std::string, std::string>{{"PORT", "8080"}, {"LANG", "C"}});
  CHECK(s.pass_environment == Strings{"TERM", "LC_ALL"});
  CHECK(s.inherit_environment);
  CHECK(s.start.grace == 1500ms);
  CHECK(s.stop.signal == 2);
  CHECK(s.stop.interval == 0s);
  CHECK(s.stop.timeout == 3min);
  CHECK_FALSE(s.stop.group);
}

TEST_CASE("parse_service: nested keys may be dotted or inline", "[config]") {
  ServiceSpec s = parse(kCommand + "stop.signal = \"HUP\"\nstart = { grace = 2 }\n");
  CHECK(s.stop.signal == 1);
  CHECK(s.start.grace == 2s);
}

TEST_CASE("parse_service: the name defaults to the file name without .toml", "[config]") {
  CHECK(parse(kCommand, "/etc/daemonctl/web@1.toml").name == "web@1");
  CHECK(parse(kCommand, "x.service").name == "x.service");
  CHECK(parse(kCommand, "a.b-c_d").name == "a.b-c_d");
}

TEST_CASE("parse_service: the file is the path's name in base_dir", "[config]") {
  auto r = parse_service(kCommand, "conf/web.toml", "/a/./b/");
  REQUIRE(std::holds_alternative<ServiceSpec>(r));
  CHECK(std::get<ServiceSpec>(r).file == "/a/b/web.toml");
}

TEST_CASE("parse_service: relative paths are relative to the file's folder", "[config]") {
  ServiceSpec s = parse(kCommand + R"(
pidfile = "run/web.pid"
directory = "."
stdin = "./in/./fifo"
stdout = "logs//web.log"
stderr = "../shared/err.log"
)");
  CHECK(s.pidfile == "/srv/svc/run/web.pid");
  CHECK(s.directory == "/srv/svc");
  CHECK(s.stdin_path == "/srv/svc/in/fifo");
  CHECK(s.stdout_path == "/srv/svc/logs/web.log");
  CHECK(s.stderr_path == "/srv/svc/../shared/err.log");
}

TEST_CASE("parse_service: absolute paths stay as written", "[config]") {
  ServiceSpec s = parse(kCommand + "pidfile = \"/run//web.pid\"\n");
  CHECK(s.pidfile == "/run//web.pid");
}

TEST_CASE("parse_service: the program is relative to the folder only if it has a slash", "[config]") {
  CHECK(parse("command = [\"./bin/server\", \"./arg\"]").command == Strings{"/srv/svc/bin/server", "./arg"});
  CHECK(parse("command = [\"bin/server\"]").command == Strings{"/srv/svc/bin/server"});
  CHECK(parse("command = [\"sleep\", \"1\"]").command == Strings{"sleep", "1"});
  CHECK(parse("command = [\"/bin/sleep\"]").command == Strings{"/bin/sleep"});
  CHECK(parse("command = \"./run.sh 'a b'\"").command == Strings{"/srv/svc/run.sh", "a b"});
}

TEST_CASE("parse_service: a command string is split like a shell would", "[config]") {
  CHECK(parse(R"(command = "sleep 10")").command == Strings{"sleep", "10"});
  CHECK(parse(R"(command = '/bin/sh -c "echo \$HOME; date"')").command ==
        Strings{"/bin/sh", "-c", "echo $HOME; date"});
}

TEST_CASE("parse_service: umask as an integer or a string of octal digits", "[config]") {
  CHECK(parse(kCommand + "umask = 0o077").umask == 077);
  CHECK(parse(kCommand + "umask = 0").umask == 0);
  CHECK(parse(kCommand + "umask = 511").umask == 0777);
  CHECK(parse(kCommand + "umask = \"0022\"").umask == 022);
  CHECK(parse(kCommand + "umask = \"027\"").umask == 027);
  CHECK(parse(kCommand + "umask = \"7\"").umask == 07);
  CHECK(parse(kCommand + "umask = \"0o777\"").umask == 0777);
}

TEST_CASE("parse_service: stop.signal as a name, a number or digits", "[config]") {
  CHECK(parse(kCommand + "stop.signal = \"SIGKILL\"").stop.signal == 9);
  CHECK(parse(kCommand + "stop.signal = \"usr1\"").stop.signal == 10);
  CHECK(parse(kCommand + "stop.signal = 3").stop.signal == 3);
  CHECK(parse(kCommand + "stop.signal = \"15\"").stop.signal == 15);
}

TEST_CASE("parse_service: durations as strings or seconds", "[config]") {
  CHECK(parse(kCommand + "stop.timeout = 2").stop.timeout == 2s);
  CHECK(parse(kCommand + "stop.timeout = 0.25").stop.timeout == 250ms);
  CHECK(parse(kCommand + "stop.interval = 0").stop.interval == 0s);
  CHECK(parse(kCommand + "stop.interval = \"250ms\"").stop.interval == 250ms);
  CHECK(parse(kCommand + "start.grace = \"1m30s\"").start.grace == 90s);
}

TEST_CASE("parse_service: environment values may be empty", "[config]") {
  CHECK(parse(kCommand + "environment = { EMPTY = \"\" }").environment.at("EMPTY").empty());
  CHECK(parse(kCommand + "[environment]\nA = \"1\"\n").environment.at("A") == "1");
}

// ---------------------------------------------------------------- unknown keys

TEST_CASE("parse_service: unknown keys, with a suggestion when close", "[config]") {
  CHECK(error(kCommand + "xyz = 1") == "2:7: unknown key 'xyz'");
  CHECK(error(kCommand + "pidfle = \"/x\"") == "2:10: unknown key 'pidfle', did you mean 'pidfile'?");
  CHECK(error(kCommand + "[stop]\nsigal = \"HUP\"") == "3:9: unknown key 'stop.sigal', did you mean 'stop.signal'?");
  CHECK(error(kCommand + "[start]\ngrce = 1") == "3:8: unknown key 'start.grce', did you mean 'start.grace'?");
  CHECK(error(kCommand + "[start]\nx = 1") == "3:5: unknown key 'start.x'");
}

TEST_CASE("parse_service: an unknown key does not hide a missing one", "[config]") {
  CHECK(errors("comand = [\"x\"]") == Strings{"svc/web.toml: missing required key 'command'",
                                              "svc/web.toml:1:10: unknown key 'comand', did you mean 'command'?"});
}

TEST_CASE("parse_service: an unknown table is one unknown key", "[config]") {
  CHECK(error(kCommand + "[stopp]\nsignal = \"HUP\"\ntimeout = 1") ==
        "2:1: unknown key 'stopp', did you mean 'stop'?");
  CHECK(error(kCommand + "[stop.extra]\na = 1") == "2:1: unknown key 'stop.extra'");
}

TEST_CASE("parse_service: a key in the wrong table points to the right one", "[config]") {
  CHECK(error(kCommand + "timeout = \"1s\"") == "2:11: unknown key 'timeout', did you mean 'stop.timeout'?");
  CHECK(error(kCommand + "[stop]\npidfile = \"/x\"") == "3:11: unknown key 'stop.pidfile', did you mean 'pidfile'?");
  CHECK(error(kCommand + "[start]\ntimeout = 1") == "3:11: unknown key 'start.timeout', did you mean 'stop.timeout'?");
}

// ---------------------------------------------------------------- wrong types and values

TEST_CASE("parse_service: name", "[config]") {
  CHECK(error(kCommand + "name = 1") == "2:8: 'name' must be a string");
  CHECK(error(kCommand + "name = \"a b\"") == "2:8: invalid name 'a b': use only letters, digits and . _ @ -");
  CHECK(error(kCommand + "name = \"\"") == "2:8: invalid name '': use only letters, digits and . _ @ -");
  CHECK(error(kCommand + "name = \"a/b\"") == "2:8: invalid name 'a/b': use only letters, digits and . _ @ -");
  CHECK(error(kCommand + "name = \"a\\nb\"") == "2:8: invalid name 'a\\nb': use only letters, digits and . _ @ -");
}

TEST_CASE("parse_service: a name is at most 128 characters", "[config]") {
  CHECK(parse(kCommand + "name = \"" + std::string(128, 'n') + "\"").name == std::string(128, 'n'));
  CHECK(error(kCommand + "name = \"" + std::string(129, 'n') + "\"") ==
        "2:8: invalid name '" + std::string(60, 'n') + "...': longer than 128 characters");
  CHECK(errors(kCommand, std::string(129, 'n') + ".toml") ==
        Strings{std::string(129, 'n') + ".toml: invalid name '" + std::string(60, 'n') +
                "...' (from the file name): longer than 128 characters"});
}

TEST_CASE("parse_service: an invalid file name is reported at the file", "[config]") {
  CHECK(errors(kCommand, "dir/my web.toml") ==
        Strings{"dir/my web.toml: invalid name 'my web' (from the file name): use only letters, digits and . _ @ -"});
  CHECK(parse(kCommand + "name = \"web\"", "dir/my web.toml").name == "web");
}

TEST_CASE("parse_service: command", "[config]") {
  const std::string type = "'command' must be an array of strings or a string";
  CHECK(errors("") == Strings{"svc/web.toml: missing required key 'command'"});
  CHECK(error("command = 1") == "1:11: " + type);
  CHECK(error("command = {}") == "1:11: " + type);
  CHECK(error("command = [\"/bin/x\", 1]") == "1:22: " + type);
  CHECK(error("command = []") == "1:11: 'command' must not be empty");
  CHECK(error("command = \"\"") == "1:11: 'command' must not be empty");
  CHECK(error("command = \" \\t \"") == "1:11: 'command' must not be empty");
  CHECK(error("command = [\"\", \"x\"]") == "1:12: 'command[0]' must not be empty");
  CHECK(error("command = '\"\" x'") == "1:11: 'command[0]' must not be empty");
  CHECK(error("command = [\"a\\u0000b\"]") == "1:12: 'command' must not contain a NUL character");
  CHECK(error("command = \"a\\u0000b\"") == "1:11: 'command' must not contain a NUL character");
}

TEST_CASE("parse_service: a command string that does not split", "[config]") {
  CHECK(error("command = \"sh -c 'x\"") == "1:11: invalid command: unterminated single quote");
  CHECK(error("command = 'say \"hi'") == "1:11: invalid command: unterminated double quote");
  CHECK(error("command = 'a \\'") == "1:11: invalid command: trailing backslash");
}

TEST_CASE("parse_service: paths", "[config]") {
  for (std::string key : {"pidfile", "directory", "stdin", "stdout", "stderr"}) {
    INFO(key);
    std::string at = "2:" + std::to_string(key.size() + 4) + ": '" + key + "'";
    // stdout and stderr may also be tables (rotated logs).
    std::string type = key == "stdout" || key == "stderr"
                           ? " must be a path, or a table like { file = \"web.log\", max_size = \"10MiB\", keep = 5 }"
                           : " must be a string";
    CHECK(error(kCommand + key + " = 1") == at + type);
    CHECK(error(kCommand + key + " = [\"/x\"]") == at + type);
    CHECK(error(kCommand + key + " = \"\"") == at + " must not be empty");
    CHECK(error(kCommand + key + " = \"/x\\u0000\"") == at + " must not contain a NUL character");
  }
}

TEST_CASE("parse_service: umask", "[config]") {
  CHECK(error(kCommand + "umask = true") == "2:9: 'umask' must be an integer or a string of octal digits");
  CHECK(error(kCommand + "umask = 0.5") == "2:9: 'umask' must be an integer or a string of octal digits");
  CHECK(error(kCommand + "umask = 0o1000") == "2:9: invalid umask 512: must be between 0 and 0o777 (511)");
  CHECK(error(kCommand + "umask = -1") == "2:9: invalid umask -1: must be between 0 and 0o777 (511)");
  for (std::string bad : {"0999", "01000", "", "0o", "0x12", "22 ", "-1", "1000000000000000000000"}) {
    INFO(bad);
    CHECK(error(kCommand + "umask = \"" + bad + "\"") ==
          "2:9: invalid umask '" + bad + "': use octal digits, at most 0777");
  }
}

TEST_CASE("parse_service: umask = 022 is a TOML error, not decimal 22", "[config]") {
  CHECK(error("umask = 022\n" + kCommand) == "1:9: bad integer: leading zero");
}

TEST_CASE("parse_service: environment", "[config]") {
  CHECK(error(kCommand + "environment = \"A=1\"") == "2:15: 'environment' must be a table of strings");
  CHECK(error(kCommand + "environment = { PORT = 8080 }") == "2:24: 'environment.PORT' must be a string");
  CHECK(error(kCommand + "environment = { \"A=B\" = \"x\" }") ==
        "2:25: invalid environment variable name 'A=B': must be non-empty, without '=' or NUL");
  CHECK(error(kCommand + "environment = { \"\" = \"x\" }") ==
        "2:22: invalid environment variable name '': must be non-empty, without '=' or NUL");
  CHECK(error(kCommand + "environment = { \"A\\u0000\" = \"x\" }") ==
        "2:29: invalid environment variable name 'A\\x00': must be non-empty, without '=' or NUL");
  CHECK(error(kCommand + "environment = { A = \"x\\u0000\" }") ==
        "2:21: 'environment.A' must not contain a NUL character");
}

TEST_CASE("parse_service: booleans", "[config]") {
  CHECK(error(kCommand + "clear_environment = \"yes\"") == "2:21: 'clear_environment' must be a boolean");
  CHECK(error(kCommand + "clear_environment = false") ==
        "2:21: 'clear_environment = false' is gone: the environment is a fixed one by default; for the one daemonctl "
        "runs in, write 'inherit_environment = true', or name variables in 'pass_environment'");
  CHECK(error(kCommand + "clear_environment = true\ninherit_environment = true") ==
        "2:21: 'clear_environment = true' contradicts 'inherit_environment = true': keep one");
  CHECK(parse(kCommand + "clear_environment = true").pass_environment.empty());  // the default, under its old name
  CHECK(error(kCommand + "inherit_environment = 1") == "2:23: 'inherit_environment' must be a boolean");
}

TEST_CASE("parse_service: pass_environment", "[config]") {
  CHECK(error(kCommand + "pass_environment = \"TERM\"") == "2:20: 'pass_environment' must be an array of variable names");
  CHECK(error(kCommand + "pass_environment = [1]") == "2:21: 'pass_environment' must be an array of variable names");
  CHECK(error(kCommand + "pass_environment = [\"A=B\"]") ==
        "2:21: invalid environment variable name 'A=B': must be non-empty, without '=' or NUL");
  CHECK(error(kCommand + "pass_environment = [\"TERM\", \"TERM\"]") == "2:29: 'pass_environment' names 'TERM' twice");
  CHECK(error(kCommand + "pass_environment = [\"NOTIFY_SOCKET\"]") ==
        "2:21: 'pass_environment': NOTIFY_SOCKET is never passed on: daemonctl sets it for ready.notify");
  CHECK(parse(kCommand + "pass_environment = []").pass_environment.empty());
  CHECK(error(kCommand + "[stop]\ngroup = 1") == "3:9: 'stop.group' must be a boolean");
}

TEST_CASE("parse_service: start and stop must be tables", "[config]") {
  CHECK(error(kCommand + "start = 1") == "2:9: 'start' must be a table");
  CHECK(error(kCommand + "stop = \"TERM\"") == "2:8: 'stop' must be a table");
  CHECK(error(kCommand + "[[stop]]\nsignal = 1") == "2:1: 'stop' must be a table");
}

TEST_CASE("parse_service: durations of the wrong type", "[config]") {
  const std::string type = "must be a duration: a number of seconds or a string like \"1.5s\" or \"250ms\"";
  CHECK(error(kCommand + "[stop]\ntimeout = true") == "3:11: 'stop.timeout' " + type);
  CHECK(error(kCommand + "[stop]\ninterval = [1]") == "3:12: 'stop.interval' " + type);
  CHECK(error(kCommand + "[start]\ngrace = {}") == "3:9: 'start.grace' " + type);
}

TEST_CASE("parse_service: invalid durations", "[config]") {
  const std::string form = "use a number and a unit (ms, s, m, h) like \"1.5s\" or \"250ms\"";
  CHECK(error(kCommand + "stop.timeout = \"5x\"") == "2:16: invalid duration '5x': " + form);
  CHECK(error(kCommand + "stop.timeout = \"5\"") == "2:16: invalid duration '5': " + form);
  CHECK(error(kCommand + "stop.timeout = \"\"") == "2:16: invalid duration '': " + form);
  CHECK(error(kCommand + "stop.timeout = \"-1s\"") == "2:16: invalid duration '-1s': must not be negative");
  CHECK(error(kCommand + "stop.timeout = -1") == "2:16: invalid duration -1: must not be negative");
  CHECK(error(kCommand + "stop.interval = -0.5") == "2:17: invalid duration -0.5: must not be negative");
  CHECK(error(kCommand + "start.grace = inf") == "2:15: invalid duration inf: must be finite");
  CHECK(error(kCommand + "start.grace = nan") == "2:15: invalid duration nan: must be finite");
  CHECK(error(kCommand + "start.grace = \"8761h\"") == "2:15: invalid duration '8761h': too large, at most 8760h");
  CHECK(error(kCommand + "start.grace = 31536001") == "2:15: invalid duration 31536001: too large, at most 8760h");
}

TEST_CASE("parse_service: stop.timeout must be positive", "[config]") {
  CHECK(error(kCommand + "stop.timeout = \"0s\"") == "2:16: 'stop.timeout' must be greater than 0");
  CHECK(error(kCommand + "stop.timeout = 0") == "2:16: 'stop.timeout' must be greater than 0");
  CHECK(error(kCommand + "stop.timeout = 0.0") == "2:16: 'stop.timeout' must be greater than 0");
}

TEST_CASE("parse_service: stop.signal", "[config]") {
  CHECK(error(kCommand + "stop.signal = true") == "2:15: 'stop.signal' must be a signal name or number");
  CHECK(error(kCommand + "stop.signal = 1.5") == "2:15: 'stop.signal' must be a signal name or number");
  CHECK(error(kCommand + "stop.signal = \"TERN\"") == "2:15: unknown signal 'TERN'");
  CHECK(error(kCommand + "stop.signal = \"\"") == "2:15: unknown signal ''");
  CHECK(error(kCommand + "stop.signal = \"0\"") == "2:15: unknown signal '0'");
  CHECK(error(kCommand + "stop.signal = 0") == "2:15: unknown signal 0");
  CHECK(error(kCommand + "stop.signal = -15") == "2:15: unknown signal -15");
  CHECK(error(kCommand + "stop.signal = 1000") == "2:15: unknown signal 1000");
}

// ---------------------------------------------------------------- user and group

TEST_CASE("parse_service: user and group by name", "[config]") {
  CHECK(parse(kCommand).user.empty());
  CHECK(parse(kCommand).group.empty());
  ServiceSpec s = parse(kCommand + "user = \"www-data\"\ngroup = \"adm\"\n");
  CHECK(s.user == "www-data");
  CHECK(s.group == "adm");
  CHECK(parse(kCommand + "user = \"_svc.1\"").user == "_svc.1");
  CHECK(parse(kCommand + "user = \"HOST$\"").user == "HOST$");
  CHECK(parse(kCommand + "user = \"" + std::string(64, 'u') + "\"").user == std::string(64, 'u'));
}

TEST_CASE("parse_service: user and group by numeric id", "[config]") {
  CHECK(parse(kCommand + "user = 33").user == "33");
  CHECK(parse(kCommand + "group = 0").group == "0");
  CHECK(parse(kCommand + "user = 4294967294").user == "4294967294");
  CHECK(parse(kCommand + "group = \"1000\"").group == "1000");
  CHECK(parse(kCommand + "user = \"007\"").user == "007");
}

TEST_CASE("parse_service: user and group of the wrong type", "[config]") {
  CHECK(error(kCommand + "user = true") == "2:8: 'user' must be a user name or a numeric id");
  CHECK(error(kCommand + "user = 33.0") == "2:8: 'user' must be a user name or a numeric id");
  CHECK(error(kCommand + "user = [\"a\"]") == "2:8: 'user' must be a user name or a numeric id");
  CHECK(error(kCommand + "group = {}") == "2:9: 'group' must be a group name or a numeric id");
}

TEST_CASE("parse_service: invalid user and group ids", "[config]") {
  const std::string range = ": must be between 0 and 4294967294";
  CHECK(error(kCommand + "user = -1") == "2:8: invalid user id -1" + range);
  CHECK(error(kCommand + "user = 4294967295") == "2:8: invalid user id 4294967295" + range);
  CHECK(error(kCommand + "group = 9223372036854775807") == "2:9: invalid group id 9223372036854775807" + range);
  CHECK(error(kCommand + "user = \"4294967295\"") == "2:8: invalid user id '4294967295'" + range);
  CHECK(error(kCommand + "group = \"00000000000000000000099999999999\"") ==
        "2:9: invalid group id '00000000000000000000099999999999'" + range);
}

TEST_CASE("parse_service: invalid user and group names", "[config]") {
  const std::string chars = ": use only letters, digits, . _ - and a final $";
  CHECK(error(kCommand + "user = \"\"") == "2:8: 'user' must not be empty");
  CHECK(error(kCommand + "group = \"\"") == "2:9: 'group' must not be empty");
  CHECK(error(kCommand + "user = \"a b\"") == "2:8: invalid user name 'a b'" + chars);
  CHECK(error(kCommand + "user = \"a\\tb\"") == "2:8: invalid user name 'a\\tb'" + chars);
  CHECK(error(kCommand + "user = \"root:x\"") == "2:8: invalid user name 'root:x'" + chars);
  CHECK(error(kCommand + "group = \"wheel,adm\"") == "2:9: invalid group name 'wheel,adm'" + chars);
  CHECK(error(kCommand + "user = \"a$b\"") == "2:8: invalid user name 'a$b'" + chars);
  CHECK(error(kCommand + "user = \"$\"") == "2:8: invalid user name '$'" + chars);
  CHECK(error(kCommand + "user = \"caf\\u00e9\"") == "2:8: invalid user name 'caf\xc3\xa9'" + chars);
  CHECK(error(kCommand + "user = \"-x\"") == "2:8: invalid user name '-x': must not start with '-'");
  CHECK(error(kCommand + "user = \"-1\"") == "2:8: invalid user name '-1': must not start with '-'");
  CHECK(error(kCommand + "user = \"" + std::string(65, 'u') + "\"") ==
        "2:8: invalid user name '" + std::string(60, 'u') + "...': longer than 64 characters");
  CHECK(error(kCommand + "user = \"a\\u0000\"") == "2:8: 'user' must not contain a NUL character");
}

TEST_CASE("parse_service: typos of user and group are suggested", "[config]") {
  CHECK(error(kCommand + "usr = \"x\"") == "2:7: unknown key 'usr', did you mean 'user'?");
  CHECK(error(kCommand + "grup = \"x\"") == "2:8: unknown key 'grup', did you mean 'group'?");
  CHECK(error(kCommand + "[stop]\nuser = \"x\"") == "3:8: unknown key 'stop.user', did you mean 'user'?");
}

// ---------------------------------------------------------------- all problems, in order

TEST_CASE("parse_service: every problem is reported, sorted by position", "[config]") {
  // Keys are visited in alphabetical order; the report follows the file.
  CHECK(errors(R"(umask = true
command = 1
name = "a b"
[stop]
timeout = 0
signal = "TERN"
)") == Strings{
             "svc/web.toml:1:9: 'umask' must be an integer or a string of octal digits",
             "svc/web.toml:2:11: 'command' must be an array of strings or a string",
             "svc/web.toml:3:8: invalid name 'a b': use only letters, digits and . _ @ -",
             "svc/web.toml:5:11: 'stop.timeout' must be greater than 0",
             "svc/web.toml:6:10: unknown signal 'TERN'",
         });
}

TEST_CASE("parse_service: several problems on one line, by column", "[config]") {
  CHECK(errors(kCommand + "environment = { B = 1, A = 2 }") ==
        Strings{"svc/web.toml:2:21: 'environment.B' must be a string",
                "svc/web.toml:2:28: 'environment.A' must be a string"});
}

// ---------------------------------------------------------------- TOML syntax

TEST_CASE("parse_service: a TOML syntax error is one diagnostic", "[config]") {
  CHECK(error("name = \"x\"\ncommand = \n") == "2:11: missing value after key-value separator '='");
  CHECK(error("command = [\"a\"]\n[stop\n") == "2:1: an invalid key appeared");
  CHECK(error("x = \"abc\n") == "1:5: the next token is not a valid string");
}

TEST_CASE("parse_service: a duplicate key is a TOML error", "[config]") {
  CHECK(error("command = [\"a\"]\ncommand = [\"b\"]\n") == "2:11: value (\"command\") already exists");
  CHECK(error(kCommand + "[stop]\n[stop]\n") == "3:1: table (\"stop\") already exists");
}

// ---------------------------------------------------------------- checks before toml11

TEST_CASE("parse_service: invalid UTF-8 is refused before toml11 sees it", "[config]") {
  const std::string why = ": service files must be UTF-8 text";
  CHECK(error(kCommand + "name = \"\xff\"\n") == "2:9: invalid UTF-8 byte 0xff" + why);
  // toml11 calls these "an invalid key appeared", or asserts on the literal strings.
  CHECK(error(kCommand + "# caf\xe9\n") == "2:6: invalid UTF-8 byte 0xe9" + why);
  CHECK(error(kCommand + "name = 'caf\xe9'\n") == "2:12: invalid UTF-8 byte 0xe9" + why);
  CHECK(error(kCommand + "name = '''caf\xe9'''\n") == "2:14: invalid UTF-8 byte 0xe9" + why);
  CHECK(error(kCommand + "\"\xc3\xa9\" = 1\n") == "2:8: unknown key '\xc3\xa9'");
}

TEST_CASE("parse_service: control characters are refused with their location", "[config]") {
  CHECK(error(kCommand + "name = \"a\x01z\"\n") ==
        "2:10: control character U+0001 is not allowed; in a string, write it as \\u0001");
  CHECK(error(kCommand + "# bell\x07\n") ==
        "2:7: control character U+0007 is not allowed; in a string, write it as \\u0007");
  CHECK(error(std::string("command = \"true\"\n\0", 18)) ==
        "2:1: control character U+0000 is not allowed; in a string, write it as \\u0000");
  CHECK(parse("command = \"true\"\r\nname = \"x\"\r\n").name == "x");
}

TEST_CASE("parse_service: deep nesting is refused, not a stack overflow", "[config]") {
  const std::string why = "nested too deeply: at most 64 levels of arrays and tables";
  CHECK(error(kCommand + "a = " + std::string(100000, '[')) == "2:69: " + why);
  CHECK(error(kCommand + "a = " + std::string(100000, '{')) == "2:69: " + why);
  std::string dotted;
  for (int i = 0; i < 100000; ++i) dotted += "a.";
  CHECK(error(kCommand + dotted + "b = 1") == "2:130: " + why);
  CHECK(error(kCommand + "[" + dotted + "b]") == "2:129: " + why);
  // 64 levels are fine as far as nesting goes.
  CHECK(error(kCommand + "a = " + std::string(64, '[') + std::string(64, ']')) == "2:5: unknown key 'a', did you mean 'limits.as'?");
}

TEST_CASE("parse_service: long lines of many values are refused, not parsed for hours", "[config]") {
  std::string items;
  for (int i = 0; i < 200000; ++i) items += "1,";
  CHECK(error(kCommand + "a = [" + items + "]") ==
        "2:85: too many values on long lines: put array items on lines of their own, or make inline tables [tables]");
  // One long value is fine.
  CHECK(parse(kCommand + "stdout = \"/" + std::string(100000, 'x') + "\"").stdout_path.size() == 100001);
}

// ---------------------------------------------------------------- long values in messages

TEST_CASE("parse_service: a long value is shown cut at 60 characters", "[config]") {
  const std::string k60(60, 'k');
  CHECK(error(kCommand + "stop.signal = \"" + std::string(100000, 'k') + "\"") ==
        "2:15: unknown signal '" + k60 + "...'");
  CHECK(error(kCommand + "stop.signal = \"" + k60 + "\"") == "2:15: unknown signal '" + k60 + "'");
  // Characters, not bytes: a cut never splits one.
  std::string e61, e60;
  for (int i = 0; i < 61; ++i) e61 += "\xc3\xa9";
  for (int i = 0; i < 60; ++i) e60 += "\xc3\xa9";
  CHECK(error(kCommand + "stop.signal = \"" + e61 + "\"") == "2:15: unknown signal '" + e60 + "...'");
  CHECK(error(kCommand + std::string(100000, 'x') + " = 1") ==
        "2:100004: unknown key '" + std::string(60, 'x') + "...'");
}

TEST_CASE("parse_service: a long duplicate key is shown cut at 60 characters", "[config]") {
  std::string key(50000, 'k');
  CHECK(error(kCommand + key + " = 1\n" + key + " = 2\n") ==
        "3:50004: value (\"" + std::string(60, 'k') + "...\") already exists");
  CHECK(error(kCommand + "\"a\\nb\" = 1\n\"a\\nb\" = 2\n") == "3:10: value (\"a\\nb\") already exists");
}

TEST_CASE("parse_service: at most 20 problems, then how many more", "[config]") {
  std::string text = kCommand;
  for (int i = 0; i < 1000; ++i) text += "k" + std::to_string(1000 + i) + " = 1\n";
  Strings all = errors(text);
  REQUIRE(all.size() == 21);
  CHECK(all[0] == "svc/web.toml: 1000 problems, 20 of them shown below");
  // The first 20 found (keys are visited in order: k1000...), by position.
  for (std::size_t i = 1; i < 21; ++i) {
    CHECK(all[i] == "svc/web.toml:" + std::to_string(i + 1) + ":9: unknown key 'k" + std::to_string(999 + i) + "'");
  }
}

// ---------------------------------------------------------------- after, reload_signal, locations

TEST_CASE("parse_service: after lists the services to start first", "[config]") {
  CHECK(parse(kCommand).after.empty());
  CHECK(parse(kCommand + "after = [\"db\", \"cache\"]\n").after == Strings{"db", "cache"});
}

TEST_CASE("parse_service: a bad after is located", "[config]") {
  CHECK(error(kCommand + "after = \"db\"\n") ==
        "2:9: 'after' must be an array of service names, like [\"db\", \"cache\"]");
  CHECK(error(kCommand + "after = [\"db\", \"d b\"]\n") ==
        "2:16: invalid name 'd b': use only letters, digits and . _ @ -");
  CHECK(error(kCommand + "after = [\"db\", \"db\"]\n") == "2:16: 'after' names 'db' twice");
  CHECK(error(kCommand + "after = [\"web\"]\n") == "2:9: 'after' names the service itself ('web')");
}

TEST_CASE("parse_service: reload_signal defaults to SIGHUP", "[config]") {
  CHECK(parse(kCommand).reload_signal == 1);
  CHECK(parse(kCommand + "reload_signal = \"USR2\"\n").reload_signal == 12);
  CHECK(error(kCommand + "reload_signal = \"NOPE\"\n") == "2:17: unknown signal 'NOPE'");
}

TEST_CASE("parse_service: locations say where each top-level key is written", "[config]") {
  ServiceSpec s = parse(kCommand + "\n  user = \"root\"\n[stop]\nsignal = 1\n");
  CHECK(s.locations.at("command").line == 1);
  CHECK(s.locations.at("user").line == 3);
  CHECK(s.locations.at("user").column == 10);
  CHECK(s.locations.count("stop") == 1);
}

// ---------------------------------------------------------------- nice, oom_score_adj, limits

TEST_CASE("parse_service: nice, oom_score_adj and limits are unset by default", "[config][limits]") {
  ServiceSpec s = parse(kCommand);
  CHECK_FALSE(s.nice);
  CHECK_FALSE(s.oom_score_adj);
  CHECK(s.limits.empty());
}

TEST_CASE("parse_service: nice and oom_score_adj take their whole ranges", "[config][limits]") {
  CHECK(parse(kCommand + "nice = -20\n").nice == -20);
  CHECK(parse(kCommand + "nice = 19\n").nice == 19);
  CHECK(parse(kCommand + "oom_score_adj = -1000\n").oom_score_adj == -1000);
  CHECK(parse(kCommand + "oom_score_adj = 1000\n").oom_score_adj == 1000);
  CHECK(error(kCommand + "nice = -21\n") == "2:8: 'nice' must be an integer from -20 to 19");
  CHECK(error(kCommand + "nice = 1.5\n") == "2:8: 'nice' must be an integer from -20 to 19");
  CHECK(error(kCommand + "oom_score_adj = 1001\n") == "2:17: 'oom_score_adj' must be an integer from -1000 to 1000");
}

TEST_CASE("parse_service: a limit is a number, infinity or SOFT:HARD, kept by name", "[config][limits]") {
  ServiceSpec s = parse(kCommand + "[limits]\nnproc = 50\nnofile = \"1024:4096\"\ncore = \"infinity\"\nas = \"0:infinity\"\n");
  REQUIRE(s.limits.size() == 4);
  auto check = [&](std::size_t i, int resource, rlim_t soft, rlim_t hard) {
    INFO("limit " << i);
    CHECK(s.limits[i].resource == resource);
    CHECK(s.limits[i].soft == soft);
    CHECK(s.limits[i].hard == hard);
  };
  check(0, RLIMIT_AS, 0, RLIM_INFINITY);
  check(1, RLIMIT_CORE, RLIM_INFINITY, RLIM_INFINITY);
  check(2, RLIMIT_NOFILE, 1024, 4096);
  check(3, RLIMIT_NPROC, 50, 50);
  CHECK(format_limit(s.limits[0]) == "0:infinity");
  CHECK(format_limit(s.limits[1]) == "infinity");
  CHECK(format_limit(s.limits[2]) == "1024:4096");
}

TEST_CASE("parse_service: every bad limit is located at its value", "[config][limits]") {
  Strings all = errors(kCommand + "[limits]\nnofle = 1\ncore = -1\nnproc = \"10:5\"\nas = \"\"\nstack = \"1:\"\n"
                                  "cpu = \"99999999999999999999\"\n");
  CHECK(all == Strings{
                   kPath + ":3:9: unknown limit 'limits.nofle', did you mean 'limits.nofile'?",
                   kPath + ":4:8: 'limits.core' must be a number of at least 0, \"infinity\" or \"SOFT:HARD\"",
                   kPath + ":5:9: invalid 'limits.nproc': the soft limit 10 is above the hard limit 5",
                   kPath + ":6:6: invalid 'limits.as': '' is not a number or \"infinity\"",
                   kPath + ":7:9: invalid 'limits.stack': '' is not a number or \"infinity\"",
                   kPath + ":8:7: invalid 'limits.cpu': '99999999999999999999' is too large; say \"infinity\"",
               });
}

TEST_CASE("parse_service: a limit name at the top level is suggested under limits", "[config][limits]") {
  CHECK(error(kCommand + "nofile = 5\n") == "2:10: unknown key 'nofile', did you mean 'limits.nofile'?");
}

// ---------------------------------------------------------------- ready and type

TEST_CASE("parse_service: no readiness checks and type simple by default", "[config][ready]") {
  ServiceSpec s = parse(kCommand);
  CHECK_FALSE(s.ready.any());
  CHECK(s.ready.timeout == 30s);
  CHECK(s.type == ServiceType::simple);
}

TEST_CASE("parse_service: every readiness check", "[config][ready]") {
  ServiceSpec s = parse(kCommand + "[ready]\nnotify = true\ntcp = \"127.0.0.1:6379\"\nfile = \"run/ready\"\n"
                                   "command = [\"redis-cli\", \"ping\"]\ntimeout = \"2s\"\n");
  CHECK(s.ready.notify);
  REQUIRE(s.ready.tcp);
  CHECK(s.ready.tcp->to_string() == "127.0.0.1:6379");
  CHECK(s.ready.file == "/srv/svc/run/ready");
  CHECK(s.ready.command == Strings{"redis-cli", "ping"});
  CHECK(s.ready.timeout == 2s);
  CHECK(s.ready.any());
  CHECK(parse(kCommand + "[ready]\ntcp = \"[::1]:80\"\n").ready.tcp->to_string() == "[::1]:80");
  CHECK(parse(kCommand + "[ready]\ntcp = \"localhost:80\"\n").ready.tcp->to_string() == "127.0.0.1:80");
  CHECK(parse(kCommand + "[ready]\ncommand = \"./probe --quick\"\n").ready.command == Strings{"/srv/svc/probe", "--quick"});
}

TEST_CASE("parse_service: bad readiness checks are located at their values", "[config][ready]") {
  CHECK(error(kCommand + "[ready]\ntcp = \"127.0.0.1\"\n") ==
        "3:7: invalid 'ready.tcp' '127.0.0.1': expected HOST:PORT, like \"127.0.0.1:6379\" or \"[::1]:6379\"");
  CHECK(error(kCommand + "[ready]\ntcp = \"127.0.0.1:0\"\n") ==
        "3:7: invalid 'ready.tcp' '127.0.0.1:0': the port must be a number from 1 to 65535");
  CHECK(error(kCommand + "[ready]\ntcp = \"db.example:5432\"\n") ==
        "3:7: invalid 'ready.tcp' 'db.example:5432': 'db.example' is not an IPv4 address (write IPv6 in brackets; "
        "names are not looked up)");
  CHECK(error(kCommand + "[ready]\ntcp = \"[db]:1\"\n") == "3:7: invalid 'ready.tcp' '[db]:1': 'db' is not an IPv6 address");
  CHECK(error(kCommand + "[ready]\ntimeout = 0\n") == "3:11: 'ready.timeout' must be greater than 0");
  CHECK(error(kCommand + "[ready]\nnotfy = true\n") == "3:9: unknown key 'ready.notfy', did you mean 'ready.notify'?");
  CHECK(error(kCommand + "[ready]\ncommand = []\n") == "3:11: 'ready.command' must not be empty");
  CHECK(error(kCommand + "[ready]\ncommand = [1]\n") == "3:12: 'ready.command' must be an array of strings or a string");
  CHECK(error(kCommand + "ready = 1\n") == "2:9: 'ready' must be a table");
}

TEST_CASE("parse_service: type forking needs a pidfile, other types are unknown", "[config][ready]") {
  CHECK(parse(kCommand + "type = \"forking\"\npidfile = \"/run/x.pid\"\n").type == ServiceType::forking);
  CHECK(parse(kCommand + "type = \"simple\"\n").type == ServiceType::simple);
  CHECK(error(kCommand + "type = \"forking\"\n") ==
        "2:8: type \"forking\" needs 'pidfile': the file the program writes its pid to");
  CHECK(error(kCommand + "type = \"notify\"\n") == "2:8: unknown 'type' 'notify': \"simple\" (the default) or \"forking\"");
}

// ---------------------------------------------------------------- restart

TEST_CASE("parse_service: restart defaults to no monitor, with systemd-like limits", "[config][restart]") {
  ServiceSpec s = parse(kCommand);
  CHECK(s.restart.policy == RestartPolicy::no);
  CHECK(s.restart.delay == 1s);
  CHECK(s.restart.max_delay == 60s);
  CHECK(s.restart.limit == 5);
  CHECK(s.restart.window == 60s);
}

TEST_CASE("parse_service: every restart key", "[config][restart]") {
  ServiceSpec s = parse(kCommand + "[restart]\npolicy = \"on-failure\"\ndelay = \"250ms\"\nmax_delay = \"4s\"\n"
                                   "limit = 3\nwindow = \"30s\"\n");
  CHECK(s.restart.policy == RestartPolicy::on_failure);
  CHECK(s.restart.delay == 250ms);
  CHECK(s.restart.max_delay == 4s);
  CHECK(s.restart.limit == 3);
  CHECK(s.restart.window == 30s);
  CHECK(parse(kCommand + "[restart]\npolicy = \"always\"\ndelay = 0\n").restart.policy == RestartPolicy::always);
}

TEST_CASE("parse_service: bad restart keys are located", "[config][restart]") {
  CHECK(error(kCommand + "[restart]\npolicy = \"sometimes\"\n") ==
        "3:10: unknown 'restart.policy' 'sometimes': \"no\" (the default), \"on-failure\" or \"always\"");
  CHECK(error(kCommand + "[restart]\nlimit = 0\n") == "3:9: 'restart.limit' must be an integer from 1 to 1000000");
  CHECK(error(kCommand + "[restart]\nwindow = 0\n") == "3:10: 'restart.window' must be greater than 0");
  CHECK(error(kCommand + "[restart]\ndelay = \"2s\"\nmax_delay = \"1s\"\n") ==
        "2:1: 'restart.max_delay' (1s) is below 'restart.delay' (2s)");
  CHECK(error(kCommand + "[restart]\npolicyy = \"always\"\n") ==
        "3:11: unknown key 'restart.policyy', did you mean 'restart.policy'?");
  CHECK(error(kCommand + "type = \"forking\"\npidfile = \"/run/x.pid\"\n[restart]\npolicy = \"always\"\n") ==
        "2:8: type \"forking\" cannot be restarted by a monitor (yet): remove 'restart.policy'");
}

TEST_CASE("parse_service: stdout and stderr as rotated tables", "[config][rotation]") {
  ServiceSpec s = parse(kCommand + "stdout = { file = \"web.log\", max_size = \"10MiB\", keep = 7 }\n"
                                   "stderr = { file = \"err.log\", max_size = 4096 }\n");
  CHECK(s.stdout_path == "/srv/svc/web.log");
  CHECK(s.stdout_rotation.max_size == 10u << 20);
  CHECK(s.stdout_rotation.keep == 7);
  CHECK(s.stderr_path == "/srv/svc/err.log");
  CHECK(s.stderr_rotation.max_size == 4096);
  CHECK(s.stderr_rotation.keep == 5);
  CHECK(parse(kCommand + "stdout = { file = \"a\", max_size = \"2GB\" }\n").stdout_rotation.max_size == 2000000000u);
  CHECK(parse(kCommand + "stdout = { file = \"a\", max_size = \"3KiB\" }\n").stdout_rotation.max_size == 3072u);
}

TEST_CASE("parse_service: bad rotated logs are located", "[config][rotation]") {
  CHECK(error(kCommand + "stdout = { file = \"a\", max_size = \"10 MiB\" }\n") ==
        "2:35: 'stdout.max_size' must be a size like \"10MiB\", \"512KiB\" or a number of bytes");
  CHECK(error(kCommand + "stdout = { file = \"a\", max_size = 0 }\n") ==
        "2:35: 'stdout.max_size' must be a size like \"10MiB\", \"512KiB\" or a number of bytes");
  CHECK(error(kCommand + "stdout = { max_size = 10 }\n") == "2:10: 'stdout' as a table needs 'file' and 'max_size' (or write the path alone)");
  CHECK(error(kCommand + "stdout = { file = \"a\" }\n") ==
        "2:10: 'stdout' as a table needs 'file' and 'max_size' (or write the path alone)");
  CHECK(error(kCommand + "stdout = { file = \"a\", max_size = 9, kep = 2 }\n") ==
        "2:44: unknown key 'stdout.kep', did you mean 'stdout.keep'?");
  CHECK(error(kCommand + "stdout = { file = \"a\", max_size = 9, keep = 0 }\n") ==
        "2:45: 'stdout.keep' must be an integer from 1 to 1000");
  CHECK(error(kCommand + "stdout = { file = \"a\", max_size = 9 }\nstderr = { file = \"a\", max_size = 10 }\n") ==
        "3:10: 'stderr' names the file of 'stdout' with other rotation settings: give them once, as the same table in "
        "both");
}
