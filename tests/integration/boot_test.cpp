// The boot files (src/boot/): the LSB init script, run by dash with an
// empty environment as init runs it, starts the enabled services of a config
// folder in dependency order and stops them; the systemd unit passes
// systemd-analyze verify. Both as `cmake --install` configures them, for
// the binary of this build.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "harness.h"

using namespace harness;

namespace {

const std::string kBoot = std::string(EXAMPLES_DIR) + "/../../src/boot/";
const std::string kBin = std::string(DAEMONCTL_BIN);
const std::string kBinDir = kBin.substr(0, kBin.rfind('/'));
const std::string kPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Every `from` in `text` replaced with `to`.
std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

/// The init script as installed for `bindir`, reading `defaults` instead
/// of /etc/default/daemonctl and the LSB functions at `lsb`.
std::string install_script(const Sandbox& box, const std::string& bindir, const std::string& defaults,
                           const std::string& lsb) {
  std::string text = slurp(kBoot + "daemonctl.init.in");
  REQUIRE(text.find("@BINDIR@") != std::string::npos);
  text = replace_all(text, "@BINDIR@", bindir);
  text = replace_all(text, "/etc/default/daemonctl", defaults);
  text = replace_all(text, "/lib/lsb/init-functions", lsb);
  return box.write("init.d/daemonctl", text);
}

struct Shell {
  int code = -1;
  std::string output;  ///< stdout and stderr
};

/// `env -i dash SCRIPT ACTION` from /, as init runs it: no environment.
Shell run(const std::string& script, const std::string& action) {
  std::string command = "cd / && env -i /bin/dash '" + script + "' " + action + " 2>&1";
  Shell s;
  FILE* p = ::popen(command.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) s.output.append(buf, n);
  int status = ::pclose(p);
  s.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return s;
}

/// zulu; alpha after zulu (it runs only if zulu's pidfile is there when it
/// starts); off, disabled. The defaults file names the folders as
/// /etc/default/daemonctl would: VAR=value lines, not exported.
std::string three_services(Sandbox& box) {
  std::string mark = box.mark_line();
  box.service("zulu", "command = [\"sleep\", \"1000\"]\n" + mark + "[start]\ngrace = \"0.3s\"\n");
  box.service("alpha", "command = [\"/bin/sh\", \"-c\", \"test -e '" + box.state_dir() +
                           "/zulu.pid' && exec sleep 1000\"]\nafter = [\"zulu\"]\n" + mark + "[start]\ngrace = \"0.5s\"\n");
  box.service("off", "command = [\"sleep\", \"1000\"]\n" + mark);
  REQUIRE(box.run({"--config-dir", box.dir(), "disable", "off"}).code == 0);
  return box.write("default/daemonctl",
                   "DAEMONCTL_CONFIG_DIR=" + box.dir() + "\nDAEMONCTL_STATE_DIR=" + box.state_dir() + "\n");
}

}  // namespace

