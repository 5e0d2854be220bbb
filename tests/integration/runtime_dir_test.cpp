// runtime_directory: a folder made for the daemon (/run/NAME as root,
// $XDG_RUNTIME_DIR/NAME otherwise), its user's, before the start, and
// removed with everything in it after the stop or a failed start.
#include <catch2/catch.hpp>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "harness.h"

using namespace harness;

namespace {

// A name of the sandbox's own under /run: tests running at once never share one.
std::string runtime_name(const Sandbox& box) { return "daemonctl-test-" + box.dir().substr(box.dir().rfind('/') + 1); }

// Removes `path` at the end of the test, whatever a failure left.
struct Removed {
  std::string path;
  ~Removed() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

// The daemon works in its runtime directory and fills it: a file, folders,
// and links out of it, which the removal must not follow.
std::string filler(const Sandbox& box) {
  return "command = ['/bin/sh', '-c', 'cd \"$RUNTIME_DIRECTORY\" && echo here > mark && mkdir -p a/b/c && "
         "touch a/b/c/f && ln -s " + box.path("keep") + " link && ln -s " + box.dir() + " dirlink && "
         "exec sleep 1000']\n" + box.mark_line();
}

struct stat stat_of_path(const std::string& path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st;
}

}  // namespace

TEST_CASE("runtime directory: made under /run before the start, the user's, with its mode, and gone after stop") {
  REQUIRE(::geteuid() == 0);
  Sandbox box;
  REQUIRE(::chmod(box.dir().c_str(), 0755) == 0);
  box.write("keep", "not the daemon's\n");
  const std::string name = runtime_name(box), dir = "/run/" + name;
  Removed cleanup{dir};
  const struct passwd* pw = ::getpwnam("nobody");
  REQUIRE(pw);
  std::string file = box.service("svc", filler(box) + "user = \"nobody\"\nruntime_directory = \"" + name +
                                            "\"\nruntime_directory_mode = \"0710\"\n");
  Run r = box.run({"start", file});
  INFO(r.err);
  REQUIRE(r.code == 0);
  pid_t pid = pid_in(r.out);
  REQUIRE(wait_until([&] { return cwd_of(pid) == dir && exists(dir + "/dirlink"); }));
  struct stat st = stat_of_path(dir);
  CHECK(S_ISDIR(st.st_mode));
  CHECK((st.st_mode & 07777) == 0710);
  CHECK(st.st_uid == pw->pw_uid);
  CHECK(st.st_gid == pw->pw_gid);
  CHECK(stat_of_path(dir + "/mark").st_uid == pw->pw_uid);  // the daemon wrote it there
  CHECK(environ_of(pid)["RUNTIME_DIRECTORY"] == dir);
  CHECK(slurp(box.state_dir() + "/svc.record").find("\nruntime_dir " + dir + "\n") != std::string::npos);

  Run dry = box.run({"stop", "--dry-run", file});
  CHECK(dry.out.find("svc: would remove runtime directory '" + dir + "' and everything in it\n") != std::string::npos);
  CHECK(exists(dir + "/mark"));
  Run stopped = box.run({"stop", file});
  INFO(stopped.err);
  CHECK(stopped.code == 0);
  CHECK(stopped.err.empty());
  CHECK_FALSE(exists(dir));
  CHECK(slurp(box.path("keep")) == "not the daemon's\n");  // links are removed, never followed
  CHECK(exists(box.path("svc.toml")));
}

TEST_CASE("runtime directory: an existing one is taken over, and a restart makes it anew") {
  REQUIRE(::geteuid() == 0);
  Sandbox box;
  const std::string name = runtime_name(box), dir = "/run/" + name;
  Removed cleanup{dir};
  REQUIRE(::mkdir(dir.c_str(), 0700) == 0);
  REQUIRE(::chown(dir.c_str(), 65534, 65534) == 0);
  std::string file = box.service("svc", "command = ['/bin/sleep', '1000']\n" + box.mark_line() +
                                            "runtime_directory = \"" + name + "\"\n");
  REQUIRE(box.run({"start", file}).code == 0);
  struct stat st = stat_of_path(dir);
  CHECK((st.st_mode & 07777) == 0755);  // the default
  CHECK(st.st_uid == 0);                // daemonctl's user: the service names none
  box.write("probe", "");
  REQUIRE(::symlink(box.path("probe").c_str(), (dir + "/old").c_str()) == 0);
  Run again = box.run({"restart", file});
  INFO(again.err);
  CHECK(again.code == 0);
  CHECK(exists(dir));
  CHECK_FALSE(exists(dir + "/old"));  // removed at the stop, made again for the start
  CHECK(exists(box.path("probe")));
  CHECK(box.run({"stop", file}).code == 0);
  CHECK_FALSE(exists(dir));
}

TEST_CASE("runtime directory: removed after a failed start and after the daemon died on its own") {
  REQUIRE(::geteuid() == 0);
  Sandbox box;
  const std::string name = runtime_name(box), dir = "/run/" + name;
  Removed cleanup{dir};
  std::string failing = box.service("svc", "command = ['/bin/sh', '-c', 'exit 3']\nruntime_directory = \"" + name +
                                               "\"\n[start]\ngrace = \"2s\"\n");
  Run r = box.run({"start", failing});
  CHECK(r.code == 1);
  CHECK_FALSE(exists(dir));
  CHECK_FALSE(exists(box.state_dir() + "/svc.record"));

  std::string dying = box.service("svc", "command = ['/bin/sh', '-c', 'sleep 0.2']\nruntime_directory = \"" + name +
                                             "\"\n");
  REQUIRE(box.run({"start", dying}).code == 0);
  CHECK(exists(dir));
  REQUIRE(wait_until([&] { return box.run({"status", dying}).code == 1; }));  // dead: its record remains
  Run stopped = box.run({"stop", dying});
  CHECK(stopped.code == 0);
  CHECK_FALSE(exists(dir));
}

TEST_CASE("runtime directory: under $XDG_RUNTIME_DIR when daemonctl is not root, and refused without it") {
  Sandbox box;
  REQUIRE(::chmod(box.dir().c_str(), 0755) == 0);
  box.write("xdg/.keep", "");
  box.write("user-state/.keep", "");
  for (const char* leaf : {"xdg", "user-state"}) {
    REQUIRE(::chown(box.path(leaf).c_str(), 65534, 65534) == 0);
    REQUIRE(::chmod(box.path(leaf).c_str(), 0700) == 0);
  }
  std::string file = box.service("svc", "command = ['/bin/sleep', '1000']\n" + box.mark_line() +
                                            "runtime_directory = \"app\"\n");
  REQUIRE(::chmod(file.c_str(), 0644) == 0);
  RunOptions nobody = with_env({"XDG_RUNTIME_DIR=" + box.path("xdg")});
  nobody.uid = 65534;
  const std::vector<std::string> state{"--state-dir", box.path("user-state")};
  auto args = [&](std::vector<std::string> more) {
    more.insert(more.begin(), state.begin(), state.end());
    return more;
  };
  Run r = daemonctl(args({"start", file}), nobody);
  INFO(r.err);
  REQUIRE(r.code == 0);
  box.track(pid_in(r.out));
  struct stat st = stat_of_path(box.path("xdg/app"));
  CHECK(st.st_uid == 65534);
  CHECK((st.st_mode & 07777) == 0755);
  CHECK(daemonctl(args({"stop", file}), nobody).code == 0);
  CHECK_FALSE(exists(box.path("xdg/app")));

  RunOptions bare;
  bare.uid = 65534;
  bare.env_extra = {"XDG_RUNTIME_DIR="};
  Run refused = daemonctl(args({"start", file}), bare);
  CHECK(refused.code == 6);
  CHECK(refused.err == "daemonctl: error: svc: runtime_directory 'app': XDG_RUNTIME_DIR must name an absolute "
                       "folder when daemonctl is not root\n");
  CHECK(pids_with_env(box.mark()).empty());
}

TEST_CASE("runtime directory: start --dry-run says it would make it, and makes nothing") {
  REQUIRE(::geteuid() == 0);
  Sandbox box;
  const std::string name = runtime_name(box), dir = "/run/" + name;
  Removed cleanup{dir};
  std::string file = box.service("svc", "command = ['/bin/sleep', '1000']\nuser = \"nobody\"\n"
                                        "runtime_directory = \"" + name + "\"\nruntime_directory_mode = 0o750\n");
  Run r = box.run({"start", "--dry-run", file});
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.out.find("svc: would create runtime directory '" + dir +
                   "' with mode 0750 owned by user nobody group nogroup, removed after the stop\n") != std::string::npos);
  CHECK_FALSE(exists(dir));
}
