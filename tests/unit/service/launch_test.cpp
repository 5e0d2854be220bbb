#include "service/launch.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "../posix/temp_dir.h"

using namespace daemonctl;
using namespace daemonctl::service;
using namespace daemonctl::state;
using daemonctl::testing::ScopedUmask;
using daemonctl::testing::TempDir;
using Env = std::vector<std::string>;

namespace {

// An environ-style array over `vars` (which must outlive it).
std::vector<char*> environ_of(Env& vars) {
  std::vector<char*> out;
  for (auto& v : vars) out.push_back(v.data());
  out.push_back(nullptr);
  return out;
}

config::ServiceSpec spec_with(std::map<std::string, std::string> environment, bool inherit) {
  config::ServiceSpec spec;
  spec.name = "web";
  spec.command = {"web"};
  spec.environment = std::move(environment);
  spec.inherit_environment = inherit;
  return spec;
}

const std::string kDefault = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
const Account kWeb{"web", "/srv/web", "/bin/sh"};

// Works in `dir` for its lifetime.
class ScopedCwd {
 public:
  explicit ScopedCwd(const std::string& dir) : saved_(::open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    ok_ = saved_ >= 0 && ::chdir(dir.c_str()) == 0;
  }
  ~ScopedCwd() {
    if (saved_ >= 0) {
      (void)!::fchdir(saved_);
      ::close(saved_);
    }
  }
  ScopedCwd(const ScopedCwd&) = delete;
  ScopedCwd& operator=(const ScopedCwd&) = delete;
  bool ok() const { return ok_; }

 private:
  int saved_;
  bool ok_ = false;
};

}  // namespace

// ---- daemon_environment -------------------------------------------------

TEST_CASE("daemon_environment: a fixed base, the account's variables, then environment, nothing of the caller's",
          "[service][launch]") {
  Env caller{"HOME=/root", "PATH=/home/me/.pyenv/shims:/sbin:/bin", "SECRET=x", "LANG=xx"};
  auto env = environ_of(caller);
  auto spec = spec_with({{"A", "1"}, {"Z", "2"}}, false);
  CHECK(daemon_environment(spec, kWeb, env.data()) ==
        Env{"PATH=" + kDefault, "LANG=" + system_lang(), "HOME=/srv/web", "USER=web", "LOGNAME=web", "SHELL=/bin/sh",
            "A=1", "Z=2"});
}

TEST_CASE("daemon_environment: environment replaces a variable of the base in place", "[service][launch]") {
  auto spec = spec_with({{"PATH", "/opt/web/bin"}, {"HOME", "/srv"}}, false);
  CHECK(daemon_environment(spec, kWeb, nullptr) == Env{"PATH=/opt/web/bin", "LANG=" + system_lang(), "HOME=/srv",
                                                      "USER=web", "LOGNAME=web", "SHELL=/bin/sh"});
}

TEST_CASE("daemon_environment: a uid without a passwd entry gets no HOME, USER, LOGNAME or SHELL", "[service][launch]") {
  CHECK(daemon_environment(spec_with({}, false), Account{}, nullptr) == Env{"PATH=" + kDefault, "LANG=" + system_lang()});
}

TEST_CASE("daemon_environment: pass_environment takes the named variables the caller has", "[service][launch]") {
  Env caller{"TERM=xterm", "TERMINFO=/x", "NOTIFY_SOCKET=/run/systemd/notify", "LANG=de_DE.UTF-8"};
  auto env = environ_of(caller);
  auto spec = spec_with({{"TERMINFO", "/y"}}, false);
  spec.pass_environment = {"TERM", "MISSING", "TERMINFO", "NOTIFY_SOCKET", "LANG"};
  CHECK(daemon_environment(spec, Account{}, env.data()) ==
        Env{"PATH=" + kDefault, "LANG=de_DE.UTF-8", "TERM=xterm", "TERMINFO=/y"});
}

