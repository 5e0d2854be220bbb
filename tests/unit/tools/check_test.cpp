#include "tools/check.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "../posix/temp_dir.h"

using namespace daemonctl;
using namespace daemonctl::tools;
using namespace daemonctl::state;
using daemonctl::testing::TempDir;
using Lines = std::vector<std::string>;

using daemonctl::testing::kNobody;
using daemonctl::testing::ScopedEuid;

namespace {

// Runs as another effective uid for its lifetime (needs root; the real uid
// stays 0, so the destructor can switch back).
void make_dir(const std::string& path, mode_t mode = 0755) {
  REQUIRE(::mkdir(path.c_str(), mode) == 0);
  REQUIRE(::chmod(path.c_str(), mode) == 0);  // whatever the umask
}

// A service in a temp folder with nothing wrong: its program, service file,
// working directory, log folder, pidfile folder and state folder all exist,
// owned by us, writable by no one else. Each key is at its own line.
struct Setup {
  TempDir tmp;
  std::string dir = std::filesystem::canonical(tmp.path());  // no symlink in the temp folder's own path
  std::string state = dir + "/state";
  config::ServiceSpec spec;

  Setup() {
    make_dir(dir + "/bin");
    testing::write_text(dir + "/bin/prog", "#!/bin/sh\n", 0755);
    make_dir(dir + "/run");
    make_dir(dir + "/logs");
    make_dir(state, 0700);
    spec.file = dir + "/svc.toml";
    testing::write_text(spec.file, "command = [\"prog\"]\n", 0644);
    spec.name = "svc";
    spec.command = {dir + "/bin/prog"};
    spec.directory = dir;
    spec.pidfile = dir + "/run/svc.pid";
    spec.stdout_path = dir + "/logs/out.log";
    spec.stderr_path = "/dev/null";
    spec.locations = {{"command", {1, 11}}, {"directory", {2, 13}}, {"user", {3, 8}},  {"group", {4, 9}},
                      {"stdin", {5, 9}},    {"stdout", {6, 10}},    {"stderr", {7, 10}}, {"pidfile", {8, 11}}};
  }
  std::string operator/(const std::string& leaf) const { return dir + "/" + leaf; }
};

// "LINE:COL: severity: message", one per finding; and every finding's file is the spec's.
Lines shown(const std::vector<Finding>& found, const std::string& file) {
  Lines out;
  for (const Finding& f : found) {
    CHECK(f.where.file == file);
    out.push_back(std::to_string(f.where.line) + ":" + std::to_string(f.where.column) + ": " +
                  (f.severity == Severity::error ? "error: " : "warning: ") + f.where.message);
  }
  return out;
}

Lines check(const Setup& s) { return shown(check_service(s.spec, s.state), s.spec.file); }

}  // namespace

TEST_CASE("check: a sound service has no findings", "[tools][check]") {
  Setup s;
  CHECK(check(s) == Lines{});
}

// ---- errors -------------------------------------------------------------

TEST_CASE("check: a program not found on the daemon's PATH, at the command key", "[tools][check]") {
  Setup s;
  s.spec.environment["PATH"] = s / "bin";
  s.spec.command = {"nosuchprog"};
  CHECK(check(s) == Lines{"1:11: error: cannot find 'nosuchprog' in PATH (" + (s / "bin") + ")"});
  s.spec.command = {"prog"};  // found there, though not on our own PATH
  CHECK(check(s) == Lines{});
}

TEST_CASE("check: the program is searched in the service's PATH, daemonctl's only with inherit_environment",
          "[tools][check]") {
  Setup s;
  testing::ScopedEnv path("PATH", s / "bin");
  s.spec.command = {"prog"};
  CHECK(check(s) == Lines{"1:11: error: cannot find 'prog' in PATH "
                          "(/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)"});
  s.spec.inherit_environment = true;
  CHECK(check(s) == Lines{});
}

