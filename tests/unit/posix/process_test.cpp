#include "posix/process.h"

#include <sys/resource.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "temp_dir.h"

using namespace daemonctl;
using namespace daemonctl::posix;
using daemonctl::testing::TempDir;

TEST_CASE("working_directory: the folder relative paths start from", "[posix][process]") {
  TempDir dir;
  auto before = working_directory();
  REQUIRE(before.ok());
  REQUIRE(::chdir(dir.path().c_str()) == 0);
  auto cwd = working_directory();
  REQUIRE(::chdir(before->c_str()) == 0);
  REQUIRE(cwd.ok());
  char* real = ::realpath(dir.path().c_str(), nullptr);
  CHECK(*cwd == real);
  std::free(real);
}

TEST_CASE("TemporaryUmask: set while it lives, the previous one back after", "[posix][process]") {
  testing::ScopedUmask outer(022);
  {
    TemporaryUmask none(0);
    CHECK(testing::current_umask() == 0);
  }
  CHECK(testing::current_umask() == 022);
}

TEST_CASE("resource_limit and nice_value: this process's own", "[posix][process]") {
  struct rlimit want {};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &want) == 0);
  auto got = resource_limit(RLIMIT_NOFILE);
  REQUIRE(got.ok());
  CHECK(got->rlim_cur == want.rlim_cur);
  CHECK(got->rlim_max == want.rlim_max);
  auto nice = nice_value();
  REQUIRE(nice.ok());
  CHECK(*nice == ::getpriority(PRIO_PROCESS, 0));
  CHECK(resource_limit(-1).error().message == "getrlimit: Invalid argument");
}

TEST_CASE("the id getters are the system's", "[posix][process]") {
  CHECK(this_pid() == ::getpid());
  CHECK(this_process_group() == ::getpgrp());
  CHECK(effective_uid() == ::geteuid());
  CHECK(effective_gid() == ::getegid());
}
