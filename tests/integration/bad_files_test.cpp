// A corpus of broken service files, each run through the real binary: every
// one must exit 6 with its one-line message, print nothing on stdout and
// start nothing. The first line of every file says what it must give:
//   # expect: 3:10: unknown key 'comand', did you mean 'command'?
// "line:col: message" is looked for as "<file>:line:col: message"; any other
// text only on the line naming the file. Files that cannot sensibly be
// checked in (bytes that are not text, megabytes, 100000 brackets) are
// written at test time from kGenerated.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>

#include "harness.h"

using namespace harness;
namespace fs = std::filesystem;

namespace {

const std::string kCommand = "command = [\"/bin/sleep\", \"1000\"]\n";

struct Generated {
  std::string name;    ///< the file name, NN-what.toml
  std::string expect;  ///< as in a "# expect: " line
  std::string body;    ///< everything after that line
};

std::string repeat(std::string_view part, std::size_t n) {
  std::string out;
  out.reserve(part.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += part;
  return out;
}

std::vector<Generated> generated() {
  const std::string utf8 = ": service files must be UTF-8 text";
  const std::string deep = "nested too deeply: at most 64 levels of arrays and tables";
  const std::size_t mib = std::size_t{1} << 20;
  const std::string k60(60, 'k');
  return {
      {"80-utf8-latin1-in-string.toml", "3:12: invalid UTF-8 byte 0xe9" + utf8, kCommand + "name = \"caf\xe9\"\n"},
      {"81-utf8-latin1-in-comment.toml", "3:6: invalid UTF-8 byte 0xe9" + utf8, kCommand + "# caf\xe9 au lait\n"},
      // toml11 trips an assertion on this one (a crash in a debug build).
      {"82-utf8-in-literal-string.toml", "3:12: invalid UTF-8 byte 0xe9" + utf8, kCommand + "name = 'caf\xe9'\n"},
      {"83-utf8-surrogate.toml", "3:9: invalid UTF-8 byte 0xed" + utf8, kCommand + "name = \"\xed\xa0\x80\"\n"},
      {"84-utf8-cut-short.toml", "3:6: invalid UTF-8 byte 0xe2" + utf8, kCommand + "user \xe2\x82= \"x\"\n"},
      {"85-nul-byte.toml", "not a text file", kCommand + std::string("name = \"a\0b\"\n", 13)},
      {"86-escape-character.toml",
       "3:9: control character U+001B is not allowed; in a string, write it as \\u001B",
       kCommand + "name = \"\x1b[31mweb\"\n"},
      {"87-lone-carriage-return.toml",
       "2:33: control character U+000D is not allowed; in a string, write it as \\u000D",
       "command = [\"/bin/sleep\", \"1000\"]\rname = \"x\"\n"},
      {"88-file-too-large.toml", "file too large (over 1 MiB)",
       kCommand + "name = \"" + std::string(mib, 'x') + "\"\n"},
      // Just under 1 MiB: read and parsed, and the message quotes 60 characters.
      {"89-huge-signal-name.toml", "4:10: unknown signal '" + k60 + "...'",
       kCommand + "[stop]\nsignal = \"" + std::string(mib - 200, 'k') + "\"\n"},
      // Long keys are quoted the same way; 100 kB of key are enough to show it.
      {"90-long-unknown-key.toml", "3:100004: unknown key '" + k60 + "...'",
       kCommand + std::string(100000, 'k') + " = 1\n"},
      {"91-long-duplicate-key.toml", "4:100004: value (\"" + k60 + "...\") already exists",
       kCommand + std::string(100000, 'k') + " = 1\n" + std::string(100000, 'k') + " = 2\n"},
      {"92-deep-arrays.toml", "3:69: " + deep, kCommand + "a = " + std::string(100000, '[') + "\n"},
      {"93-deep-inline-tables.toml", "3:325: " + deep, kCommand + "a = " + repeat("{a = ", 1000) + "\n"},
      {"94-deep-dotted-key.toml", "3:130: " + deep, kCommand + repeat("a.", 100000) + "b = 1\n"},
      {"95-deep-table-header.toml", "3:129: " + deep, kCommand + "[" + repeat("a.", 100000) + "b]\n"},
      {"96-many-values-on-one-line.toml",
       "3:35: too many values on long lines: put array items on lines of their own, or make inline tables [tables]",
       kCommand + "a = [" + repeat("1,", 500000) + "]\n"},
  };
}

/// What the first line of `path` says the file must give, "" if nothing.
std::string expectation(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  std::getline(in, line);
  const std::string marker = "# expect: ";
  return line.starts_with(marker) ? line.substr(marker.size()) : "";
}

/// The .pid files in `dir`, which need not exist.
std::vector<std::string> pidfiles(const std::string& dir) {
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".pid") found.push_back(entry.path().filename().string());
  }
  return found;
}

/// Runs `start` on each file and checks what it must give.
void check_refused(Sandbox& box, const std::vector<std::string>& files) {
  for (const auto& file : files) {
    INFO(file);
    const std::string expect = expectation(file);
    REQUIRE(!expect.empty());
    RunOptions slow;  // a 1 MiB file takes long under the sanitizers' -O0 build
    slow.timeout = std::chrono::minutes(3);
    Run r = box.run({"start", file}, slow);
    INFO(r.err.substr(0, 500));
    CHECK(r.code == 6);
    CHECK(r.out.empty());
    CHECK(r.err.starts_with("daemonctl: error: "));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(r.err.ends_with("\n"));
    CHECK(r.err.size() < 300);  // a megabyte value is not echoed back
    if (std::isdigit(static_cast<unsigned char>(expect[0]))) {
      CHECK(r.err.find(file + ":" + expect) != std::string::npos);
    } else {
      CHECK(r.err.find(expect) != std::string::npos);
      CHECK(r.err.find(file) != std::string::npos);
    }
    CHECK(pidfiles(box.state_dir()).empty());
  }
}

}  // namespace

TEST_CASE("bad service files: the checked-in corpus each exit 6 with their message") {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(std::string(FIXTURES_DIR) + "/bad")) {
    if (entry.path().extension() == ".toml") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 40);
  Sandbox box;
  check_refused(box, files);
}

TEST_CASE("bad service files: binary, huge and deep ones, made on the spot, exit 6 with their message") {
  Sandbox box;
  std::vector<std::string> files;
  for (const auto& g : generated()) {
    files.push_back(box.write("bad/" + g.name, "# expect: " + g.expect + "\n" + g.body));
  }
  check_refused(box, files);
}