TEST_CASE("check: a program that is not executable", "[tools][check]") {
  Setup s;
  REQUIRE(::chmod((s / "bin/prog").c_str(), 0644) == 0);
  CHECK(check(s) == Lines{"1:11: error: cannot execute '" + (s / "bin/prog") + "': Permission denied"});
}

TEST_CASE("check: a missing working directory, at the directory key", "[tools][check]") {
  Setup s;
  s.spec.directory = s / "nowhere";
  CHECK(check(s) == Lines{"2:13: error: working directory '" + (s / "nowhere") + "': No such file or directory"});
}

TEST_CASE("check: a working directory that is a file", "[tools][check]") {
  Setup s;
  s.spec.directory = s / "bin/prog";
  CHECK(check(s) == Lines{"2:13: error: working directory '" + (s / "bin/prog") + "': Not a directory"});
}

TEST_CASE("check: an unknown user or group, each at its key", "[tools][check]") {
  Setup s;
  s.spec.user = "no-such-user-dc";
  CHECK(check(s) == Lines{"3:8: error: unknown user 'no-such-user-dc'"});
  s.spec.group = "no-such-group-dc";
  CHECK(check(s) == Lines{"3:8: error: unknown user 'no-such-user-dc'", "4:9: error: unknown group 'no-such-group-dc'"});
  s.spec.user = "";
  CHECK(check(s) == Lines{"4:9: error: unknown group 'no-such-group-dc'"});
}

TEST_CASE("check: a user and group that exist", "[tools][check]") {
  REQUIRE(::geteuid() == 0);  // only root may switch to them
  Setup s;
  s.spec.user = "nobody";
  s.spec.group = "0";
  CHECK(check(s) == Lines{});
}

TEST_CASE("check: a missing stdin file, at the stdin key", "[tools][check]") {
  Setup s;
  s.spec.stdin_path = s / "input";
  CHECK(check(s) == Lines{"5:9: error: cannot open '" + (s / "input") + "': No such file or directory"});
  testing::write_text(s / "input", "");
  CHECK(check(s) == Lines{});
}

TEST_CASE("check: a stdout or stderr whose folder is missing, each at its key", "[tools][check]") {
  Setup s;
  s.spec.stdout_path = s / "nolog/out.log";
  CHECK(check(s) == Lines{"6:10: error: cannot open '" + (s / "nolog/out.log") + "': No such file or directory"});
  s.spec.stderr_path = s / "nolog/err.log";
  CHECK(check(s) == Lines{"6:10: error: cannot open '" + (s / "nolog/out.log") + "': No such file or directory",
                          "7:10: error: cannot open '" + (s / "nolog/err.log") + "': No such file or directory"});
  s.spec.stdout_path = s / "logs/out.log";
  CHECK(check(s) == Lines{"7:10: error: cannot open '" + (s / "nolog/err.log") + "': No such file or directory"});
}

TEST_CASE("check: stdout and stderr in one missing folder and one file are one finding", "[tools][check]") {
  Setup s;
  s.spec.stdout_path = s.spec.stderr_path = s / "nolog/out.log";
  CHECK(check(s) == Lines{"6:10: error: cannot open '" + (s / "nolog/out.log") + "': No such file or directory"});
}

TEST_CASE("check: a log folder that is a file, a log file that is a folder", "[tools][check]") {
  Setup s;
  s.spec.stdout_path = s / "bin/prog/out.log";
  CHECK(check(s) == Lines{"6:10: error: cannot open '" + (s / "bin/prog/out.log") + "': Not a directory"});
  s.spec.stdout_path = s / "logs";
  CHECK(check(s) == Lines{"6:10: error: cannot open '" + (s / "logs") + "': Is a directory"});
}