TEST_CASE("daemon_environment: inherit_environment inherits, with the service's variables over it", "[service][launch]") {
  Env inherited{"HOME=/root", "LANG=C", "PATH=/sbin:/bin", "NOTIFY_SOCKET=/run/systemd/notify"};
  auto env = environ_of(inherited);
  auto spec = spec_with({{"LANG", "C.UTF-8"}, {"PORT", "8080"}}, true);
  // The account's variables come only with a `user`.
  CHECK(daemon_environment(spec, kWeb, env.data()) == Env{"HOME=/root", "LANG=C.UTF-8", "PATH=/sbin:/bin", "PORT=8080"});
  spec.user = "web";
  CHECK(daemon_environment(spec, kWeb, env.data()) == Env{"HOME=/srv/web", "LANG=C.UTF-8", "PATH=/sbin:/bin",
                                                          "USER=web", "LOGNAME=web", "SHELL=/bin/sh", "PORT=8080"});
}

TEST_CASE("daemon_environment: a name that begins another is not confused with it", "[service][launch]") {
  Env inherited{"PATHEXT=.x", "LANGUAGE=en"};
  auto env = environ_of(inherited);
  auto spec = spec_with({{"LANG", "C"}, {"PATH", "/opt/bin"}}, true);
  CHECK(daemon_environment(spec, kWeb, env.data()) == Env{"PATHEXT=.x", "LANGUAGE=en", "LANG=C", "PATH=/opt/bin"});
}

TEST_CASE("daemon_environment: inherits nothing from a null environ", "[service][launch]") {
  auto spec = spec_with({{"A", "1"}}, true);
  CHECK(daemon_environment(spec, kWeb, nullptr) == Env{"A=1"});
}

// ---- system_lang --------------------------------------------------------

TEST_CASE("system_lang: the first LANG= of the first file that has one, quotes removed", "[service][launch]") {
  TempDir dir;
  std::string conf = dir / "locale.conf", deflt = dir / "locale";
  testing::write_text(deflt, "#  File generated by update-locale\nLANG=\"de_DE.UTF-8\"\nLANG=fr_FR.UTF-8\n");
  CHECK(system_lang({conf, deflt}) == "de_DE.UTF-8");
  testing::write_text(conf, "LC_TIME=C\nLANG=\n");  // empty: not set
  CHECK(system_lang({conf, deflt}) == "de_DE.UTF-8");
  testing::write_text(conf, "  LANG='en_GB.UTF-8'\r\n");
  CHECK(system_lang({conf, deflt}) == "en_GB.UTF-8");
}

TEST_CASE("system_lang: C.UTF-8 when no file sets LANG", "[service][launch]") {
  TempDir dir;
  testing::write_text(dir / "locale", "#  File generated by update-locale\nLANGUAGE=en\n");
  CHECK(system_lang({dir / "missing", dir / "locale"}) == "C.UTF-8");
  CHECK(system_lang({}) == "C.UTF-8");
}

// ---- path_of ------------------------------------------------------------

TEST_CASE("path_of: the PATH entry, else the default", "[service][launch]") {
  CHECK(path_of({"A=1", "PATH=/x:/y", "B=2"}) == "/x:/y");
  CHECK(path_of({"PATH="}) == "");
  CHECK(path_of({"MYPATH=/y", "PATHEXT=.z"}) == kDefault);
  CHECK(path_of({}) == kDefault);
}

// ---- resolve_executable -------------------------------------------------

TEST_CASE("resolve_executable: a path with a slash is taken as is", "[service][launch]") {
  TempDir dir;
  std::string prog = dir / "prog";
  testing::write_text(prog, "#!/bin/sh\n", 0755);
  auto found = resolve_executable(prog, "/nonexistent");
  REQUIRE(found.ok());
  CHECK(*found == prog);
}

TEST_CASE("resolve_executable: a missing program", "[service][launch]") {
  TempDir dir;
  std::string prog = dir / "missing";
  auto found = resolve_executable(prog, kDefault);
  REQUIRE_FALSE(found.ok());
  CHECK(found.error().status == ExitStatus::not_installed);
  CHECK(found.error().err == ENOENT);
  CHECK(found.error().message == "cannot execute '" + prog + "': No such file or directory");
}

TEST_CASE("resolve_executable: a directory", "[service][launch]") {
  TempDir dir;
  auto found = resolve_executable(dir.path(), kDefault);
  REQUIRE_FALSE(found.ok());
  CHECK(found.error().status == ExitStatus::not_installed);
  CHECK(found.error().err == EISDIR);
  CHECK(found.error().message == "cannot execute '" + dir.path() + "': Is a directory");
}

