// load_service on files: fixtures, and files made on the spot in a temp folder.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "config/load.h"

using namespace daemonctl;
using namespace daemonctl::config;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

const std::string kFixtures = FIXTURES_DIR;

/// A fresh folder, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "daemonctl-config-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string file(const std::string& name, const std::string& content) const {
    std::string p = path_ + "/" + name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// What a broken fixture says it must give: its "# expect: " lines, each
/// prefixed with the path like Diagnostic::to_string() does.
std::string expected_message(const std::string& path) {
  std::ifstream in(path);
  std::string line, out;
  const std::string marker = "# expect: ";
  while (std::getline(in, line)) {
    if (!line.starts_with(marker)) continue;
    std::string rest = line.substr(marker.size());
    if (!out.empty()) out += '\n';
    out += path + (std::isdigit(static_cast<unsigned char>(rest[0])) ? ":" : ": ") + rest;
  }
  return out;
}

}  // namespace

TEST_CASE("load_service: a file with every key", "[config]") {
  auto spec = load_service(kFixtures + "/ticker.toml");
  REQUIRE(spec.ok());
  const std::string dir = fs::path(kFixtures).lexically_normal().string();
  CHECK(spec->file == dir + "/ticker.toml");
  CHECK(spec->name == "ticker");
  CHECK(spec->command == std::vector<std::string>{"/bin/sh", "-c", "while :; do date; sleep 1; done"});
  CHECK(spec->pidfile == dir + "/run/ticker.pid");
  CHECK(spec->directory == dir);
  CHECK(spec->umask == 027);
  CHECK(spec->stdin_path == "/dev/null");
  CHECK(spec->stdout_path == dir + "/logs/ticker.log");
  CHECK(spec->stderr_path == dir + "/logs/ticker.err");
  CHECK(spec->environment == std::map<std::string, std::string>{{"PORT", "8080"}, {"GREETING", "hello world"}});
  CHECK(spec->pass_environment == std::vector<std::string>{"TERM", "LC_ALL"});
  CHECK(spec->start.grace == 1500ms);
  CHECK(spec->stop.signal == 2);
  CHECK(spec->stop.interval == 250ms);
  CHECK(spec->stop.timeout == 3s);
  CHECK(spec->stop.group);
}

TEST_CASE("load_service: a minimal file", "[config]") {
  auto spec = load_service(kFixtures + "/minimal.toml");
  REQUIRE(spec.ok());
  CHECK(spec->name == "minimal");
  CHECK(spec->command == std::vector<std::string>{"sleep", "60"});
}

TEST_CASE("load_service: a relative path is made absolute against the current directory", "[config]") {
  fs::path target = fs::path(kFixtures) / "minimal.toml";
  std::string relative = fs::relative(target).string();
  REQUIRE(!relative.starts_with("/"));
  auto spec = load_service(relative);
  REQUIRE(spec.ok());
  CHECK(spec->file.starts_with(fs::current_path().string() + "/"));
  CHECK(fs::equivalent(spec->file, target));
}

TEST_CASE("load_service: broken fixtures give the messages they state", "[config]") {
  for (const char* name : {"broken-syntax.toml", "broken-keys.toml", "broken-values.toml"}) {
    const std::string path = kFixtures + "/" + name;
    INFO(path);
    std::string expected = expected_message(path);
    REQUIRE(!expected.empty());
    auto spec = load_service(path);
    REQUIRE_FALSE(spec.ok());
    CHECK(spec.error().status == ExitStatus::config);
    CHECK(spec.error().message == expected);
  }
}

TEST_CASE("load_service: a missing file", "[config]") {
  TempDir dir;
  const std::string path = dir.path() + "/nope.toml";
  auto spec = load_service(path);
  REQUIRE_FALSE(spec.ok());
  CHECK(spec.error().status == ExitStatus::config);
  CHECK(spec.error().err == ENOENT);
  CHECK(spec.error().message == "cannot read service file '" + path + "': No such file or directory");
}

TEST_CASE("load_service: a directory", "[config]") {
  TempDir dir;
  auto spec = load_service(dir.path());
  REQUIRE_FALSE(spec.ok());
  CHECK(spec.error().status == ExitStatus::config);
  CHECK(spec.error().message == "cannot read service file '" + dir.path() + "': Is a directory");
}

TEST_CASE("load_service: an unreadable file is a privilege error", "[config]") {
  if (::geteuid() == 0) return;  // root reads anything; nothing to check
  TempDir dir;
  std::string path = dir.file("secret.toml", "command = \"true\"\n");
  REQUIRE(::chmod(path.c_str(), 0) == 0);
  auto spec = load_service(path);
  REQUIRE_FALSE(spec.ok());
  CHECK(spec.error().status == ExitStatus::privilege);
  CHECK(spec.error().message == "cannot read service file '" + path + "': Permission denied");
}

TEST_CASE("load_service: at most 1 MiB", "[config]") {
  TempDir dir;
  const std::string command = "command = \"true\"\n";
  std::string padding(std::size_t{1} << 20, '#');
  padding.back() = '\n';

  std::string exact = dir.file("exact.toml", command + padding.substr(command.size()));
  CHECK(fs::file_size(exact) == std::size_t{1} << 20);
  CHECK(load_service(exact).ok());

  std::string big = dir.file("big.toml", command + padding.substr(command.size() - 1));
  auto spec = load_service(big);
  REQUIRE_FALSE(spec.ok());
  CHECK(spec.error().status == ExitStatus::config);
  CHECK(spec.error().message == "'" + big + "': file too large (over 1 MiB)");
}

TEST_CASE("load_service: a file with a NUL byte is not text", "[config]") {
  TempDir dir;
  std::string path = dir.file("bin.toml", std::string("command = \"true\"\n\0", 18));
  auto spec = load_service(path);
  REQUIRE_FALSE(spec.ok());
  CHECK(spec.error().status == ExitStatus::config);
  CHECK(spec.error().message == "'" + path + "': not a text file");
}

TEST_CASE("load_service: diagnostics name the path as given, one per line", "[config]") {
  TempDir dir;
  std::string path = dir.file("two.toml", "umask = true\nstop.signal = \"NOPE\"\n");
  auto spec = load_service(path);
  REQUIRE_FALSE(spec.ok());
  CHECK(spec.error().status == ExitStatus::config);
  CHECK(spec.error().message == path + ": missing required key 'command'\n" + path +
                                    ":1:9: 'umask' must be an integer or a string of octal digits\n" + path +
                                    ":2:15: unknown signal 'NOPE'");
}
