// parse_service on the keys that help common daemons start: runtime_directory,
// runtime_directory_mode, [start] pre and pre_timeout.
#include <catch2/catch.hpp>

#include "config/load.h"

using namespace daemonctl::config;
using namespace std::chrono_literals;
using Strings = std::vector<std::string>;

namespace {

const std::string kPath = "svc/web.toml";
const std::string kCommand = "command = [\"/bin/true\"]\n";

ServiceSpec parse(std::string_view text) {
  auto r = parse_service(text, kPath, "/srv/svc");
  if (auto* diagnostics = std::get_if<std::vector<Diagnostic>>(&r)) {
    for (const auto& d : *diagnostics) UNSCOPED_INFO(d.to_string());
    FAIL("unexpected diagnostics");
  }
  return std::get<ServiceSpec>(r);
}

/// Every diagnostic for `text`, as "FILE:line:col: message".
Strings errors(std::string_view text) {
  auto r = parse_service(text, kPath, "/srv/svc");
  REQUIRE(std::holds_alternative<std::vector<Diagnostic>>(r));
  Strings out;
  for (const auto& d : std::get<std::vector<Diagnostic>>(r)) out.push_back(d.to_string());
  return out;
}

}  // namespace

TEST_CASE("parse_service: no runtime directory and no pre command by default", "[config][glue]") {
  ServiceSpec s = parse(kCommand);
  CHECK(s.runtime_directory.empty());
  CHECK(s.runtime_directory_mode == 0755);
  CHECK(s.start.pre.empty());
  CHECK(s.start.pre_timeout == 30s);
}

TEST_CASE("parse_service: runtime_directory and its mode", "[config][glue]") {
  ServiceSpec s = parse(kCommand + "runtime_directory = \"sshd\"\nruntime_directory_mode = \"0710\"\n");
  CHECK(s.runtime_directory == "sshd");
  CHECK(s.runtime_directory_mode == 0710);
  CHECK(parse(kCommand + "runtime_directory = \"a.b\"\nruntime_directory_mode = 0o700\n").runtime_directory_mode ==
        0700);
}

TEST_CASE("parse_service: runtime_directory is a folder name, not a path", "[config][glue]") {
  CHECK(errors(kCommand + "runtime_directory = \"a/b\"") ==
        Strings{"svc/web.toml:2:21: invalid runtime_directory 'a/b': a folder name only, without '/'"});
  CHECK(errors(kCommand + "runtime_directory = \"/run/sshd\"") ==
        Strings{"svc/web.toml:2:21: invalid runtime_directory '/run/sshd': a folder name only, without '/'"});
  CHECK(errors(kCommand + "runtime_directory = \"..\"") ==
        Strings{"svc/web.toml:2:21: invalid runtime_directory '..': a folder name only, not '.' or '..'"});
  CHECK(errors(kCommand + "runtime_directory = \".\"") ==
        Strings{"svc/web.toml:2:21: invalid runtime_directory '.': a folder name only, not '.' or '..'"});
  CHECK(errors(kCommand + "runtime_directory = \"\"") ==
        Strings{"svc/web.toml:2:21: invalid runtime_directory '': must not be empty"});
  CHECK(errors(kCommand + "runtime_directory = 1") ==
        Strings{"svc/web.toml:2:21: 'runtime_directory' must be a string"});
}

TEST_CASE("parse_service: runtime_directory_mode", "[config][glue]") {
  const std::string dir = "runtime_directory = \"x\"\n";
  CHECK(errors(kCommand + dir + "runtime_directory_mode = 0o1777") ==
        Strings{"svc/web.toml:3:26: invalid mode 1023: must be between 0 and 0o777 (511)"});
  CHECK(errors(kCommand + dir + "runtime_directory_mode = \"rwx\"") ==
        Strings{"svc/web.toml:3:26: invalid mode 'rwx': use octal digits, at most 0777"});
  CHECK(errors(kCommand + "runtime_directory_mode = 0o700") ==
        Strings{"svc/web.toml:2:26: 'runtime_directory_mode' without 'runtime_directory'"});
}

TEST_CASE("parse_service: start.pre is a list of commands, each an array or a string", "[config][glue]") {
  ServiceSpec s = parse(kCommand + "[start]\npre = [[\"mkdir\", \"-p\", \"d\"], \"./migrate --up 'all of it'\"]\n"
                                   "pre_timeout = \"2m\"\n");
  REQUIRE(s.start.pre.size() == 2);
  CHECK(s.start.pre[0] == Strings{"mkdir", "-p", "d"});
  CHECK(s.start.pre[1] == Strings{"/srv/svc/migrate", "--up", "all of it"});
  CHECK(s.start.pre_timeout == 2min);
  CHECK(parse(kCommand + "[start]\npre = []\n").start.pre.empty());
}

TEST_CASE("parse_service: start.pre problems are located", "[config][glue]") {
  const std::string start = kCommand + "[start]\n";
  CHECK(errors(start + "pre = \"mkdir d\"") ==
        Strings{"svc/web.toml:3:7: 'start.pre' must be an array of commands, each an array of strings or a string"});
  CHECK(errors(start + "pre = [[\"true\"], []]") == Strings{"svc/web.toml:3:18: 'start.pre[1]' must not be empty"});
  CHECK(errors(start + "pre = [1]") ==
        Strings{"svc/web.toml:3:8: 'start.pre[0]' must be an array of strings or a string"});
  CHECK(errors(start + "pre = [\"sh -c 'x\"]") ==
        Strings{"svc/web.toml:3:8: invalid 'start.pre[0]': unterminated single quote"});
  CHECK(errors(start + "pre_timeout = 0") == Strings{"svc/web.toml:3:15: 'start.pre_timeout' must be greater than 0"});
}
