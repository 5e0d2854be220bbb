#include "monitor/rotating_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "../posix/temp_dir.h"

using namespace daemonctl;
using namespace daemonctl::monitor;

namespace {

/// A RotatingLog on a file of `dir`, writing through fd `fd` (a dup of it).
struct Fixture {
  testing::TempDir dir;
  int fd = ::open((dir / "out.log").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  RotatingLog log{state::LogPlan{dir / "out.log", 20, 2}, fd, 0644, false, 0, 0};
  ~Fixture() { ::close(fd); }
  void put(const std::string& text) { log.write(text.data(), text.size()); }
  std::string file(const std::string& leaf) { return testing::read_text(dir / leaf); }
};

}  // namespace

TEST_CASE("RotatingLog: rotates before max_size at a line end, keeping `keep` old files", "[monitor][rotation]") {
  Fixture f;
  f.put("aaaaaaaa\nbbbbbbbb\ncccccccc\n");  // 27 bytes: two lines fit in 20
  CHECK(f.file("out.log.1") == "aaaaaaaa\nbbbbbbbb\n");
  CHECK(f.file("out.log") == "cccccccc\n");
  f.put("dddddddd\neeeeeeee\nffffffff\n");
  CHECK(f.file("out.log.2") == "aaaaaaaa\nbbbbbbbb\n");
  CHECK(f.file("out.log.1") == "cccccccc\ndddddddd\n");
  CHECK(f.file("out.log") == "eeeeeeee\nffffffff\n");
  f.put("gggggggg\n");
  CHECK_FALSE(testing::exists(f.dir / "out.log.3"));  // keep = 2
  CHECK(f.file("out.log.2") == "cccccccc\ndddddddd\n");
}

TEST_CASE("RotatingLog: a line begun in one write is finished in the same file", "[monitor][rotation]") {
  Fixture f;
  f.put("0123456789abcdef");  // no newline yet: 16 bytes
  f.put("ghij\nnext\n");      // the line ends past max_size, still in this file
  CHECK(f.file("out.log.1") == "0123456789abcdefghij\n");
  CHECK(f.file("out.log") == "next\n");
}

TEST_CASE("RotatingLog: a line longer than max_size gets a file of its own", "[monitor][rotation]") {
  Fixture f;
  f.put("short\n");
  f.put(std::string(50, 'x') + "\nafter\n");
  CHECK(f.file("out.log.2") == "short\n");
  CHECK(f.file("out.log.1") == std::string(50, 'x') + "\n");
  CHECK(f.file("out.log") == "after\n");
}

TEST_CASE("RotatingLog: a rotation that cannot rename goes on writing the same file", "[monitor][rotation]") {
  Fixture f;
  // Non-empty folders where the old files go: every rename fails.
  for (const std::string leaf : {"out.log.1", "out.log.2"}) {
    std::string folder = f.dir / leaf;
    REQUIRE(::mkdir(folder.c_str(), 0755) == 0);
    std::string inside = folder + "/keep";
    testing::write_text(inside, "x");
  }
  for (int i = 0; i < 10; ++i) f.put("line " + std::to_string(i) + "\n");  // returns: no endless retry
  CHECK(f.file("out.log").size() == 70);
}

TEST_CASE("RotatingLog: output without a newline is cut at max_size", "[monitor][rotation]") {
  Fixture f;
  f.put(std::string(50, 'x'));
  CHECK(f.file("out.log.2") == std::string(20, 'x'));
  CHECK(f.file("out.log.1") == std::string(20, 'x'));
  CHECK(f.file("out.log") == std::string(10, 'x'));
}

TEST_CASE("RotatingLog: a line of the monitor's own starts a line", "[monitor][rotation]") {
  Fixture f;
  f.put("partial");
  f.log.note("monitor\n");
  f.put("rest\n");
  CHECK(f.file("out.log.1") == "partial\nmonitor\n");
  CHECK(f.file("out.log") == "rest\n");
}

TEST_CASE("RotatingLog: a full disk keeps 64 KiB of whole lines, then counts what it drops, and says so once it can",
          "[monitor][rotation]") {
  testing::TempDir dir;
  int fd = ::open("/dev/full", O_WRONLY | O_CLOEXEC);  // every write: ENOSPC
  REQUIRE(fd >= 0);
  RotatingLog log{state::LogPlan{dir / "out.log", 1 << 20, 2}, fd, 0644, false, 0, 0};
  std::string line = std::string(99, 'a') + "\n";
  for (int i = 0; i < 1000; ++i) log.write(line.data(), line.size());
  log.write("bbb", 3);  // dropped mid-line: the rest of that line goes too
  CHECK(log.waiting());
  log.flush();  // still full: nothing changes
  int file = ::open((dir / "out.log").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  REQUIRE(::dup2(file, fd) == fd);  // space again
  ::close(file);
  log.flush();
  CHECK_FALSE(log.waiting());  // the loss is told once its last line has ended
  log.write("bbb\nafter\n", 10);
  std::string kept;
  for (int i = 0; i < 655; ++i) kept += line;
  CHECK(testing::read_text(dir / "out.log") ==
        kept + "daemonctl-monitor: 34507 bytes (346 lines) lost: No space left on device\nafter\n");
  ::close(fd);
}
