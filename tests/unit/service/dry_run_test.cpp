// --dry-run without processes: the checks that replace opening and creating
// (check_stdio, check_state_dir) agree with the real ones, and the dry
// commands say what they would do while the file system stays as it was.
#include "service/dry_run.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>

#include <catch2/catch.hpp>

#include "../posix/temp_dir.h"
#include "service/launch.h"
#include "state/state_dir.h"

using namespace daemonctl;
using namespace daemonctl::service;
using namespace daemonctl::state;
using daemonctl::testing::ScopedUmask;
using daemonctl::testing::TempDir;

using daemonctl::testing::kNobody;
using daemonctl::testing::ScopedEuid;

namespace {

// Runs as another effective uid for its lifetime (needs root; the real uid
// stays 0, so the destructor can switch back).
config::ServiceSpec spec_in(const TempDir& dir) {
  config::ServiceSpec spec;
  spec.name = "web";
  spec.command = {"/bin/sleep", "10 00"};
  spec.stdout_path = dir / "out.log";
  spec.stderr_path = dir / "out.log";
  return spec;
}

// check_stdio's answer is open_stdio's: the same status and message.
void check_agrees(const config::ServiceSpec& spec, ExitStatus status, const std::string& message) {
  Status checked = check_stdio(spec);
  REQUIRE_FALSE(checked.ok());
  CHECK(checked.error().status == status);
  CHECK(checked.error().message == message);
  auto opened = open_stdio(spec);
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.error().status == status);
  CHECK(opened.error().message == message);
}

}  // namespace

// ---- check_stdio --------------------------------------------------------

TEST_CASE("check_stdio: fine for writable logs, and creates none", "[service][dry_run]") {
  TempDir dir;
  config::ServiceSpec spec = spec_in(dir);
  spec.stderr_path = dir / "err.log";
  testing::write_text(spec.stderr_path, "old\n", 0600);
  CHECK(check_stdio(spec).ok());
  CHECK_FALSE(testing::exists(spec.stdout_path));
  CHECK(testing::read_text(spec.stderr_path) == "old\n");
}

TEST_CASE("check_stdio: errors as open_stdio gives them", "[service][dry_run]") {
  TempDir dir;
  ScopedUmask mask(022);
  config::ServiceSpec spec = spec_in(dir);
  std::string missing = dir / "no/such/x.log";

  SECTION("stdin missing: config") {
    spec.stdin_path = missing;
    check_agrees(spec, ExitStatus::config, "cannot open '" + missing + "': No such file or directory");
  }
  SECTION("log folder missing: config") {
    spec.stderr_path = missing;
    check_agrees(spec, ExitStatus::config, "cannot open '" + missing + "': No such file or directory");
  }
  SECTION("a log that is a directory: config") {
    spec.stdout_path = spec.stderr_path = dir.path();
    check_agrees(spec, ExitStatus::config, "cannot open '" + dir.path() + "': Is a directory");
  }
  SECTION("a symlink in a folder others can write to: privilege") {
    std::string shared = dir / "shared";
    REQUIRE(::mkdir(shared.c_str(), 0777) == 0);
    REQUIRE(::chmod(shared.c_str(), 01777) == 0);
    std::string link = shared + "/out.log";
    REQUIRE(::symlink((dir / "target").c_str(), link.c_str()) == 0);
    spec.stdout_path = spec.stderr_path = link;
    check_agrees(spec, ExitStatus::privilege,
                 "refusing '" + link + "': a symbolic link in '" + shared +
                     "', which other users can change (owner uid 0, mode 1777)");
  }
  SECTION("no permission for the log's folder: privilege") {
    REQUIRE(::geteuid() == 0);
    std::string log = dir / "closed/out.log";
    REQUIRE(::mkdir((dir / "closed").c_str(), 0755) == 0);
    REQUIRE(::chmod(dir.path().c_str(), 0755) == 0);
    spec.stdout_path = spec.stderr_path = log;
    ScopedEuid nobody(kNobody);
    REQUIRE(nobody.ok());
    check_agrees(spec, ExitStatus::privilege, "cannot open '" + log + "': Permission denied");
  }
  SECTION("an unreadable stdin: privilege") {
    REQUIRE(::geteuid() == 0);
    spec.stdin_path = dir / "secret";
    testing::write_text(spec.stdin_path, "", 0600);
    REQUIRE(::chmod(dir.path().c_str(), 0755) == 0);
    ScopedEuid nobody(kNobody);
    REQUIRE(nobody.ok());
    spec.stdout_path = spec.stderr_path = "/dev/null";
    check_agrees(spec, ExitStatus::privilege, "cannot open '" + spec.stdin_path + "': Permission denied");
  }
}

// ---- check_state_dir ----------------------------------------------------

