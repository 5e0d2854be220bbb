// The daemon's environment does not depend on who ran start: a fixed base
// (PATH, LANG, the user's HOME, USER, LOGNAME, SHELL), the variables the
// file passes on by name, and its `environment`; the program is found in
// that PATH. start, check, --dry-run and export systemd agree.
#include <catch2/catch.hpp>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "harness.h"

using namespace harness;

namespace {

const std::string kServicePath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// LANG as the system's locale setting gives it, read here on our own.
std::string system_lang() {
  for (const char* file : {"/etc/locale.conf", "/etc/default/locale"}) {
    std::istringstream in(slurp(file));
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("LANG=", 0) != 0 || line.size() == 5) continue;
      std::string value = line.substr(5);
      if (value.size() >= 2 && (value[0] == '"' || value[0] == '\'') && value.back() == value[0]) {
        value = value.substr(1, value.size() - 2);
      }
      if (!value.empty()) return value;
    }
  }
  return "C.UTF-8";
}

// The caller's environment of these tests: odd on purpose. Its PATH starts
// with a folder holding a `sleep` of its own (a shim, as pyenv puts first).
struct OddCaller {
  explicit OddCaller(const Sandbox& box) {
    // Not exec: a daemon that ran the shim stays a shell.
    shim = box.write("shim/sleep", "#!/bin/sh\n/bin/sleep \"$@\"\n");
    box.write("shim/only-in-the-shim-folder", "#!/bin/sh\n/bin/sleep \"$@\"\n");
    ::chmod(shim.c_str(), 0755);
    ::chmod(box.path("shim/only-in-the-shim-folder").c_str(), 0755);
    opt.env_extra = {"PATH=" + box.path("shim") + ":/usr/bin:/bin", "HOME=/tmp/not-a-home", "USER=somebody",
                     "SHELL=/bin/false", "LANG=xx_XX.ISO-8859-1", "EXTRA_ONE=1", "TERM=odd-term",
                     "PYENV_VERSION=3.7"};
  }
  std::string shim;
  RunOptions opt;
};

pid_t started(const Run& r) {
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.code == 0);
  pid_t pid = pid_in(r.out);
  REQUIRE(pid > 0);
  return pid;
}

std::string exe_of(pid_t pid) {
  std::error_code ec;
  return std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec).string();
}

using Env = std::map<std::string, std::string>;

}  // namespace

TEST_CASE("environment: a fixed one whatever the caller's, and the program found in its PATH, not the caller's") {
  Sandbox box;
  OddCaller caller(box);
  std::string file = box.service("svc", "command = [\"sleep\", \"1000\"]\n" + box.mark_line());
  pid_t pid = started(box.run({"start", file}, caller.opt));
  const struct passwd* root = ::getpwuid(::geteuid());
  REQUIRE(root);
  CHECK(environ_of(pid) == Env{{"PATH", kServicePath},
                               {"LANG", system_lang()},
                               {"HOME", root->pw_dir},
                               {"USER", root->pw_name},
                               {"LOGNAME", root->pw_name},
                               {"SHELL", root->pw_shell},
                               {"DAEMONCTL_TEST_MARK", box.dir()}});
  // /bin/sleep or /usr/bin/sleep (the same file with a merged /usr); the
  // shim would be a shell running it.
  CHECK(exe_of(pid) == std::filesystem::canonical("/usr/bin/sleep").string());
  CHECK(box.run({"stop", file}).code == 0);
}

TEST_CASE("environment: start and check look the program up in the service's PATH only") {
  Sandbox box;
  OddCaller caller(box);
  std::string file = box.service("svc", "command = \"only-in-the-shim-folder 1000\"\n" + box.mark_line());
  Run start = box.run({"start", file}, caller.opt);
  CHECK(start.code == 5);
  CHECK(start.err == "daemonctl: error: svc: cannot find 'only-in-the-shim-folder' in PATH (" + kServicePath + ")\n");
  Run check = box.run({"check", file}, caller.opt);
  CHECK(check.code == 6);
  CHECK(check.out == file + ":1:11: error: cannot find 'only-in-the-shim-folder' in PATH (" + kServicePath + ")\n");
  CHECK(pids_with_env(box.mark()).empty());
}

TEST_CASE("environment: pass_environment passes the named variables the caller has, environment still wins") {
  Sandbox box;
  OddCaller caller(box);
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\n"
                                        "pass_environment = [\"TERM\", \"EXTRA_ONE\", \"NOT_SET_BY_THE_CALLER\", \"LANG\"]\n"
                                        "environment = { EXTRA_ONE = \"from the file\", DAEMONCTL_TEST_MARK = \"" +
                                            box.dir() + "\" }\n");
  pid_t pid = started(box.run({"start", file}, caller.opt));
  Env env = environ_of(pid);
  CHECK(env["TERM"] == "odd-term");
  CHECK(env["LANG"] == "xx_XX.ISO-8859-1");
  CHECK(env["EXTRA_ONE"] == "from the file");
  CHECK(env.count("NOT_SET_BY_THE_CALLER") == 0);
  CHECK(env.count("PYENV_VERSION") == 0);
  CHECK(env["PATH"] == kServicePath);
  CHECK(box.run({"stop", file}).code == 0);
}