TEST_CASE("boot: the init script starts the enabled services in order, reports them, and stops every one") {
  // With the distribution's LSB functions (log_daemon_msg), and without.
  for (std::string lsb : {"/lib/lsb/init-functions", "/nonexistent/init-functions"}) {
    INFO(lsb);
    Sandbox box;
    std::string script = install_script(box, kBinDir, three_services(box), lsb);
    auto step = [&](const std::string& action, int code) {
      Shell s = run(script, action);
      INFO(action << ": " << s.output);
      CHECK(s.code == code);
      return s;
    };
    step("status", 3);
    step("start", 0);
    pid_t zulu = box.pidfile_pid("zulu"), alpha = box.pidfile_pid("alpha");
    REQUIRE(alive(zulu));
    REQUIRE(alive(alpha));  // zulu's pidfile was there: zulu started first
    CHECK(box.pidfile_pid("off") == 0);
    CHECK(pids_with_env(box.mark()).size() == 2);
    // Daemons in their own fixed environment, not the script's: the
    // service PATH, and the defaults file's variables reach daemonctl alone.
    for (pid_t pid : {zulu, alpha}) {
      auto env = environ_of(pid);
      CHECK(env["PATH"] == kPath);
      CHECK(env.count("DAEMONCTL_CONFIG_DIR") == 0);
      CHECK(env.count("DAEMONCTL_TEST_MARK") == 1);
    }
    Shell status = step("status", 0);
    CHECK(status.output.find("alpha: running (pid " + std::to_string(alpha) + ", ") != std::string::npos);
    CHECK(status.output.find("off") == std::string::npos);
    step("start", 0);  // already running
    CHECK(box.pidfile_pid("zulu") == zulu);
    // A disabled service started by hand is stopped too.
    REQUIRE(box.run({"--config-dir", box.dir(), "start", "off"}).code == 0);
    pid_t off = box.pidfile_pid("off");
    REQUIRE(alive(off));
    step("restart", 0);
    CHECK_FALSE(alive(zulu));
    CHECK_FALSE(alive(alpha));
    CHECK_FALSE(alive(off));
    CHECK(alive(box.pidfile_pid("zulu")));
    CHECK(alive(box.pidfile_pid("alpha")));
    CHECK(box.pidfile_pid("off") == 0);
    step("stop", 0);
    CHECK(wait_until([&] { return pids_with_env(box.mark()).empty(); }));
    step("status", 3);
    step("stop", 0);
  }
}

TEST_CASE("boot: the init script exits 2 on an unknown action, 0 once the package is removed, 5 for a wrong DAEMONCTL") {
  Sandbox box;
  std::string defaults = three_services(box);
  std::string script = install_script(box, kBinDir, defaults, "/nonexistent/init-functions");
  for (std::string action : {"bogus", "reload", "", "start extra"}) {
    Shell s = run(script, action);
    INFO("'" << action << "': " << s.output);
    CHECK(s.code == 2);
    CHECK(s.output.find("Usage: ") != std::string::npos);
  }
  // Removed, not purged: the script (a conffile) stays, its binary is gone.
  std::string removed = install_script(box, "/nonexistent/bin", defaults, "/nonexistent/init-functions");
  CHECK(run(removed, "start").code == 0);
  CHECK(run(removed, "stop").code == 0);
  CHECK(run(removed, "status").code == 4);
  box.write("default/daemonctl", slurp(defaults) + "DAEMONCTL=/nonexistent/daemonctl\n");
  Shell wrong = run(script, "start");
  CHECK(wrong.code == 5);
  CHECK(wrong.output.find("DAEMONCTL=/nonexistent/daemonctl is not installed") != std::string::npos);
  CHECK(pids_with_env(box.mark()).empty());
}

TEST_CASE("boot: the systemd unit is a oneshot of start --all and stop --all that systemd-analyze verify accepts") {
  Sandbox box;
  std::string unit = replace_all(slurp(kBoot + "daemonctl.service.in"), "@BINDIR@", kBinDir);
  const std::vector<std::string> lines = {"Type=oneshot", "RemainAfterExit=yes", "ExecStart=" + kBin + " start --all",
                                          "ExecStop=" + kBin + " stop --all", "EnvironmentFile=-/etc/default/daemonctl",
                                          "WantedBy=multi-user.target"};
  for (const std::string& line : lines) {
    CHECK(unit.find("\n" + line + "\n") != std::string::npos);
  }
  CHECK(unit.find("\nAfter=network-online.target ") != std::string::npos);
  auto verify = [&](const std::string& text) {
    std::string file = box.write("units/daemonctl.service", text);
    std::string out;
    FILE* p = ::popen(("/usr/bin/systemd-analyze verify --man=no '" + file + "' 2>&1; echo rc=$?").c_str(), "r");
    REQUIRE(p != nullptr);
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    ::pclose(p);
    return out;
  };
  CHECK(verify(unit) == "rc=0\n");
  // Its silence means something: a unit whose program is missing fails.
  CHECK(verify(replace_all(unit, kBinDir + "/daemonctl stop", "/nonexistent/daemonctl stop")) != "rc=0\n");
}
