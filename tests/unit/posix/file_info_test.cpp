#include "posix/file_info.h"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "posix/files.h"
#include "temp_dir.h"

using namespace daemonctl;
using namespace daemonctl::posix;
using daemonctl::testing::TempDir;

TEST_CASE("stat_path: follows a symbolic link, lstat_path does not", "[posix][file_info]") {
  TempDir dir;
  testing::write_text(dir / "f", "12345");
  REQUIRE(::symlink("f", (dir / "link").c_str()) == 0);
  auto followed = stat_path(dir / "link");
  REQUIRE(followed.ok());
  CHECK(S_ISREG(followed->st_mode));
  CHECK(followed->st_size == 5);
  auto link = lstat_path(dir / "link");
  REQUIRE(link.ok());
  CHECK(S_ISLNK(link->st_mode));
}

TEST_CASE("stat_path: a missing file is ENOENT naming the path", "[posix][file_info]") {
  TempDir dir;
  auto st = stat_path(dir / "missing");
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().err == ENOENT);
  CHECK(st.error().message == "cannot stat '" + (dir / "missing") + "': No such file or directory");
  CHECK(lstat_path(dir / "missing").error().message == st.error().message);
}

TEST_CASE("stat_fd and stat_at: the open file, and a name in an open folder", "[posix][file_info]") {
  TempDir dir;
  testing::write_text(dir / "f", "abc");
  auto fd = open_file(dir / "f", O_RDONLY);
  REQUIRE(fd.ok());
  auto by_fd = stat_fd(fd->get(), dir / "f");
  REQUIRE(by_fd.ok());
  auto folder = open_file(dir.path(), O_PATH | O_DIRECTORY);
  REQUIRE(folder.ok());
  auto by_name = stat_at(folder->get(), "f", AT_SYMLINK_NOFOLLOW);
  REQUIRE(by_name.ok());
  CHECK(same_file(*by_fd, *by_name));
  CHECK(stat_at(folder->get(), "missing", 0).error().message == "cannot stat 'missing': No such file or directory");
  CHECK(stat_fd(-1, "stdout").error().message == "cannot stat 'stdout': Bad file descriptor");
}

TEST_CASE("check_access: F_OK tells whether the file is there", "[posix][file_info]") {
  TempDir dir;
  testing::write_text(dir / "f", "");
  CHECK(check_access(dir / "f", F_OK).ok());
  Status missing = check_access(dir / "missing", F_OK);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().err == ENOENT);
  CHECK(missing.error().message == "cannot access '" + (dir / "missing") + "': No such file or directory");
}

TEST_CASE("check_effective_access: a file without an x bit is not executable, even by root", "[posix][file_info]") {
  TempDir dir;
  testing::write_text(dir / "f", "", 0644);
  auto folder = open_file(dir.path(), O_PATH | O_DIRECTORY);
  REQUIRE(folder.ok());
  CHECK(check_effective_access(folder->get(), "f", R_OK).ok());
  Status run = check_effective_access(folder->get(), "f", X_OK);
  REQUIRE_FALSE(run.ok());
  CHECK(run.error().err == EACCES);
  CHECK(run.error().message == "cannot access 'f': Permission denied");
}

TEST_CASE("change_mode: sets the mode whatever the umask", "[posix][file_info]") {
  TempDir dir;
  testing::write_text(dir / "f", "", 0600);
  auto fd = open_file(dir / "f", O_RDONLY);
  REQUIRE(fd.ok());
  REQUIRE(change_mode(fd->get(), 0640, dir / "f").ok());
  CHECK(testing::mode_of(dir / "f") == 0640);
  CHECK(change_mode(-1, 0640, "x").error().message == "cannot chmod 'x': Bad file descriptor");
}
