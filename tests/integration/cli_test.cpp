// The command line, the service file at the edge, and the state dir.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

using namespace harness;

TEST_CASE("help on every level exits 0 and lists the commands") {
  Run top = daemonctl({"--help"});
  CHECK(top.code == 0);
  for (const char* cmd : {"start", "stop", "restart", "status", "--state-dir", "--quiet", "--verbose"}) {
    CHECK(top.out.find(cmd) != std::string::npos);
  }
  for (const char* cmd : {"start", "stop", "restart", "status"}) {
    Run sub = daemonctl({cmd, "--help"});
    CHECK(sub.code == 0);
    CHECK(sub.out.find("SERVICE") != std::string::npos);
  }
}

TEST_CASE("the version flag prints the version and exits 0") {
  Run r = daemonctl({"--version"});
  CHECK(r.code == 0);
  CHECK(r.out.rfind("daemonctl ", 0) == 0);
}

TEST_CASE("bad usage exits 2") {
  CHECK(daemonctl({}).code == 2);
  CHECK(daemonctl({"start"}).code == 2);
  CHECK(daemonctl({"frobnicate", "x.toml"}).code == 2);
  CHECK(daemonctl({"--no-such-flag", "status", "x.toml"}).code == 2);
  CHECK(daemonctl({"signal", "x.toml"}).code == 2);
  CHECK(daemonctl({"logs", "a.toml", "b.toml"}).code == 2);
}

TEST_CASE("an invalid service file exits 6 with file:line:col and starts nothing") {
  Sandbox box;
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\ncomand = \"x\"\n");
  Run r = box.run({"start", file});
  CHECK(r.code == 6);
  CHECK(r.out.empty());
  CHECK(r.err.find("daemonctl: error: " + file + ":2:") == 0);
  CHECK(r.err.find("unknown key 'comand', did you mean 'command'?") != std::string::npos);
  CHECK_FALSE(exists(box.state_dir() + "/svc.pid"));
}

TEST_CASE("a missing service file exits 6 naming it") {
  Sandbox box;
  Run r = box.run({"start", box.path("absent.toml")});
  CHECK(r.code == 6);
  CHECK(r.err.find("'" + box.path("absent.toml") + "'") != std::string::npos);
  CHECK(r.err.find("No such file or directory") != std::string::npos);
}

TEST_CASE("quiet prints nothing on success and the exit code tells") {
  Sandbox box;
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\n");
  Run start = box.run({"-q", "start", file});
  CHECK(start.code == 0);
  CHECK(start.out.empty());
  CHECK(start.err.empty());
  box.track(box.pidfile_pid("svc"));
  CHECK(box.run({"-q", "status", file}).code == 0);
  Run stop = box.run({"-q", "stop", file});
  CHECK(stop.code == 0);
  CHECK(stop.out.empty());
  CHECK(box.run({"-q", "status", file}).code == 3);
}

TEST_CASE("the state dir comes from --state-dir, else $DAEMONCTL_STATE_DIR") {
  Sandbox box;
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\n");
  Run r = daemonctl({"start", file}, with_env({"DAEMONCTL_STATE_DIR=" + box.path("from-env")}));
  REQUIRE(r.code == 0);
  box.track(pid_in(r.out));
  CHECK(slurp(box.path("from-env/svc.pid")) == std::to_string(pid_in(r.out)) + "\n");
  Run flag = daemonctl({"--state-dir", box.path("from-env"), "stop", file},
                       with_env({"DAEMONCTL_STATE_DIR=" + box.path("elsewhere")}));
  CHECK(flag.code == 0);
  CHECK(flag.out == "svc: stopped (pid " + std::to_string(pid_in(r.out)) + ")\n");
}

TEST_CASE("a state dir that is a symlink, not a directory, or someone else's is refused") {
  Sandbox box;
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\n");
  box.write("real/.keep", "");
  REQUIRE(::symlink(box.path("real").c_str(), box.path("link").c_str()) == 0);
  Run link = daemonctl({"--state-dir", box.path("link"), "start", file});
  CHECK(link.code == 1);
  CHECK(link.err == "daemonctl: error: state directory '" + box.path("link") +
                        "' is a symbolic link; refusing to use it\n");
  box.write("plain", "");
  Run plain = daemonctl({"--state-dir", box.path("plain"), "start", file});
  CHECK(plain.code == 1);
  CHECK(plain.err == "daemonctl: error: state directory '" + box.path("plain") + "' is not a directory\n");
  box.write("theirs/.keep", "");
  REQUIRE(::chown(box.path("theirs").c_str(), 65534, 65534) == 0);
  Run theirs = daemonctl({"--state-dir", box.path("theirs"), "start", file});
  CHECK(theirs.code == 1);
  CHECK(theirs.err.find("is owned by uid 65534, not by uid 0; refusing to use it") != std::string::npos);
  CHECK_FALSE(exists(box.path("real/svc.pid")));
}

TEST_CASE("a missing state dir is created, mode 0700 for a non-root user") {
  Sandbox box;
  REQUIRE(::chmod(box.dir().c_str(), 0777) == 0);
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\n");
  REQUIRE(::chmod(file.c_str(), 0644) == 0);
  RunOptions nobody;
  nobody.uid = 65534;
  Run r = daemonctl({"--state-dir", box.path("user-state/daemonctl"), "start", file}, nobody);
  INFO(r.err);
  REQUIRE(r.code == 0);
  box.track(pid_in(r.out));
  struct stat st;
  REQUIRE(::stat(box.path("user-state/daemonctl").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0700);
  CHECK(st.st_uid == 65534);
  CHECK(status_field(pid_in(r.out), "Uid").rfind("65534", 0) == 0);
  CHECK(daemonctl({"--state-dir", box.path("user-state/daemonctl"), "stop", file}, nobody).code == 0);
}
