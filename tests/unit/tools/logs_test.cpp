#include "tools/logs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "../posix/temp_dir.h"

using namespace daemonctl;
using namespace daemonctl::tools;
using namespace daemonctl::state;
using daemonctl::testing::TempDir;
using daemonctl::testing::read_text;
using daemonctl::testing::write_text;

using daemonctl::testing::kNobody;
using daemonctl::testing::ScopedEuid;

namespace {

// Runs as another effective user for its lifetime (root only; else a no-op).
// The last `n` lines of `content` as last_lines_start finds them, reading
// backwards in blocks of `block` bytes.
std::string tail(const std::string& content, std::size_t n, std::size_t block = 64 * 1024) {
  TempDir dir;
  write_text(dir / "log", content);
  int fd = ::open((dir / "log").c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  auto start = last_lines_start(fd, static_cast<off_t>(content.size()), n, block);
  ::close(fd);
  REQUIRE(start.ok());
  REQUIRE(*start >= 0);
  REQUIRE(static_cast<std::size_t>(*start) <= content.size());
  return content.substr(static_cast<std::size_t>(*start));
}

// The same, the obvious way: split into lines, keep the last n.
std::string naive_tail(const std::string& content, std::size_t n) {
  std::vector<std::size_t> starts;  // where each line begins
  for (std::size_t i = 0; i < content.size(); ++i) {
    if (i == 0 || content[i - 1] == '\n') starts.push_back(i);
  }
  if (n == 0) return "";
  if (n >= starts.size()) return content;
  return content.substr(starts[starts.size() - n]);
}

std::string numbered_lines(int count, std::size_t width = 0) {
  std::string text;
  for (int i = 1; i <= count; ++i) {
    std::string line = "line " + std::to_string(i);
    if (line.size() < width) line.append(width - line.size(), 'x');
    text += line + "\n";
  }
  return text;
}

config::ServiceSpec spec_with(const TempDir& dir, const std::string& out, const std::string& err) {
  config::ServiceSpec spec;
  spec.file = dir / "web.toml";
  spec.name = "web";
  spec.command = {"/bin/true"};
  spec.stdout_path = out;
  spec.stderr_path = err;
  return spec;
}

// show_logs without follow, its output gathered from a file.
struct Shown {
  Status status;
  std::string out;
};

Shown show(const config::ServiceSpec& spec, std::size_t lines) {
  TempDir dir;
  int fd = ::open((dir / "out").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  REQUIRE(fd >= 0);
  Status st = show_logs(spec, LogsOptions{lines, false}, fd);
  ::close(fd);
  return {st, read_text(dir / "out")};
}

}  // namespace

// ---- last_lines_start ----------------------------------------------------

TEST_CASE("last_lines_start: an empty file has no lines", "[tools][logs]") {
  CHECK(tail("", 10) == "");
  CHECK(tail("", 0) == "");
}

TEST_CASE("last_lines_start: the last lines of a file", "[tools][logs]") {
  CHECK(tail("a\nb\nc\nd\n", 2) == "c\nd\n");
  CHECK(tail("a\nb\nc\nd\n", 1) == "d\n");
}

TEST_CASE("last_lines_start: a last line without newline is a line", "[tools][logs]") {
  CHECK(tail("a\nb\nc", 1) == "c");
  CHECK(tail("a\nb\nc", 2) == "b\nc");
  CHECK(tail("only", 1) == "only");
}

TEST_CASE("last_lines_start: more lines asked than the file has gives it all", "[tools][logs]") {
  CHECK(tail("a\nb\n", 3) == "a\nb\n");
  CHECK(tail("a\nb\n", 1000) == "a\nb\n");
  CHECK(tail("a\nb", 1000) == "a\nb");
}

TEST_CASE("last_lines_start: 0 lines is nothing", "[tools][logs]") {
  CHECK(tail("a\nb\n", 0) == "");
  CHECK(tail("a\nb", 0) == "");
}

TEST_CASE("last_lines_start: empty lines count", "[tools][logs]") {
  CHECK(tail("a\n\n\n", 2) == "\n\n");
  CHECK(tail("\n", 1) == "\n");
  CHECK(tail("\n\n", 5) == "\n\n");
}

TEST_CASE("last_lines_start: lines that span blocks", "[tools][logs]") {
  std::string text = numbered_lines(50, 23);  // 24-byte lines across blocks of 1 to 64 bytes
  for (std::size_t block : {1, 2, 3, 7, 23, 24, 25, 64}) {
    for (std::size_t n : {0, 1, 2, 3, 10, 49, 50, 51}) {
      INFO("block " << block << ", " << n << " lines");
      CHECK(tail(text, n, block) == naive_tail(text, n));
      CHECK(tail(text + "tail", n, block) == naive_tail(text + "tail", n));
    }
  }
}

TEST_CASE("last_lines_start: a line longer than a block", "[tools][logs]") {
  std::string text = "first\n" + std::string(200 * 1024, 'x') + "\nlast\n";
  CHECK(tail(text, 2) == std::string(200 * 1024, 'x') + "\nlast\n");
  CHECK(tail(text, 3) == text);
}

TEST_CASE("last_lines_start: a multi-MB file", "[tools][logs]") {
  std::string text = numbered_lines(300000, 20);  // 6.3 MB
  CHECK(tail(text, 50) == naive_tail(text, 50));
  CHECK(tail(text, 1).rfind("line 300000x", 0) == 0);
  CHECK(tail(text, 100000) == naive_tail(text, 100000));
  CHECK(tail(text, 300000) == text);
  CHECK(tail(text, 300001) == text);
}

TEST_CASE("last_lines_start: reads only the end of a huge file", "[tools][logs]") {
  // 1 TiB of hole (no disk used) then two lines: reading it all would take minutes.
  TempDir dir;
  int fd = ::open((dir / "huge").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  REQUIRE(fd >= 0);
  const off_t hole = off_t{1} << 40;
  if (::ftruncate(fd, hole) < 0) {
    ::close(fd);
    WARN("this file system cannot hold a 1 TiB sparse file: not checked");
    return;
  }
  const std::string lines = "\nsecond to last\nlast\n";
  REQUIRE(::pwrite(fd, lines.data(), lines.size(), hole) == static_cast<ssize_t>(lines.size()));
  auto begin = std::chrono::steady_clock::now();
  auto start = last_lines_start(fd, hole + static_cast<off_t>(lines.size()), 2);
  auto took = std::chrono::steady_clock::now() - begin;
  ::close(fd);
  REQUIRE(start.ok());
  CHECK(*start == hole + 1);
  CHECK(took < std::chrono::seconds(2));
}

// ---- show_logs without follow ---------------------------------------------

TEST_CASE("show_logs: one file, its last lines as they are", "[tools][logs]") {
  TempDir dir;
  write_text(dir / "out.log", "one\ntwo\nthree");
  auto shown = show(spec_with(dir, dir / "out.log", "/dev/null"), 2);
  REQUIRE(shown.status.ok());
  CHECK(shown.out == "two\nthree");
}

TEST_CASE("show_logs: stdout and stderr in two files, each line labelled", "[tools][logs]") {
  TempDir dir;
  write_text(dir / "out.log", "o1\no2\no3\n");
  write_text(dir / "err.log", "e1\ne2\n");
  auto shown = show(spec_with(dir, dir / "out.log", dir / "err.log"), 2);
  REQUIRE(shown.status.ok());
  CHECK(shown.out == "stdout: o2\nstdout: o3\nstderr: e1\nstderr: e2\n");
}

TEST_CASE("show_logs: a labelled last line without newline is ended before the next label", "[tools][logs]") {
  TempDir dir;
  write_text(dir / "out.log", "o1\no2");
  write_text(dir / "err.log", "e1");
  auto shown = show(spec_with(dir, dir / "out.log", dir / "err.log"), 5);
  REQUIRE(shown.status.ok());
  CHECK(shown.out == "stdout: o1\nstdout: o2\nstderr: e1\n");
}

TEST_CASE("show_logs: stderr in the same file as stdout is shown once, unlabelled", "[tools][logs]") {
  TempDir dir;
  write_text(dir / "all.log", "a\nb\n");
  auto same_path = show(spec_with(dir, dir / "all.log", dir / "all.log"), 10);
  REQUIRE(same_path.status.ok());
  CHECK(same_path.out == "a\nb\n");
  REQUIRE(::symlink((dir / "all.log").c_str(), (dir / "link.log").c_str()) == 0);
  auto same_file = show(spec_with(dir, dir / "all.log", dir / "link.log"), 10);
  REQUIRE(same_file.status.ok());
  CHECK(same_file.out == "a\nb\n");
}

TEST_CASE("show_logs: stdout to /dev/null shows stderr's file alone", "[tools][logs]") {
  TempDir dir;
  write_text(dir / "err.log", "e1\ne2\n");
  auto shown = show(spec_with(dir, "/dev/null", dir / "err.log"), 1);
  REQUIRE(shown.status.ok());
  CHECK(shown.out == "e2\n");
}

TEST_CASE("show_logs: both to /dev/null is an error that says where to look", "[tools][logs]") {
  TempDir dir;
  auto shown = show(spec_with(dir, "/dev/null", "/dev/null"), 10);
  REQUIRE_FALSE(shown.status.ok());
  CHECK(shown.status.error().status == ExitStatus::config);
  CHECK(shown.status.error().message ==
        "stdout goes to '/dev/null': no log to show (set 'stdout' in " + dir / "web.toml" + ")");
  CHECK(shown.out == "");
}

TEST_CASE("show_logs: a log that is not a regular file is an error", "[tools][logs]") {
  TempDir dir;
  REQUIRE(::mkfifo((dir / "fifo").c_str(), 0600) == 0);
  auto shown = show(spec_with(dir, dir / "fifo", "/dev/null"), 10);
  REQUIRE_FALSE(shown.status.ok());
  CHECK(shown.status.error().status == ExitStatus::config);
  CHECK(shown.status.error().message == "stdout goes to '" + dir / "fifo" +
                                            "', which is not a regular file: no log to show (set 'stdout' in " +
                                            dir / "web.toml" + ")");
}

TEST_CASE("show_logs: a log not written yet shows nothing", "[tools][logs]") {
  TempDir dir;
  auto one = show(spec_with(dir, dir / "missing.log", "/dev/null"), 10);
  REQUIRE(one.status.ok());
  CHECK(one.out == "");
  write_text(dir / "err.log", "e1\n");
  auto two = show(spec_with(dir, dir / "missing.log", dir / "err.log"), 10);
  REQUIRE(two.status.ok());
  CHECK(two.out == "stderr: e1\n");
}

TEST_CASE("show_logs: an unreadable log is a privilege error naming it", "[tools][logs]") {
  TempDir dir;
  REQUIRE(::chmod(dir.path().c_str(), 0755) == 0);
  write_text(dir / "out.log", "secret\n", 0);
  ScopedEuid nobody(::geteuid() == 0 ? kNobody : ::geteuid());  // root reads everything
  auto shown = show(spec_with(dir, dir / "out.log", "/dev/null"), 10);
  REQUIRE_FALSE(shown.status.ok());
  CHECK(shown.status.error().status == ExitStatus::privilege);
  CHECK(shown.status.error().message == "cannot open '" + dir / "out.log" + "': Permission denied");
}