TEST_CASE("environment: inherit_environment = true keeps the caller's as the base, as before") {
  Sandbox box;
  OddCaller caller(box);
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\ninherit_environment = true\n"
                                        "environment = { PORT = \"8080\", DAEMONCTL_TEST_MARK = \"" + box.dir() + "\" }\n");
  caller.opt.env_extra.push_back("NOTIFY_SOCKET=/run/systemd/notify");
  pid_t pid = started(box.run({"start", file}, caller.opt));
  Env env = environ_of(pid);
  CHECK(env["PATH"] == box.path("shim") + ":/usr/bin:/bin");
  CHECK(env["HOME"] == "/tmp/not-a-home");
  CHECK(env["PYENV_VERSION"] == "3.7");
  CHECK(env["PORT"] == "8080");
  CHECK(env.count("NOTIFY_SOCKET") == 0);  // never a supervisor's
  CHECK(box.run({"stop", file}).code == 0);
}

TEST_CASE("environment: a user = nobody service gets nobody's HOME, USER, LOGNAME and SHELL") {
  Sandbox box;
  REQUIRE(::chmod(box.dir().c_str(), 0755) == 0);
  OddCaller caller(box);
  const struct passwd* pw = ::getpwnam("nobody");
  REQUIRE(pw);
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\nuser = \"nobody\"\n" + box.mark_line());
  pid_t pid = started(box.run({"start", file}, caller.opt));
  CHECK(environ_of(pid) == Env{{"PATH", kServicePath},
                               {"LANG", system_lang()},
                               {"HOME", pw->pw_dir},
                               {"USER", "nobody"},
                               {"LOGNAME", "nobody"},
                               {"SHELL", pw->pw_shell},
                               {"DAEMONCTL_TEST_MARK", box.dir()}});
  CHECK(box.run({"stop", file}).code == 0);
}

TEST_CASE("environment: start --dry-run shows the whole fixed environment, nothing of the caller's") {
  Sandbox box;
  OddCaller caller(box);
  std::string file = box.service("svc", "command = [\"sleep\", \"1000\"]\npass_environment = [\"TERM\"]\n" +
                                            box.mark_line());
  Run r = box.run({"start", "--dry-run", file}, caller.opt);
  INFO(r.out << r.err);
  CHECK(r.code == 0);
  const struct passwd* root = ::getpwuid(::geteuid());
  std::string lines = "svc: would start from an empty environment, not daemonctl's\n"
                      "svc: would set environment: +PATH=" + kServicePath + "\n"
                      "svc: would set environment: +LANG=" + system_lang() + "\n"
                      "svc: would set environment: +HOME=" + root->pw_dir + "\n"
                      "svc: would set environment: +USER=" + root->pw_name + "\n"
                      "svc: would set environment: +LOGNAME=" + root->pw_name + "\n"
                      "svc: would set environment: +SHELL=" + root->pw_shell + "\n"
                      "svc: would set environment: +TERM=odd-term\n"
                      "svc: would set environment: +" + box.mark() + "\n";
  CHECK(r.out.find("svc: would start: exec /usr/bin/sleep with argv [\"sleep\", \"1000\"]\n" + lines) !=
        std::string::npos);
  CHECK(pids_with_env(box.mark()).empty());
}

TEST_CASE("environment: export systemd writes the fixed PATH, PassEnvironment and Environment lines") {
  Sandbox box;
  OddCaller caller(box);
  std::string file = box.service("svc", "command = [\"sleep\", \"1000\"]\npass_environment = [\"TERM\", \"LC_ALL\"]\n"
                                        "environment = { GREETING = \"hello world\" }\n");
  Run r = box.run({"export", "systemd", file}, caller.opt);
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.out.find("\nExecStart=@/usr/bin/sleep sleep 1000\n") != std::string::npos);
  CHECK(r.out.find("\nEnvironment=\"PATH=" + kServicePath + "\"\n"
                   "# no user: daemonctl sets HOME, USER, LOGNAME and SHELL of its own user, systemd only with User=\n"
                   "PassEnvironment=TERM LC_ALL\n"
                   "Environment=\"GREETING=hello world\"\n") != std::string::npos);
  CHECK(r.out.find(box.path("shim")) == std::string::npos);
  CHECK(r.out.find("odd-term") == std::string::npos);
}

TEST_CASE("environment: clear_environment = false is refused where it is written, naming what replaces it") {
  Sandbox box;
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\nclear_environment = false\n");
  Run r = box.run({"start", file});
  CHECK(r.code == 6);
  CHECK(r.err == "daemonctl: error: " + file +
                     ":2:21: 'clear_environment = false' is gone: the environment is a fixed one by default; for the "
                     "one daemonctl runs in, write 'inherit_environment = true', or name variables in "
                     "'pass_environment'\n");
  // true, the old name of the default, still starts.
  std::string old = box.service("old", "command = [\"/bin/sleep\", \"1000\"]\nclear_environment = true\n" + box.mark_line());
  pid_t pid = started(box.run({"start", old}));
  CHECK(environ_of(pid)["PATH"] == kServicePath);
  CHECK(box.run({"stop", old}).code == 0);
}
