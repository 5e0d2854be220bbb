#include "fleet/enabled.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "../posix/temp_dir.h"

using namespace daemonctl;
using namespace daemonctl::fleet;
using daemonctl::testing::exists;
using daemonctl::testing::mode_of;
using daemonctl::testing::read_text;
using daemonctl::testing::ScopedUmask;
using daemonctl::testing::TempDir;
using daemonctl::testing::write_text;

namespace {

std::set<std::string> disabled(const TempDir& dir) {
  auto names = disabled_services(dir.path());
  REQUIRE(names);
  return *names;
}

}  // namespace

TEST_CASE("enabled: without a disabled/ folder, no service is disabled", "[fleet][enabled]") {
  TempDir dir;
  CHECK(disabled(dir).empty());
  CHECK(disabled_dir(dir.path()) == dir.path() + "/disabled");
}

TEST_CASE("enabled: disable makes an empty 0644 marker named as the service, in a 0755 folder", "[fleet][enabled]") {
  TempDir dir;
  ScopedUmask umask(077);  // the modes are the documented ones whatever the umask
  auto changed = set_enabled(dir.path(), "web", false);
  REQUIRE(changed);
  CHECK(*changed);
  CHECK(mode_of(dir / "disabled") == 0755);
  CHECK(mode_of(dir / "disabled/web") == 0644);
  CHECK(read_text(dir / "disabled/web").empty());
  CHECK(disabled(dir) == std::set<std::string>{"web"});
  auto again = set_enabled(dir.path(), "web", false);
  REQUIRE(again);
  CHECK_FALSE(*again);  // already disabled
}

TEST_CASE("enabled: enable removes the marker, and says whether there was one", "[fleet][enabled]") {
  TempDir dir;
  REQUIRE(set_enabled(dir.path(), "web", false));
  REQUIRE(set_enabled(dir.path(), "db", false));
  auto changed = set_enabled(dir.path(), "web", true);
  REQUIRE(changed);
  CHECK(*changed);
  CHECK_FALSE(exists(dir / "disabled/web"));
  CHECK(disabled(dir) == std::set<std::string>{"db"});
  auto again = set_enabled(dir.path(), "web", true);
  REQUIRE(again);
  CHECK_FALSE(*again);
  auto never = set_enabled(TempDir().path(), "web", true);  // no folder at all: nothing to do
  REQUIRE(never);
  CHECK_FALSE(*never);
}

TEST_CASE("enabled: any entry of disabled/ is a marker, links too, but not hidden ones", "[fleet][enabled]") {
  TempDir dir;
  REQUIRE(::mkdir((dir / "disabled").c_str(), 0755) == 0);
  write_text(dir / "disabled/by-hand", "comment: kept off during the migration\n");
  REQUIRE(::symlink("../web.toml", (dir / "disabled/linked").c_str()) == 0);
  write_text(dir / "disabled/.swp", "");
  CHECK(disabled(dir) == std::set<std::string>{"by-hand", "linked"});
  // Enabling a linked one removes the link, never what it points to.
  write_text(dir / "web.toml", "command = [\"/bin/true\"]\n");
  REQUIRE(set_enabled(dir.path(), "linked", true));
  CHECK_FALSE(exists(dir / "disabled/linked"));
  CHECK(exists(dir / "web.toml"));
}

TEST_CASE("enabled: a disabled/ that cannot be read is an error, not an empty list", "[fleet][enabled]") {
  TempDir dir;
  write_text(dir / "disabled", "not a folder\n");
  auto names = disabled_services(dir.path());
  REQUIRE_FALSE(names);
  CHECK(names.error().message == "cannot read folder '" + dir.path() + "/disabled': Not a directory");
}
