// scripts/init.d-template: an LSB init script run by sh (dash), as init runs
// it, against a sandbox's config folder and state dir.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "harness.h"

using namespace harness;

namespace {

// The template, from the checkout (EXAMPLES_DIR is <top>/config/examples).
const std::string kTemplate = std::string(EXAMPLES_DIR) + "/../../scripts/init.d-template";

// Copies the template to `path`, with `NAME=` set to `name`, and with the
// LSB functions at `lsb` instead of /lib/lsb/init-functions.
std::string install(const Sandbox& box, const std::string& leaf, const std::string& name, const std::string& lsb) {
  std::string text = slurp(kTemplate);
  REQUIRE(text.find("\nNAME=\n") != std::string::npos);
  text.replace(text.find("\nNAME=\n"), 7, "\nNAME=" + name + "\n");
  for (auto at = text.find("/lib/lsb/init-functions"); at != std::string::npos;
       at = text.find("/lib/lsb/init-functions", at + lsb.size())) {
    text.replace(at, 23, lsb);
  }
  return box.write(leaf, text);
}

struct Shell {
  int code = -1;
  std::string output;  ///< stdout and stderr
};

// sh SCRIPT ACTION, daemonctl and its folders given by the environment.
Shell run(const Sandbox& box, const std::string& script, const std::string& action) {
  std::string command = "DAEMONCTL='" + std::string(DAEMONCTL_BIN) + "' DAEMONCTL_CONFIG_DIR='" + box.dir() +
                        "' DAEMONCTL_STATE_DIR='" + box.state_dir() + "' sh '" + script + "' " + action + " 2>&1";
  Shell s;
  FILE* p = ::popen(command.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) s.output.append(buf, n);
  int status = ::pclose(p);
  s.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return s;
}

}  // namespace

TEST_CASE("the init script starts, reports, reloads and stops its service with LSB exit codes") {
  // With the distribution's LSB functions (log_daemon_msg), and without.
  for (std::string lsb : {"/lib/lsb/init-functions", "/nonexistent/init-functions"}) {
    INFO(lsb);
    Sandbox box;
    // The daemon writes "hup" to a file on SIGHUP (its reload_signal).
    box.service("initd-web",
                "command = [\"/bin/sh\", \"-c\", \"trap 'echo hup >> reloaded' HUP; while :; do sleep 0.05; done\"]\n"
                "directory = \".\"\n" +
                    box.mark_line());
    std::string script = install(box, "init.d/web", "initd-web", lsb);
    auto step = [&](const std::string& action, int code) {
      Shell s = run(box, script, action);
      INFO(action << ": " << s.output);
      CHECK(s.code == code);
      return s;
    };
    step("status", 3);
    step("stop", 0);            // stopping a stopped service is success
    step("reload", 7);          // not running
    step("force-reload", 0);    // not running: nothing to reload, left stopped
    CHECK(box.pidfile_pid("initd-web") == 0);
    step("start", 0);
    pid_t pid = box.pidfile_pid("initd-web");
    REQUIRE(pid > 0);
    CHECK(alive(pid));
    CHECK(environ_of(pid).count("DAEMONCTL_TEST_MARK") == 1);  // the service's own process
    step("start", 0);  // already running
    CHECK(box.pidfile_pid("initd-web") == pid);
    Shell status = step("status", 0);
    CHECK(status.output.find("initd-web: running (pid " + std::to_string(pid)) != std::string::npos);
    step("force-reload", 0);
    CHECK(wait_until([&] { return slurp(box.path("reloaded")) == "hup\n"; }));
    CHECK(alive(pid));  // reloaded, not restarted
    step("restart", 0);
    pid_t again = box.pidfile_pid("initd-web");
    CHECK(again != pid);
    CHECK_FALSE(alive(pid));
    CHECK(alive(again));
    step("stop", 0);
    CHECK_FALSE(alive(again));
    CHECK_FALSE(exists(box.state_dir() + "/initd-web.pid"));
    step("status", 3);
    step("stop", 0);
  }
}

TEST_CASE("the init script exits 2 on an unknown action or none, and 5 without daemonctl") {
  Sandbox box;
  box.service("initd-web", "command = [\"/bin/sleep\", \"1000\"]\n" + box.mark_line());
  std::string script = install(box, "init.d/web", "initd-web", "/nonexistent/init-functions");
  for (std::string action : {"bogus", "", "start extra"}) {
    Shell s = run(box, script, action);
    INFO("'" << action << "': " << s.output);
    CHECK(s.code == 2);
    CHECK(s.output.find("Usage: ") != std::string::npos);
  }
  CHECK(box.pidfile_pid("initd-web") == 0);
  std::string missing = "DAEMONCTL=/nonexistent/daemonctl sh '" + script + "' ";
  CHECK(WEXITSTATUS(std::system((missing + "start 2>/dev/null").c_str())) == 5);
  CHECK(WEXITSTATUS(std::system((missing + "status 2>/dev/null").c_str())) == 4);
}

TEST_CASE("the init script takes its service name from its file name, without an rc link's S20") {
  Sandbox box;
  box.service("initd-web", "command = [\"/bin/sleep\", \"1000\"]\n" + box.mark_line());
  std::string plain = install(box, "init.d/initd-web", "", "/nonexistent/init-functions");
  std::string link = box.path("rc2.d/S20initd-web");
  std::filesystem::create_directories(box.path("rc2.d"));
  std::filesystem::create_symlink(plain, link);
  CHECK(run(box, plain, "status").code == 3);  // 4 if the name were unknown
  CHECK(run(box, link, "start").code == 0);
  pid_t pid = box.pidfile_pid("initd-web");
  CHECK(alive(pid));
  CHECK(run(box, link, "status").code == 0);
  CHECK(run(box, plain, "stop").code == 0);
  CHECK_FALSE(alive(pid));
}
