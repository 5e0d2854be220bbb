#include "state/state_dir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "../posix/temp_dir.h"

using namespace daemonctl;
using namespace daemonctl::state;
using daemonctl::testing::ScopedEnv;
using daemonctl::testing::ScopedUmask;
using daemonctl::testing::TempDir;

using daemonctl::testing::kNobody;
using daemonctl::testing::ScopedEuid;

namespace {

// Runs as another effective uid for its lifetime (needs root; the real uid
// stays 0, so the destructor can switch back).
}  // namespace

// ---- choose_state_dir ---------------------------------------------------

TEST_CASE("choose_state_dir: the flag wins", "[state][state_dir]") {
  ScopedEnv env("DAEMONCTL_STATE_DIR", "/from/env");
  CHECK(choose_state_dir(std::string("/from/flag")) == "/from/flag");
}

TEST_CASE("choose_state_dir: then DAEMONCTL_STATE_DIR", "[state][state_dir]") {
  ScopedEnv env("DAEMONCTL_STATE_DIR", "/from/env");
  CHECK(choose_state_dir(std::nullopt) == "/from/env");
  CHECK(choose_state_dir(std::string()) == "/from/env");  // an empty flag is no flag
}

TEST_CASE("choose_state_dir: then /run/daemonctl for root", "[state][state_dir]") {
  REQUIRE(::geteuid() == 0);
  ScopedEnv xdg("XDG_RUNTIME_DIR", "/run/user/0");
  {
    ScopedEnv env("DAEMONCTL_STATE_DIR", std::nullopt);
    CHECK(choose_state_dir(std::nullopt) == "/run/daemonctl");
  }
  {
    ScopedEnv env("DAEMONCTL_STATE_DIR", "");  // empty is unset
    CHECK(choose_state_dir(std::nullopt) == "/run/daemonctl");
  }
}

TEST_CASE("choose_state_dir: for other users, XDG_RUNTIME_DIR, then /tmp", "[state][state_dir]") {
  REQUIRE(::geteuid() == 0);  // to become another user and back
  ScopedEnv env("DAEMONCTL_STATE_DIR", std::nullopt);
  std::string with_xdg, without_xdg;
  {
    ScopedEnv xdg("XDG_RUNTIME_DIR", "/run/user/65534");
    ScopedEuid nobody(kNobody);
    REQUIRE(nobody.ok());
    with_xdg = choose_state_dir(std::nullopt);
  }
  {
    ScopedEnv xdg("XDG_RUNTIME_DIR", std::nullopt);
    ScopedEuid nobody(kNobody);
    REQUIRE(nobody.ok());
    without_xdg = choose_state_dir(std::nullopt);
  }
  REQUIRE(::geteuid() == 0);
  CHECK(with_xdg == "/run/user/65534/daemonctl");
  CHECK(without_xdg == "/tmp/daemonctl-65534");
}

// ---- prepare_state_dir --------------------------------------------------

TEST_CASE("prepare_state_dir: creates a missing directory", "[state][state_dir]") {
  REQUIRE(::geteuid() == 0);
  TempDir tmp;
  ScopedUmask mask(022);
  std::string dir = tmp / "run/daemonctl";
  REQUIRE(prepare_state_dir(dir).ok());
  struct stat st;
  REQUIRE(::lstat(dir.c_str(), &st) == 0);
  CHECK(S_ISDIR(st.st_mode));
  CHECK((st.st_mode & 07777) == 0755);  // root's state is readable by all
  CHECK(st.st_uid == 0u);
}

TEST_CASE("prepare_state_dir: an existing directory of ours is fine", "[state][state_dir]") {
  TempDir tmp;
  CHECK(prepare_state_dir(tmp.path()).ok());
}

TEST_CASE("prepare_state_dir: refuses a symbolic link", "[state][state_dir]") {
  TempDir tmp;
  std::string link = tmp / "link";
  REQUIRE(::symlink(tmp.path().c_str(), link.c_str()) == 0);  // to a good directory, even
  Status st = prepare_state_dir(link);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message == "state directory '" + link + "' is a symbolic link; refusing to use it");
}

TEST_CASE("prepare_state_dir: refuses a regular file", "[state][state_dir]") {
  TempDir tmp;
  std::string file = tmp / "file";
  testing::write_text(file, "");
  Status st = prepare_state_dir(file);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message == "state directory '" + file + "' is not a directory");
}

TEST_CASE("prepare_state_dir: refuses a directory writable by its group or others", "[state][state_dir]") {
  TempDir dir;
  for (mode_t mode : {01777, 0775, 0757}) {
    std::string path = dir / ("open" + std::to_string(mode));
    REQUIRE(::mkdir(path.c_str(), 0700) == 0);
    REQUIRE(::chmod(path.c_str(), mode) == 0);
    Status st = prepare_state_dir(path);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().message == "state directory '" + path + "' is writable by others; refusing to use it");
  }
}

TEST_CASE("prepare_state_dir: refuses a directory owned by another user", "[state][state_dir]") {
  REQUIRE(::geteuid() == 0);
  TempDir tmp;
  std::string dir = tmp / "theirs";
  REQUIRE(::mkdir(dir.c_str(), 0755) == 0);
  REQUIRE(::chown(dir.c_str(), kNobody, kNobody) == 0);
  Status st = prepare_state_dir(dir);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message == "state directory '" + dir + "' is owned by uid 65534, not by uid 0; refusing to use it");
}

TEST_CASE("prepare_state_dir: a path through a file is an error naming it", "[state][state_dir]") {
  TempDir tmp;
  std::string file = tmp / "file";
  testing::write_text(file, "");
  Status st = prepare_state_dir(file + "/sub");
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().err == ENOTDIR);
  CHECK(st.error().message == "state directory '" + file + "/sub': Not a directory");
}