TEST_CASE("check: log and pidfile folders we may not write to, each at its key", "[tools][check]") {
  REQUIRE(::geteuid() == 0);  // to become another user and back
  Setup s;
  REQUIRE(::chmod(s.dir.c_str(), 0755) == 0);  // nobody may look in
  s.spec.stderr_path = s / "logs/err.log";
  ScopedEuid nobody(kNobody);
  REQUIRE(nobody.ok());
  const std::string denied = "': Permission denied";
  CHECK(check(s) == Lines{"6:10: error: cannot open '" + (s / "logs/out.log") + denied,
                          "7:10: error: cannot open '" + (s / "logs/err.log") + denied,
                          "8:11: error: pidfile folder '" + (s / "run") + denied});
  s.spec.pidfile = s / "run/new/svc.pid";  // to be made in a folder nobody cannot write to
  s.spec.stdout_path = s.spec.stderr_path = "/dev/null";
  CHECK(check(s) == Lines{"8:11: error: pidfile folder '" + (s / "run/new") + denied});
}

TEST_CASE("check: a missing pidfile folder is fine, start creates it", "[tools][check]") {
  Setup s;
  s.spec.pidfile = s / "run/new/deeper/svc.pid";
  CHECK(check(s) == Lines{});
}

TEST_CASE("check: a pidfile folder that cannot be created, at the pidfile key", "[tools][check]") {
  Setup s;
  s.spec.pidfile = s / "bin/prog/svc.pid";
  CHECK(check(s) == Lines{"8:11: error: pidfile folder '" + (s / "bin/prog") + "': Not a directory"});
  s.spec.pidfile = s / "bin/prog/deeper/svc.pid";
  CHECK(check(s) == Lines{"8:11: error: pidfile folder '" + (s / "bin/prog/deeper") + "': Not a directory"});
}

// ---- warnings -----------------------------------------------------------

TEST_CASE("check: a pidfile folder writable by others or its group, at the pidfile key", "[tools][check]") {
  Setup s;
  const std::string pidfile = "8:11: warning: pidfile '" + (s / "run/svc.pid") + "' is in '" + (s / "run") + "', which ";
  const std::string refuses = "): daemonctl refuses a link, a FIFO or a hard link there";
  REQUIRE(::chmod((s / "run").c_str(), 0777) == 0);
  CHECK(check(s) == Lines{pidfile + "others can change (mode 0777" + refuses});
  REQUIRE(::chmod((s / "run").c_str(), 0775) == 0);
  CHECK(check(s) == Lines{pidfile + "its group can change (mode 0775" + refuses});
}

TEST_CASE("check: a sticky pidfile folder is a warning too: another user may take the name first", "[tools][check]") {
  REQUIRE(::geteuid() == 0);  // to give the folder away
  Setup s;
  const std::string pidfile = "8:11: warning: pidfile '" + (s / "run/svc.pid") + "' is in '" + (s / "run") + "', which ";
  const std::string refuses = "): daemonctl refuses a link, a FIFO or a hard link there";
  REQUIRE(::chmod((s / "run").c_str(), 01777) == 0);
  CHECK(check(s) == Lines{pidfile + "others can change (mode 1777" + refuses});
  REQUIRE(::chmod((s / "run").c_str(), 0755) == 0);
  REQUIRE(::chown((s / "run").c_str(), kNobody, static_cast<gid_t>(-1)) == 0);
  CHECK(check(s) == Lines{pidfile + "uid 65534 can change (mode 0755" + refuses});
}

TEST_CASE("check: a state folder writable by others, sticky or not, is a warning on the whole file", "[tools][check]") {
  Setup s;
  const std::string warning = "0:0: warning: state folder '" + s.state + "' is writable by others (mode ";
  const std::string why = "): start refuses it, as another user could plant records naming any process";
  REQUIRE(::chmod(s.state.c_str(), 0777) == 0);
  CHECK(check(s) == Lines{warning + "0777" + why});
  REQUIRE(::chmod(s.state.c_str(), 01777) == 0);
  CHECK(check(s) == Lines{warning + "1777" + why});
  REQUIRE(::rmdir(s.state.c_str()) == 0);  // a missing one is created by start
  CHECK(check(s) == Lines{});
}

