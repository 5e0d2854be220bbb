#include "posix/files.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "temp_dir.h"

using namespace daemonctl;
using namespace daemonctl::posix;
using daemonctl::testing::TempDir;
using daemonctl::testing::ScopedUmask;

// ---- read_file ----------------------------------------------------------

TEST_CASE("read_file: returns the whole content", "[posix][files]") {
  TempDir dir;
  std::string big(10000, 'x');  // more than one read(2) buffer
  testing::write_text(dir / "f", big);
  auto text = read_file(dir / "f", 10000);
  REQUIRE(text.ok());
  CHECK(*text == big);
}

TEST_CASE("read_file: an empty file is an empty string", "[posix][files]") {
  TempDir dir;
  testing::write_text(dir / "f", "");
  auto text = read_file(dir / "f", 16);
  REQUIRE(text.ok());
  CHECK(text->empty());
}

TEST_CASE("read_file: a file over the limit is EFBIG", "[posix][files]") {
  TempDir dir;
  testing::write_text(dir / "f", "12345");
  auto text = read_file(dir / "f", 4);
  REQUIRE_FALSE(text.ok());
  CHECK(text.error().err == EFBIG);
  CHECK(text.error().status == ExitStatus::failure);
  CHECK(text.error().message == "'" + (dir / "f") + "': file too large (over 4 bytes)");
}

TEST_CASE("read_file: a file of exactly the limit is read", "[posix][files]") {
  TempDir dir;
  testing::write_text(dir / "f", "12345");
  auto text = read_file(dir / "f", 5);
  REQUIRE(text.ok());
  CHECK(*text == "12345");
}

TEST_CASE("read_file: a missing file is ENOENT naming the path", "[posix][files]") {
  TempDir dir;
  auto text = read_file(dir / "missing", 100);
  REQUIRE_FALSE(text.ok());
  CHECK(text.error().err == ENOENT);
  CHECK(text.error().message == "cannot open '" + (dir / "missing") + "': No such file or directory");
}

TEST_CASE("read_file: a directory cannot be read", "[posix][files]") {
  TempDir dir;
  auto text = read_file(dir.path(), 100);
  REQUIRE_FALSE(text.ok());
  CHECK(text.error().err == EISDIR);
  CHECK(text.error().message == "cannot read '" + dir.path() + "': Is a directory");
}

// ---- open_file ----------------------------------------------------------

TEST_CASE("open_file: adds O_CLOEXEC", "[posix][files]") {
  TempDir dir;
  testing::write_text(dir / "f", "x");
  auto fd = open_file(dir / "f", O_RDONLY);
  REQUIRE(fd.ok());
  int flags = ::fcntl(fd->get(), F_GETFD);
  CHECK((flags & FD_CLOEXEC) != 0);
}

TEST_CASE("open_file: the error names the path", "[posix][files]") {
  TempDir dir;
  auto fd = open_file(dir / "missing", O_RDONLY);
  REQUIRE_FALSE(fd.ok());
  CHECK(fd.error().err == ENOENT);
  CHECK(fd.error().message == "cannot open '" + (dir / "missing") + "': No such file or directory");
}

// ---- write_file_atomic --------------------------------------------------

TEST_CASE("write_file_atomic: writes the content with the mode whatever the umask", "[posix][files]") {
  TempDir dir;
  std::string path = dir / "state";
  {
    ScopedUmask mask(077);
    Status st = write_file_atomic(path, "pid 42\n", 0644);
    REQUIRE(st.ok());
  }
  CHECK(testing::read_text(path) == "pid 42\n");
  CHECK(testing::mode_of(path) == 0644);
  CHECK_FALSE(testing::exists(path + ".tmp"));
}

TEST_CASE("write_file_atomic: replaces an existing file", "[posix][files]") {
  TempDir dir;
  std::string path = dir / "state";
  testing::write_text(path, "an older and much longer content\n", 0600);
  REQUIRE(write_file_atomic(path, "new\n", 0644).ok());
  CHECK(testing::read_text(path) == "new\n");
  CHECK(testing::mode_of(path) == 0644);
  CHECK_FALSE(testing::exists(path + ".tmp"));
}

TEST_CASE("write_file_atomic: a stale temporary file is cleaned up first", "[posix][files]") {
  TempDir dir;
  std::string path = dir / "state";
  testing::write_text(path + ".tmp", "left by a writer that died", 0600);
  REQUIRE(write_file_atomic(path, "fresh\n", 0644).ok());
  CHECK(testing::read_text(path) == "fresh\n");
  CHECK_FALSE(testing::exists(path + ".tmp"));
}

TEST_CASE("write_file_atomic: a stale temporary symlink is removed, not followed", "[posix][files]") {
  TempDir dir;
  std::string path = dir / "state";
  std::string victim = dir / "victim";
  testing::write_text(victim, "untouched", 0600);
  REQUIRE(::symlink(victim.c_str(), (path + ".tmp").c_str()) == 0);
  REQUIRE(write_file_atomic(path, "fresh\n", 0644).ok());
  CHECK(testing::read_text(path) == "fresh\n");
  CHECK(testing::read_text(victim) == "untouched");
  CHECK_FALSE(testing::exists(path + ".tmp"));
}

TEST_CASE("write_file_atomic: a missing folder is an error naming the path and leaves nothing", "[posix][files]") {
  TempDir dir;
  std::string path = dir / "missing/state";
  Status st = write_file_atomic(path, "x", 0644);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().err == ENOENT);
  CHECK(st.error().message == "cannot open '" + path + "': No such file or directory");
  CHECK_FALSE(testing::exists(dir / "missing"));
}

