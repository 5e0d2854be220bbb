// Service names and the config folder.
#include "config/catalog.h"

#include <catch2/catch.hpp>

#include <fstream>

#include "../posix/temp_dir.h"

using namespace daemonctl;
using namespace daemonctl::config;
using daemonctl::testing::TempDir;

TEST_CASE("names_file: a '/' or a .toml ending makes a file, anything else a name", "[config][catalog]") {
  CHECK(names_file("./web"));
  CHECK(names_file("/etc/daemonctl/web.toml"));
  CHECK(names_file("web.toml"));
  CHECK_FALSE(names_file("web"));
  CHECK_FALSE(names_file("web.conf"));
}

TEST_CASE("choose_config_dir: the flag, then $DAEMONCTL_CONFIG_DIR, made absolute", "[config][catalog]") {
  CHECK(choose_config_dir(std::string("/srv/conf")) == "/srv/conf");
  ::setenv("DAEMONCTL_CONFIG_DIR", "/env/conf", 1);
  CHECK(choose_config_dir(std::nullopt) == "/env/conf");
  CHECK(choose_config_dir(std::string("/flag")) == "/flag");
  ::unsetenv("DAEMONCTL_CONFIG_DIR");
  CHECK(choose_config_dir(std::nullopt) == "/etc/daemonctl");  // the tests run as root
  CHECK(choose_config_dir(std::string("rel")).starts_with("/"));
}

TEST_CASE("service_file and service_files: names in the folder, sorted, suggestions", "[config][catalog]") {
  TempDir dir;
  for (const char* name : {"web.toml", "db.toml", "notes.txt", ".hidden.toml"}) std::ofstream(dir / name) << "";
  CHECK(*service_file("web", dir.path()) == dir / "web.toml");
  CHECK(*service_file("other/web.toml", dir.path()) == "other/web.toml");
  auto typo = service_file("wbe", dir.path());
  REQUIRE_FALSE(typo.ok());
  CHECK(typo.error().status == ExitStatus::not_installed);
  auto close = service_file("dbb", dir.path());
  REQUIRE_FALSE(close.ok());
  CHECK(close.error().message == "no service named 'dbb' in '" + dir.path() + "', did you mean 'db'?");
  CHECK(*service_files(dir.path()) == std::vector<std::string>{dir / "db.toml", dir / "web.toml"});
  auto missing = service_files(dir / "none");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().status == ExitStatus::config);
}
