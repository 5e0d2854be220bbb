#include "config/paths.h"

#include <filesystem>

#include <catch2/catch.hpp>

using namespace daemonctl::config;

TEST_CASE("normalize_path: drops empty and . components, keeps ..", "[config]") {
  CHECK(normalize_path("/a//./b/") == "/a/b");
  CHECK(normalize_path("/a/../b") == "/a/../b");
  CHECK(normalize_path("/./") == "/");
  CHECK(normalize_path("/") == "/");
  // Each way a path can be almost normal (the quick path's edges).
  CHECK(normalize_path("/a/b.toml") == "/a/b.toml");
  CHECK(normalize_path("/a/.b/..c") == "/a/.b/..c");
  CHECK(normalize_path("/a/b/") == "/a/b");
  CHECK(normalize_path("/a/.") == "/a");
  CHECK(normalize_path("/a//b") == "/a/b");
  CHECK(normalize_path("//a") == "/a");
  CHECK(normalize_path("/.") == "/");
  CHECK(normalize_path("/a/./b") == "/a/b");
  CHECK(normalize_path("a/b") == "/a/b");
}

TEST_CASE("resolve_path: relative to the base folder, absolute as written", "[config]") {
  CHECK(resolve_path("/srv/web", "logs/out.log") == "/srv/web/logs/out.log");
  CHECK(resolve_path("/srv/web", "./out.log") == "/srv/web/out.log");
  CHECK(resolve_path("/srv/web", ".") == "/srv/web");
  CHECK(resolve_path("/", "x") == "/x");
  CHECK(resolve_path("/srv/web", "/var//log") == "/var//log");
}

TEST_CASE("absolute_path: relative to the current directory", "[config]") {
  auto cwd = std::filesystem::current_path().string();
  auto p = absolute_path("./a/b.toml");
  REQUIRE(p.ok());
  CHECK(*p == normalize_path(cwd + "/a/b.toml"));
  auto q = absolute_path("/etc//daemonctl/./web.toml");
  REQUIRE(q.ok());
  CHECK(*q == "/etc/daemonctl/web.toml");
}

TEST_CASE("parent_dir and file_name", "[config]") {
  CHECK(parent_dir("/etc/daemonctl/web.toml") == "/etc/daemonctl");
  CHECK(parent_dir("/web.toml") == "/");
  CHECK(file_name("/etc/daemonctl/web.toml") == "web.toml");
  CHECK(file_name("web.toml") == "web.toml");
}