TEST_CASE("write_file_atomic: a failed rename leaves no temporary file", "[posix][files]") {
  TempDir dir;
  std::string path = dir / "state";
  REQUIRE(::mkdir(path.c_str(), 0755) == 0);  // a file cannot be renamed over a directory
  Status st = write_file_atomic(path, "x", 0644);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().err == EISDIR);
  CHECK(st.error().message == "cannot rename '" + path + ".tmp' to '" + path + "': Is a directory");
  CHECK_FALSE(testing::exists(path + ".tmp"));
}

// ---- remove_file --------------------------------------------------------

TEST_CASE("remove_file: removes a file", "[posix][files]") {
  TempDir dir;
  testing::write_text(dir / "f", "x");
  REQUIRE(remove_file(dir / "f").ok());
  CHECK_FALSE(testing::exists(dir / "f"));
}

TEST_CASE("remove_file: a missing file is success", "[posix][files]") {
  TempDir dir;
  CHECK(remove_file(dir / "missing").ok());
}

TEST_CASE("remove_file: other failures are errors naming the path", "[posix][files]") {
  TempDir dir;
  REQUIRE(::mkdir((dir / "d").c_str(), 0755) == 0);
  Status st = remove_file(dir / "d");
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().err == EISDIR);
  CHECK(st.error().message == "cannot remove '" + (dir / "d") + "': Is a directory");
}

// ---- make_dirs ----------------------------------------------------------

TEST_CASE("make_dirs: creates missing parents 0755 and the last one with its mode", "[posix][files]") {
  TempDir dir;
  ScopedUmask mask(022);
  std::string path = dir / "a/b/c";
  REQUIRE(make_dirs(path, 0700).ok());
  CHECK(testing::mode_of(dir / "a") == 0755);
  CHECK(testing::mode_of(dir / "a/b") == 0755);
  CHECK(testing::mode_of(path) == 0700);
}

TEST_CASE("make_dirs: the modes do not depend on the umask", "[posix][files]") {
  TempDir dir;
  ScopedUmask mask(077);
  REQUIRE(make_dirs(dir / "a/b", 0755).ok());
  CHECK(testing::mode_of(dir / "a") == 0755);
  CHECK(testing::mode_of(dir / "a/b") == 0755);
}

TEST_CASE("make_dirs: a trailing slash still gives the last folder its mode", "[posix][files]") {
  TempDir dir;
  ScopedUmask mask(022);
  REQUIRE(make_dirs(dir / "x/y/", 0700).ok());
  CHECK(testing::mode_of(dir / "x") == 0755);
  CHECK(testing::mode_of(dir / "x/y") == 0700);
}

TEST_CASE("make_dirs: an existing directory is success", "[posix][files]") {
  TempDir dir;
  CHECK(make_dirs(dir.path(), 0700).ok());
  REQUIRE(make_dirs(dir / "x", 0700).ok());
  CHECK(make_dirs(dir / "x", 0700).ok());
}

TEST_CASE("make_dirs: a file in the way is an error", "[posix][files]") {
  TempDir dir;
  testing::write_text(dir / "f", "x");

  Status st = make_dirs(dir / "f", 0755);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().err == ENOTDIR);
  CHECK(st.error().message == "cannot open folder '" + (dir / "f") + "': Not a directory");

  Status below = make_dirs(dir / "f/sub", 0755);
  REQUIRE_FALSE(below.ok());
  CHECK(below.error().err == ENOTDIR);
  CHECK(below.error().message == "cannot open folder '" + (dir / "f/sub") + "': Not a directory");
}

// ---- dirname ------------------------------------------------------------

TEST_CASE("dirname: the folder part of a path", "[posix][files]") {
  CHECK(dirname("/a/b") == "/a");
  CHECK(dirname("/a/b/c.pid") == "/a/b");
  CHECK(dirname("a/b") == "a");
  CHECK(dirname("b") == ".");
  CHECK(dirname("") == ".");
  CHECK(dirname("/a") == "/");
  CHECK(dirname("/") == "/");
  CHECK(dirname("//a") == "/");
  CHECK(dirname("/a//b") == "/a");
  CHECK(dirname("/a/b/") == "/a");
  CHECK(dirname("/a/b//") == "/a");
  CHECK(dirname("a/") == ".");
  CHECK(dirname("//") == "/");
}

// ---- open_at, rename_at, last_byte --------------------------------------

TEST_CASE("open_at and rename_at: names in an open folder", "[posix][files]") {
  TempDir dir;
  auto folder = open_file(dir.path(), O_PATH | O_DIRECTORY);
  REQUIRE(folder.ok());
  auto made = open_at(folder->get(), "a", O_WRONLY | O_CREAT | O_EXCL, 0644);
  REQUIRE(made.ok());
  CHECK(::fcntl(made->get(), F_GETFD) & FD_CLOEXEC);
  auto again = open_at(folder->get(), "a", O_WRONLY | O_CREAT | O_EXCL, 0644);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().message == "cannot open 'a': File exists");
  REQUIRE(rename_at(folder->get(), "a", "b").ok());
  CHECK(testing::exists(dir / "b"));
  Status gone = rename_at(folder->get(), "a", "c");
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.error().err == ENOENT);
  CHECK(gone.error().message == "cannot rename 'a' to 'c': No such file or directory");
}

TEST_CASE("last_byte: of a file open only for writing, none for an empty one", "[posix][files]") {
  TempDir dir;
  testing::write_text(dir / "f", "");
  auto fd = open_file(dir / "f", O_WRONLY | O_APPEND);
  REQUIRE(fd.ok());
  CHECK_FALSE(last_byte(fd->get()).has_value());
  REQUIRE(::write(fd->get(), "ab", 2) == 2);
  CHECK(last_byte(fd->get()) == 'b');
  REQUIRE(::write(fd->get(), "\n", 1) == 1);
  CHECK(last_byte(fd->get()) == '\n');
}