TEST_CASE("resolve_executable: a file that is not executable, even for root", "[service][launch]") {
  TempDir dir;
  std::string prog = dir / "prog";
  testing::write_text(prog, "#!/bin/sh\n", 0644);
  auto found = resolve_executable(prog, kDefault);
  REQUIRE_FALSE(found.ok());
  // EACCES would be a privilege error by default; a program is not installed.
  CHECK(found.error().status == ExitStatus::not_installed);
  CHECK(found.error().err == EACCES);
  CHECK(found.error().message == "cannot execute '" + prog + "': Permission denied");
}

TEST_CASE("resolve_executable: a device is not a program", "[service][launch]") {
  auto found = resolve_executable("/dev/null", kDefault);
  REQUIRE_FALSE(found.ok());
  CHECK(found.error().status == ExitStatus::not_installed);
  CHECK(found.error().message == "cannot execute '/dev/null': Permission denied");
}

TEST_CASE("resolve_executable: a bare name is searched on PATH, first match wins", "[service][launch]") {
  TempDir dir;
  for (const char* d : {"a", "b", "c"}) REQUIRE(::mkdir((dir / d).c_str(), 0755) == 0);
  testing::write_text(dir / "b/prog", "#!/bin/sh\n", 0755);
  testing::write_text(dir / "c/prog", "#!/bin/sh\n", 0755);
  auto found = resolve_executable("prog", (dir / "a") + ":" + (dir / "b") + ":" + (dir / "c"));
  REQUIRE(found.ok());
  CHECK(*found == dir / "b/prog");
}

TEST_CASE("resolve_executable: candidates that cannot be executed are skipped", "[service][launch]") {
  TempDir dir;
  for (const char* d : {"a", "b", "c"}) REQUIRE(::mkdir((dir / d).c_str(), 0755) == 0);
  testing::write_text(dir / "a/prog", "data\n", 0644);     // not executable
  REQUIRE(::mkdir((dir / "b/prog").c_str(), 0755) == 0);  // a directory
  testing::write_text(dir / "c/prog", "#!/bin/sh\n", 0755);
  auto found = resolve_executable("prog", (dir / "a") + ":" + (dir / "b") + ":" + (dir / "c"));
  REQUIRE(found.ok());
  CHECK(*found == dir / "c/prog");
}

TEST_CASE("resolve_executable: empty PATH entries are passed over", "[service][launch]") {
  TempDir dir;
  testing::write_text(dir / "prog", "#!/bin/sh\n", 0755);
  auto found = resolve_executable("prog", "::" + dir.path() + ":");
  REQUIRE(found.ok());
  CHECK(*found == dir / "prog");
}

TEST_CASE("resolve_executable: an empty PATH entry is not the current directory", "[service][launch]") {
  TempDir dir;
  testing::write_text(dir / "prog", "#!/bin/sh\n", 0755);
  ScopedCwd cwd(dir.path());
  REQUIRE(cwd.ok());
  auto found = resolve_executable("prog", ":");
  REQUIRE_FALSE(found.ok());
  CHECK(found.error().message == "cannot find 'prog' in PATH (:)");
}

TEST_CASE("resolve_executable: relative PATH entries are skipped", "[service][launch]") {
  TempDir dir;
  REQUIRE(::mkdir((dir / "bin").c_str(), 0755) == 0);
  testing::write_text(dir / "bin/prog", "#!/bin/sh\n", 0755);
  ScopedCwd cwd(dir.path());
  REQUIRE(cwd.ok());
  auto found = resolve_executable("prog", "bin:./bin");
  REQUIRE_FALSE(found.ok());
  CHECK(found.error().message == "cannot find 'prog' in PATH (bin:./bin)");
}

TEST_CASE("resolve_executable: a bare name found nowhere says where it looked", "[service][launch]") {
  TempDir dir;
  std::string path = (dir / "a") + ":" + (dir / "b");
  auto found = resolve_executable("x", path);
  REQUIRE_FALSE(found.ok());
  CHECK(found.error().status == ExitStatus::not_installed);
  CHECK(found.error().err == ENOENT);
  CHECK(found.error().message == "cannot find 'x' in PATH (" + path + ")");
}

// ---- open_stdio ---------------------------------------------------------