TEST_CASE("check_state_dir: a missing state dir is fine, and not created", "[service][dry_run]") {
  TempDir tmp;
  CHECK(check_state_dir(tmp / "state").ok());
  CHECK(check_state_dir(tmp / "run/deeper/state").ok());
  CHECK_FALSE(testing::exists(tmp / "state"));
  CHECK_FALSE(testing::exists(tmp / "run"));
}

TEST_CASE("check_state_dir: refuses what prepare_state_dir refuses, with its message", "[service][dry_run]") {
  TempDir tmp;
  std::string dir;
  SECTION("a symbolic link") {
    dir = tmp / "link";
    REQUIRE(::symlink(tmp.path().c_str(), dir.c_str()) == 0);
  }
  SECTION("a file") {
    dir = tmp / "file";
    testing::write_text(dir, "");
  }
  SECTION("a path through a file") {
    testing::write_text(tmp / "file", "");
    dir = tmp / "file/sub";
  }
  SECTION("writable by others") {
    dir = tmp / "open";
    REQUIRE(::mkdir(dir.c_str(), 0700) == 0);
    REQUIRE(::chmod(dir.c_str(), 0777) == 0);
  }
  Status checked = check_state_dir(dir);
  REQUIRE_FALSE(checked.ok());
  Status prepared = prepare_state_dir(dir);
  REQUIRE_FALSE(prepared.ok());
  CHECK(checked.error().message == prepared.error().message);
  CHECK(checked.error().status == prepared.error().status);
}

TEST_CASE("check_state_dir: a folder it could not be created in", "[service][dry_run]") {
  REQUIRE(::geteuid() == 0);
  TempDir tmp;
  REQUIRE(::chmod(tmp.path().c_str(), 0755) == 0);
  std::string dir = tmp / "run/state";
  ScopedEuid nobody(kNobody);
  REQUIRE(nobody.ok());
  Status checked = check_state_dir(dir);
  REQUIRE_FALSE(checked.ok());
  CHECK(checked.error().status == ExitStatus::privilege);
  CHECK(checked.error().message ==
        "state directory '" + dir + "': cannot create directory '" + tmp.path() + "/run': Permission denied");
  Status prepared = prepare_state_dir(dir);
  REQUIRE_FALSE(prepared.ok());
  CHECK(prepared.error().message == checked.error().message);
}

// ---- the dry commands ---------------------------------------------------

TEST_CASE("dry_start of a stopped service says what it would do, and does none of it", "[service][dry_run]") {
  REQUIRE(::geteuid() == 0);
  TempDir dir;
  config::ServiceSpec spec = spec_in(dir);
  spec.environment = {{"DRY_RUN_TEST", "a b"}};
  spec.umask = 027;
  spec.start.grace = std::chrono::seconds(1);
  Context ctx{dir / "state"};
  const struct passwd* root = ::getpwuid(0);
  REQUIRE(root);
  auto done = dry_start(ctx, spec);
  REQUIRE(done.ok());
  CHECK(done->status == ExitStatus::success);
  CHECK(done->pid == 0);
  CHECK(done->text ==
        "would create state directory '" + ctx.state_dir + "' with mode 0755\n"
        "would start: exec /bin/sleep with argv [\"/bin/sleep\", \"10 00\"]\n"
        "would start from an empty environment, not daemonctl's\n"
        "would set environment: +PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"
        "would set environment: +LANG=" + system_lang() + "\n"
        "would set environment: +HOME=" + root->pw_dir + "\n"
        "would set environment: +USER=root\n"
        "would set environment: +LOGNAME=root\n"
        "would set environment: +SHELL=" + root->pw_shell + "\n"
        "would set environment: +DRY_RUN_TEST=a b\n"
        "would run in '/' with umask 0027 as user root group root\n"
        "would connect stdin '/dev/null', stdout '" + spec.stdout_path + "', stderr '" + spec.stdout_path + "'\n"
        "would create '" + spec.stdout_path + "' with mode 0640\n"
        "would write pidfile '" + ctx.state_dir + "/web.pid' and record '" + ctx.state_dir + "/web.record'\n"
        "would wait 1s of start grace, and fail if it exits meanwhile");
  CHECK_FALSE(testing::exists(ctx.state_dir));
  CHECK_FALSE(testing::exists(spec.stdout_path));
}

TEST_CASE("dry_start: inherit_environment is shown as changes to daemonctl's own", "[service][dry_run]") {
  TempDir dir;
  config::ServiceSpec spec = spec_in(dir);
  spec.inherit_environment = true;
  spec.environment = {{"DRY_RUN_TEST", "1"}};
  testing::ScopedEnv kept("DRY_RUN_KEPT", std::string("x"));
  testing::ScopedEnv notify("NOTIFY_SOCKET", std::string("/run/systemd/notify"));
  auto done = dry_start(Context{dir.path()}, spec);
  REQUIRE(done.ok());
  CHECK(done->text.find("\nwould set environment: +DRY_RUN_TEST=1\nwould set environment: -NOTIFY_SOCKET\n") !=
        std::string::npos);
  CHECK(done->text.find("DRY_RUN_KEPT") == std::string::npos);
  CHECK(done->text.find("empty environment") == std::string::npos);
}

