// user and group: the daemon's credentials, checked from /proc/PID/status.
#include <catch2/catch.hpp>

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sstream>

#include "harness.h"

using namespace harness;

namespace {

// "Uid:\t65534\t65534\t65534\t65534" -> every field equal to `id`.
bool all_ids(const std::string& field, unsigned id) {
  std::istringstream in(field);
  int n = 0;
  for (unsigned v; in >> v; ++n) {
    if (v != id) return false;
  }
  return n == 4;
}

std::string sleeper(const Sandbox& box) { return "command = [\"/bin/sleep\", \"1000\"]\n" + box.mark_line(); }

}  // namespace

TEST_CASE("user runs the daemon with that user's uid, gid, groups and HOME/USER/LOGNAME") {
  Sandbox box;
  REQUIRE(::chmod(box.dir().c_str(), 0755) == 0);
  const struct passwd* pw = ::getpwnam("nobody");
  REQUIRE(pw);
  std::string file = box.service("svc", sleeper(box) + "user = \"nobody\"\nstdout = \"out.log\"\n");
  Run r = box.run({"start", file});
  INFO(r.err);
  REQUIRE(r.code == 0);
  pid_t pid = pid_in(r.out);
  CHECK(all_ids(status_field(pid, "Uid"), pw->pw_uid));
  CHECK(all_ids(status_field(pid, "Gid"), pw->pw_gid));
  CHECK(status_field(pid, "Groups") == std::to_string(pw->pw_gid) + " ");  // the kernel ends the list with a blank
  auto env = environ_of(pid);
  CHECK(env["USER"] == "nobody");
  CHECK(env["LOGNAME"] == "nobody");
  CHECK(env["HOME"] == pw->pw_dir);
  struct stat st;
  REQUIRE(::stat(box.path("out.log").c_str(), &st) == 0);
  CHECK(st.st_uid == pw->pw_uid);  // created for the daemon
  REQUIRE(::stat((box.state_dir() + "/svc.pid").c_str(), &st) == 0);
  CHECK(st.st_uid == 0);  // the pidfile stays root's
  CHECK(box.run({"stop", file}).code == 0);
}

TEST_CASE("group and numeric ids set the daemon's gid, and environment overrides HOME") {
  Sandbox box;
  REQUIRE(::chmod(box.dir().c_str(), 0755) == 0);
  const struct group* gr = ::getgrnam("daemon");
  REQUIRE(gr);
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\nuser = 65534\ngroup = \"daemon\"\n"
                                        "environment = { HOME = \"/srv\" }\n");
  Run r = box.run({"start", file});
  INFO(r.err);
  REQUIRE(r.code == 0);
  pid_t pid = pid_in(r.out);
  CHECK(all_ids(status_field(pid, "Uid"), 65534));
  CHECK(all_ids(status_field(pid, "Gid"), gr->gr_gid));
  CHECK(environ_of(pid)["HOME"] == "/srv");
}

TEST_CASE("an unknown user or group exits 6 naming it at FILE:LINE:COL and starts nothing") {
  Sandbox box;
  std::string u = box.service("u", sleeper(box) + "user = \"no-such-user-x\"\n");
  Run user = box.run({"start", u});
  CHECK(user.code == 6);
  CHECK(user.err == "daemonctl: error: " + u + ":3:8: unknown user 'no-such-user-x'\n");
  std::string g = box.service("g", sleeper(box) + "group = \"no-such-group-x\"\n");
  Run group = box.run({"start", g});
  CHECK(group.code == 6);
  CHECK(group.err == "daemonctl: error: " + g + ":3:9: unknown group 'no-such-group-x'\n");
  CHECK(pids_with_env(box.mark()).empty());
  CHECK_FALSE(exists(box.state_dir() + "/u.pid"));
}

TEST_CASE("asking for another user when not root exits 4 with a clear message") {
  Sandbox box;
  REQUIRE(::chmod(box.dir().c_str(), 0777) == 0);
  std::string file = box.service("svc", sleeper(box) + "user = \"root\"\n");
  REQUIRE(::chmod(file.c_str(), 0644) == 0);
  RunOptions nobody;
  nobody.uid = 65534;
  Run r = daemonctl({"--state-dir", box.path("nobody-state"), "start", file}, nobody);
  CHECK(r.code == 4);
  CHECK(r.err == "daemonctl: error: svc: cannot run as user 'root': only root can, and daemonctl runs as uid 65534\n");
  CHECK(pids_with_env(box.mark()).empty());
}

TEST_CASE("restart that cannot start does not stop the running daemon") {
  Sandbox box;
  std::string file = box.service("svc", sleeper(box));
  Run start = box.run({"start", file});
  REQUIRE(start.code == 0);
  pid_t pid = pid_in(start.out);
  box.write("svc.toml", "command = [\"/nonexistent/program\"]\n" + box.mark_line());
  Run r = box.run({"restart", file});
  CHECK(r.code == 5);
  CHECK(r.err == "daemonctl: error: svc: cannot execute '/nonexistent/program': No such file or directory\n");
  CHECK(alive(pid));
  CHECK(box.pidfile_pid("svc") == pid);
}

TEST_CASE("a working directory the service's user cannot enter is refused before anything is forked, exit 4") {
  Sandbox box;  // 0700, root's: nobody may not enter it, nor anything below
  box.write("work/.keep", "");
  std::string file = box.service("svc", sleeper(box) + "user = \"nobody\"\ndirectory = \"" + box.path("work") + "\"\n");
  Run r = box.run({"start", file});
  CHECK(r.code == 4);
  CHECK(r.err == "daemonctl: error: svc: working directory '" + box.path("work") + "': uid 65534 may not enter '" +
                     box.dir() + "'\n");
  CHECK(pids_with_env(box.mark()).empty());
  CHECK_FALSE(exists(box.state_dir() + "/svc.record"));
}