TEST_CASE("check: a default pidfile is linted once, as the state folder", "[tools][check]") {
  Setup s;
  s.spec.pidfile = "";
  s.spec.locations.erase("pidfile");
  CHECK(check(s) == Lines{});
  REQUIRE(::chmod(s.state.c_str(), 0770) == 0);
  CHECK(check(s) == Lines{"0:0: warning: state folder '" + s.state + "' is writable by its group (mode 0770)" +
                          ": start refuses it, as another user could plant records naming any process"});
}

TEST_CASE("check: a symlink anywhere on the pidfile path, at the pidfile key", "[tools][check]") {
  Setup s;
  REQUIRE(::symlink("run", (s / "link").c_str()) == 0);
  REQUIRE(::lchown((s / "link").c_str(), 65534, 65534) == 0);  // not root's: not trusted
  s.spec.pidfile = s / "link/svc.pid";
  CHECK(check(s) == Lines{"8:11: warning: '" + (s / "link") + "' on the pidfile path is a symbolic link"});
  s.spec.pidfile = s / "run/svc.pid";
  REQUIRE(::symlink("elsewhere", (s / "run/svc.pid").c_str()) == 0);  // dangling: still found
  REQUIRE(::lchown((s / "run/svc.pid").c_str(), 65534, 65534) == 0);
  CHECK(check(s) == Lines{"8:11: error: pidfile '" + (s / "run/svc.pid") + "' is a symbolic link: start refuses it"});
}

TEST_CASE("check: a symlink on a default pidfile's path, without a location", "[tools][check]") {
  Setup s;
  REQUIRE(::symlink("state", (s / "state-link").c_str()) == 0);
  REQUIRE(::lchown((s / "state-link").c_str(), 65534, 65534) == 0);
  s.spec.pidfile = "";
  s.spec.locations.erase("pidfile");
  CHECK(shown(check_service(s.spec, s / "state-link"), s.spec.file) ==
        Lines{"0:0: warning: '" + (s / "state-link") + "' on the pidfile path is a symbolic link"});
}

TEST_CASE("check: as root, a program writable by others or its group, or owned by another user", "[tools][check]") {
  REQUIRE(::geteuid() == 0);
  Setup s;
  const std::string prog = s / "bin/prog";
  REQUIRE(::chmod(prog.c_str(), 0757) == 0);
  CHECK(check(s) == Lines{"1:11: warning: program '" + prog +
                          "' is writable by others (mode 0757) and daemonctl runs as root"});
  REQUIRE(::chmod(prog.c_str(), 0775) == 0);
  CHECK(check(s) == Lines{"1:11: warning: program '" + prog +
                          "' is writable by its group (mode 0775) and daemonctl runs as root"});
  REQUIRE(::chmod(prog.c_str(), 0755) == 0);
  REQUIRE(::chown(prog.c_str(), kNobody, static_cast<gid_t>(-1)) == 0);
  CHECK(check(s) == Lines{"1:11: warning: program '" + prog +
                          "' is owned by uid 65534, not root, and daemonctl runs as root"});
}

TEST_CASE("check: as root, a program found on PATH is linted where it was found", "[tools][check]") {
  REQUIRE(::geteuid() == 0);
  Setup s;
  s.spec.environment["PATH"] = s / "bin";
  s.spec.command = {"prog"};
  REQUIRE(::chmod((s / "bin/prog").c_str(), 0777) == 0);
  CHECK(check(s) == Lines{"1:11: warning: program '" + (s / "bin/prog") +
                          "' is writable by others (mode 0777) and daemonctl runs as root"});
}

