#include "posix/io.h"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <unistd.h>

#include <string>

#include <catch2/catch.hpp>

#include "posix/files.h"
#include "posix/pipe.h"
#include "temp_dir.h"

using namespace daemonctl;
using namespace daemonctl::posix;
using daemonctl::testing::TempDir;

TEST_CASE("read_some: what a pipe holds, then EAGAIN from an empty non-blocking one", "[posix][io]") {
  auto pipe = make_pipe(O_NONBLOCK);
  REQUIRE(pipe.ok());
  Io put = write_all(pipe->write.get(), "hello");
  CHECK(put.bytes == 5);
  CHECK(put.err == 0);
  char buf[16];
  Io got = read_some(pipe->read.get(), buf, sizeof buf);
  CHECK(got.err == 0);
  CHECK(std::string(buf, got.bytes) == "hello");
  got = read_some(pipe->read.get(), buf, sizeof buf);
  CHECK(got.bytes == 0);
  CHECK(got.err == EAGAIN);
}

TEST_CASE("read_some: 0 bytes and no error at the end of the file", "[posix][io]") {
  auto pipe = make_pipe();
  REQUIRE(pipe.ok());
  pipe->write.reset();
  char buf[4];
  Io got = read_some(pipe->read.get(), buf, sizeof buf);
  CHECK(got.bytes == 0);
  CHECK(got.err == 0);
}

TEST_CASE("write_all: a reader gone is EPIPE", "[posix][io]") {
  auto pipe = make_pipe();
  REQUIRE(pipe.ok());
  pipe->read.reset();
  auto old = ::signal(SIGPIPE, SIG_IGN);  // as daemonctl and its monitor have it
  Io put = write_all(pipe->write.get(), "x");
  ::signal(SIGPIPE, old);
  CHECK(put.bytes == 0);
  CHECK(put.err == EPIPE);
}

TEST_CASE("read_fully_at: up to the end of the file, from an offset", "[posix][io]") {
  TempDir dir;
  testing::write_text(dir / "f", "0123456789");
  auto fd = open_file(dir / "f", O_RDONLY);
  REQUIRE(fd.ok());
  char buf[16];
  Io got = read_fully_at(fd->get(), buf, sizeof buf, 4);
  CHECK(got.err == 0);
  CHECK(std::string(buf, got.bytes) == "456789");
  got = read_at(fd->get(), buf, 2, 1);
  CHECK(std::string(buf, got.bytes) == "12");
}

TEST_CASE("set_file_flags: O_NONBLOCK on and off", "[posix][io]") {
  auto pipe = make_pipe();
  REQUIRE(pipe.ok());
  int fd = pipe->read.get();
  auto before = file_flags(fd);
  REQUIRE(before.ok());
  CHECK_FALSE(*before & O_NONBLOCK);
  REQUIRE(set_file_flags(fd, *before | O_NONBLOCK).ok());
  CHECK(*file_flags(fd) & O_NONBLOCK);
  REQUIRE(set_file_flags(fd, *before).ok());
  CHECK_FALSE(*file_flags(fd) & O_NONBLOCK);
}

TEST_CASE("make_pipe: both ends close-on-exec", "[posix][io]") {
  auto pipe = make_pipe();
  REQUIRE(pipe.ok());
  CHECK(::fcntl(pipe->read.get(), F_GETFD) & FD_CLOEXEC);
  CHECK(::fcntl(pipe->write.get(), F_GETFD) & FD_CLOEXEC);
}
