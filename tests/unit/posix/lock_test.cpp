#include "posix/lock.h"

#include <fcntl.h>

#include <catch2/catch.hpp>

#include "posix/files.h"
#include "temp_dir.h"

using namespace daemonctl;
using namespace daemonctl::posix;
using daemonctl::testing::TempDir;

TEST_CASE("try_lock: false while another open file holds the lock, never waiting", "[posix][lock]") {
  TempDir dir;
  auto held = lock_file(dir / "lock");
  REQUIRE(held.ok());
  auto other = open_file(dir / "lock", O_RDONLY);
  REQUIRE(other.ok());
  auto shared = try_lock(other->get(), LockMode::shared, dir / "lock");
  REQUIRE(shared.ok());
  CHECK_FALSE(*shared);
  held->reset();
  shared = try_lock(other->get(), LockMode::shared, dir / "lock");
  REQUIRE(shared.ok());
  CHECK(*shared);
}

TEST_CASE("try_lock: an fd that is not open is an error naming the path", "[posix][lock]") {
  auto taken = try_lock(-1, LockMode::exclusive, "/x/lock");
  REQUIRE_FALSE(taken.ok());
  CHECK(taken.error().message == "cannot lock '/x/lock': Bad file descriptor");
}