TEST_CASE("check: as root, a program's folder writable by others or owned by another user", "[tools][check]") {
  REQUIRE(::geteuid() == 0);
  Setup s;
  const std::string bin = s / "bin";
  const std::string subject = "1:11: warning: folder '" + bin + "' of program '" + (s / "bin/prog") + "'";
  REQUIRE(::chmod(bin.c_str(), 0777) == 0);
  CHECK(check(s) == Lines{subject + " is writable by others (mode 0777) and daemonctl runs as root"});
  REQUIRE(::chmod(bin.c_str(), 01777) == 0);  // sticky and root's: no one else can replace the program
  CHECK(check(s) == Lines{});
  REQUIRE(::chmod(bin.c_str(), 0755) == 0);
  REQUIRE(::chown(bin.c_str(), kNobody, static_cast<gid_t>(-1)) == 0);
  CHECK(check(s) == Lines{subject + " is owned by uid 65534, not root, and daemonctl runs as root"});
}

TEST_CASE("check: as root, a service file or its folder that others can change, on the whole file", "[tools][check]") {
  REQUIRE(::geteuid() == 0);
  Setup s;
  REQUIRE(::chmod(s.spec.file.c_str(), 0666) == 0);
  CHECK(check(s) == Lines{"0:0: warning: service file '" + s.spec.file +
                          "' is writable by others (mode 0666) and daemonctl runs as root"});
  REQUIRE(::chmod(s.spec.file.c_str(), 0644) == 0);
  REQUIRE(::chown(s.spec.file.c_str(), kNobody, static_cast<gid_t>(-1)) == 0);
  CHECK(check(s) == Lines{"0:0: warning: service file '" + s.spec.file +
                          "' is owned by uid 65534, not root, and daemonctl runs as root"});
  REQUIRE(::chown(s.spec.file.c_str(), 0, static_cast<gid_t>(-1)) == 0);
  REQUIRE(::chmod(s.dir.c_str(), 0770) == 0);
  CHECK(check(s) == Lines{"0:0: warning: folder '" + s.dir + "' of service file '" + s.spec.file +
                          "' is writable by its group (mode 0770) and daemonctl runs as root"});
}

TEST_CASE("check: the root-only lints are not made for another user", "[tools][check]") {
  REQUIRE(::geteuid() == 0);  // to become another user and back
  Setup s;
  REQUIRE(::chmod(s.dir.c_str(), 0755) == 0);  // nobody may look in
  REQUIRE(::chmod((s / "bin/prog").c_str(), 0777) == 0);
  REQUIRE(::chmod(s.spec.file.c_str(), 0666) == 0);
  s.spec.stdout_path = "/dev/null";  // the log folder is root's
  REQUIRE(::chmod((s / "run").c_str(), 01777) == 0);  // and so is the pidfile folder: sticky, then
  ScopedEuid nobody(kNobody);
  REQUIRE(nobody.ok());
  // Only the lint every user gets: others can plant a name in that folder.
  CHECK(check(s) == Lines{"8:11: warning: pidfile '" + (s / "run/svc.pid") + "' is in '" + (s / "run") +
                          "', which others can change (mode 1777): daemonctl refuses a link, a FIFO or a hard link there"});
}

TEST_CASE("check: findings are sorted by position, the whole file's first", "[tools][check]") {
  Setup s;
  s.spec.pidfile = s / "link/svc.pid";
  REQUIRE(::symlink("run", (s / "link").c_str()) == 0);
  REQUIRE(::lchown((s / "link").c_str(), 65534, 65534) == 0);  // not root's: not trusted
  s.spec.stdin_path = s / "input";
  s.spec.command = {s / "missing"};
  REQUIRE(::chmod(s.state.c_str(), 0777) == 0);
  Lines got = check(s);
  REQUIRE(got.size() == 4);
  CHECK(got[0].rfind("0:0: warning: state folder", 0) == 0);
  CHECK(got[1].rfind("1:11: error: cannot execute", 0) == 0);
  CHECK(got[2].rfind("5:9: error: cannot open", 0) == 0);
  CHECK(got[3].rfind("8:11: warning: '", 0) == 0);
}