TEST_CASE("dry_start: with inherit_environment and daemonctl's environment unchanged, says so", "[service][dry_run]") {
  TempDir dir;
  config::ServiceSpec spec = spec_in(dir);
  spec.inherit_environment = true;
  auto done = dry_start(Context{dir.path()}, spec);
  REQUIRE(done.ok());
  CHECK(done->text.find("\nwould keep daemonctl's environment\n") != std::string::npos);
}

TEST_CASE("dry_start: a missing program is the real start's error", "[service][dry_run]") {
  TempDir dir;
  config::ServiceSpec spec = spec_in(dir);
  spec.command = {dir / "nope"};
  auto done = dry_start(Context{dir / "state"}, spec);
  REQUIRE_FALSE(done.ok());
  CHECK(done.error().status == ExitStatus::not_installed);
  CHECK(done.error().message == "cannot execute '" + dir.path() + "/nope': No such file or directory");
  CHECK_FALSE(testing::exists(dir / "state"));
}

TEST_CASE("dry commands on an invalid pidfile name it and leave it", "[service][dry_run]") {
  TempDir dir;
  config::ServiceSpec spec = spec_in(dir);
  Context ctx{dir.path()};
  std::string pidfile = dir / "web.pid";
  testing::write_text(pidfile, "12abc\n");
  std::string stale = "would remove stale pidfile '" + pidfile + "' (no record: daemonctl did not start it)";

  auto started = dry_start(ctx, spec);
  REQUIRE(started.ok());
  CHECK(started->text.rfind(stale + "\nwould start: exec /bin/sleep", 0) == 0);
  auto stopped = dry_stop(ctx, spec);
  REQUIRE(stopped.ok());
  CHECK(stopped->status == ExitStatus::success);
  CHECK(stopped->text == stale + "\nnot running");
  auto signalled = dry_signal(ctx, spec, SIGHUP);
  REQUIRE(signalled.ok());
  CHECK(signalled->status == ExitStatus::inactive);
  CHECK(signalled->text == "not running");
  CHECK(testing::read_text(pidfile) == "12abc\n");
}

TEST_CASE("dry_stop and dry_signal of a stopped service", "[service][dry_run]") {
  TempDir dir;
  config::ServiceSpec spec = spec_in(dir);
  auto stopped = dry_stop(Context{dir.path()}, spec);
  REQUIRE(stopped.ok());
  CHECK(stopped->status == ExitStatus::success);
  CHECK(stopped->text == "not running");
  auto signalled = dry_signal(Context{dir.path()}, spec, SIGHUP);
  REQUIRE(signalled.ok());
  CHECK(signalled->status == ExitStatus::inactive);
  CHECK(signalled->text == "not running");
  CHECK_FALSE(testing::exists(dir / "web.lock"));  // the real ones take the lock
}

TEST_CASE("dry_restart checks the start before anything else", "[service][dry_run]") {
  TempDir dir;
  config::ServiceSpec spec = spec_in(dir);
  spec.directory = dir / "missing";
  testing::write_text(dir / "web.pid", "12abc\n");
  auto done = dry_restart(Context{dir.path()}, spec);
  REQUIRE_FALSE(done.ok());
  CHECK(done.error().status == ExitStatus::config);
  CHECK(done.error().message == "working directory '" + spec.directory + "': No such file or directory");
  CHECK_FALSE(testing::exists(dir / "web.lock"));
}

TEST_CASE("dry_start: a pidfile folder it could not write in is the real start's error", "[service][dry_run]") {
  REQUIRE(::geteuid() == 0);
  TempDir dir;
  REQUIRE(::chmod(dir.path().c_str(), 0755) == 0);
  std::string state = dir / "state";
  REQUIRE(::mkdir(state.c_str(), 0700) == 0);
  REQUIRE(::chown(state.c_str(), kNobody, kNobody) == 0);
  config::ServiceSpec spec = spec_in(dir);
  spec.stdout_path = spec.stderr_path = "/dev/null";
  spec.pidfile = dir / "run/web.pid";
  ScopedEuid nobody(kNobody);
  REQUIRE(nobody.ok());
  auto done = dry_start(Context{state}, spec);
  REQUIRE_FALSE(done.ok());
  CHECK(done.error().status == ExitStatus::privilege);
  CHECK(done.error().message == "cannot create directory '" + dir.path() + "/run': Permission denied");
  CHECK_FALSE(testing::exists(state + "/web.lock"));
}