TEST_CASE("open_stdio: creates log files with the service's umask, not ours", "[service][launch]") {
  TempDir dir;
  config::ServiceSpec spec = spec_with({}, false);
  spec.umask = 027;
  spec.stdout_path = dir / "out.log";
  spec.stderr_path = dir / "err.log";
  ScopedUmask mask(077);  // would give 0600
  auto io = open_stdio(spec);
  REQUIRE(io.ok());
  CHECK(io->in.valid());
  CHECK(io->out.valid());
  CHECK(io->err.valid());
  CHECK(io->err_fd() == io->err.get());
  CHECK(io->err_fd() != io->out.get());
  CHECK(testing::mode_of(spec.stdout_path) == 0640);
  CHECK(testing::mode_of(spec.stderr_path) == 0640);
  CHECK(testing::current_umask() == 077);  // ours is restored
}

TEST_CASE("open_stdio: appends to existing logs", "[service][launch]") {
  TempDir dir;
  config::ServiceSpec spec = spec_with({}, false);
  spec.stdout_path = dir / "out.log";
  spec.stderr_path = dir / "err.log";
  testing::write_text(spec.stdout_path, "old out\n", 0600);
  testing::write_text(spec.stderr_path, "old err\n", 0600);
  {
    auto io = open_stdio(spec);
    REQUIRE(io.ok());
    REQUIRE(::write(io->out.get(), "new out\n", 8) == 8);
    REQUIRE(::write(io->err_fd(), "new err\n", 8) == 8);
  }
  CHECK(testing::read_text(spec.stdout_path) == "old out\nnew out\n");
  CHECK(testing::read_text(spec.stderr_path) == "old err\nnew err\n");
  CHECK(testing::mode_of(spec.stdout_path) == 0600);  // an existing file keeps its mode
}

TEST_CASE("open_stdio: stdin is opened for reading", "[service][launch]") {
  TempDir dir;
  config::ServiceSpec spec = spec_with({}, false);
  spec.stdout_path = spec.stderr_path = "/dev/null";
  spec.stdin_path = dir / "in";
  testing::write_text(spec.stdin_path, "input", 0644);
  auto io = open_stdio(spec);
  REQUIRE(io.ok());
  char buf[16];
  CHECK(::read(io->in.get(), buf, sizeof buf) == 5);
  CHECK((::fcntl(io->in.get(), F_GETFL) & O_ACCMODE) == O_RDONLY);
}

TEST_CASE("open_stdio: one file for stdout and stderr is opened once", "[service][launch]") {
  TempDir dir;
  config::ServiceSpec spec = spec_with({}, false);
  spec.stdout_path = spec.stderr_path = dir / "both.log";
  {
    auto io = open_stdio(spec);
    REQUIRE(io.ok());
    CHECK_FALSE(io->err.valid());
    CHECK(io->err_fd() == io->out.get());
    REQUIRE(::write(io->out.get(), "out\n", 4) == 4);
    REQUIRE(::write(io->err_fd(), "err\n", 4) == 4);
  }
  CHECK(testing::read_text(dir / "both.log") == "out\nerr\n");
}

TEST_CASE("open_stdio: a file that cannot be opened is an error naming it", "[service][launch]") {
  TempDir dir;
  ScopedUmask mask(022);
  std::string missing = dir / "no/such/dir/x.log";

  SECTION("stdin") {
    config::ServiceSpec spec = spec_with({}, false);
    spec.stdin_path = missing;
    auto io = open_stdio(spec);
    REQUIRE_FALSE(io.ok());
    CHECK(io.error().err == ENOENT);
    CHECK(io.error().message == "cannot open '" + missing + "': No such file or directory");
  }
  SECTION("stdout") {
    config::ServiceSpec spec = spec_with({}, false);
    spec.stdout_path = missing;
    auto io = open_stdio(spec);
    REQUIRE_FALSE(io.ok());
    CHECK(io.error().message == "cannot open '" + missing + "': No such file or directory");
  }
  SECTION("stderr") {
    config::ServiceSpec spec = spec_with({}, false);
    spec.stdout_path = dir / "out.log";
    spec.stderr_path = missing;
    auto io = open_stdio(spec);
    REQUIRE_FALSE(io.ok());
    CHECK(io.error().message == "cannot open '" + missing + "': No such file or directory");
  }
  CHECK(testing::current_umask() == 022);  // restored on failure too
}
