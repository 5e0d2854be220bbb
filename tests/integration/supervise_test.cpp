// [restart]: a monitor (daemonctl-monitor, itself the daemon of the double
// fork) starts the service as its child, records it, and restarts it by the
// policy; stop and a killed monitor never leave a daemon unmanaged.
#include <catch2/catch.hpp>

#include <csignal>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>

#include "harness.h"

using namespace harness;

namespace {

/// A supervised service running `argv` (a TOML array), restarting by `restart` (TOML lines).
std::string supervised(const Sandbox& box, const std::string& argv, const std::string& restart) {
  return "command = " + argv + "\n" + box.mark_line() + "stdout = \"" + box.path("svc.log") + "\"\nstderr = \"" +
         box.path("svc.log") + "\"\n[restart]\n" + restart;
}

std::string record_of(const Sandbox& box) { return slurp(box.state_dir() + "/svc.record"); }

/// A "key value" line of the record, 0 if missing.
long record_field(const Sandbox& box, const std::string& key) {
  std::istringstream in(record_of(box));
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with(key + " ")) return std::stol(line.substr(key.size() + 1));
  }
  return 0;
}

}  // namespace

TEST_CASE("restart always: a killed daemon is restarted, and the pidfile and record name the new one") {
  Sandbox box;
  std::string file = box.service("svc", supervised(box, "[\"/bin/sleep\", \"1000\"]", "policy = \"always\"\ndelay = \"0s\"\n"));
  Run r = box.run({"start", file});
  INFO(r.err);
  REQUIRE(r.code == 0);
  pid_t first = pid_in(r.out);
  pid_t monitor = static_cast<pid_t>(record_field(box, "monitor"));
  REQUIRE(monitor > 0);
  CHECK(r.out == "svc: started (pid " + std::to_string(first) + ", monitor pid " + std::to_string(monitor) + ")\n");
  CHECK(box.pidfile_pid("svc") == first);
  CHECK(stat_of(first).ppid == monitor);
  // The monitor is a proper daemon: no terminal, not a session leader, not daemonctl's child.
  Stat m = stat_of(monitor);
  CHECK(m.tty_nr == 0);
  CHECK(m.session != monitor);
  CHECK(m.session != stat_of(::getpid()).session);

  REQUIRE(::kill(first, SIGKILL) == 0);
  pid_t second = 0;
  REQUIRE(wait_until([&] {
    second = box.pidfile_pid("svc");
    return second != 0 && second != first && alive(second);
  }));
  CHECK(stat_of(second).ppid == monitor);
  CHECK(record_field(box, "pid") == second);
  CHECK(record_field(box, "monitor") == monitor);
  CHECK(record_field(box, "restarts") == 1);
  Run status = box.run({"status", file});
  CHECK(status.code == 0);
  CHECK(status.out.find("running (pid " + std::to_string(second)) != std::string::npos);
  CHECK(status.out.find("monitor pid " + std::to_string(monitor) + ", 1 restart, last killed by SIGKILL)") !=
        std::string::npos);
  CHECK(box.run({"stop", file}).code == 0);
  CHECK(pids_with_env(box.mark()).empty());
}

TEST_CASE("restart on-failure: a clean exit is not restarted, and the service is then not running") {
  Sandbox box;
  std::string file = box.service(
      "svc", supervised(box, "[\"/bin/sh\", \"-c\", \"sleep 0.2; exit 0\"]", "policy = \"on-failure\"\ndelay = \"0s\"\n"));
  REQUIRE(box.run({"start", file}).code == 0);
  REQUIRE(wait_until([&] { return pids_with_env(box.mark()).empty(); }));
  CHECK(box.run({"status", file}).code == 3);
  CHECK_FALSE(exists(box.state_dir() + "/svc.pid"));
  CHECK_FALSE(exists(box.state_dir() + "/svc.record"));
  CHECK(slurp(box.path("svc.log")).find("exited with status 0") != std::string::npos);
}

TEST_CASE("restart on-failure: the stop signal sent by someone else is not a failure") {
  Sandbox box;
  std::string file =
      box.service("svc", supervised(box, "[\"/bin/sleep\", \"1000\"]", "policy = \"on-failure\"\ndelay = \"0s\"\n"));
  Run r = box.run({"start", file});
  REQUIRE(r.code == 0);
  REQUIRE(::kill(pid_in(r.out), SIGTERM) == 0);
  REQUIRE(wait_until([&] { return pids_with_env(box.mark()).empty(); }));
  CHECK(box.run({"status", file}).code == 3);
}

TEST_CASE("restart: past the limit the monitor gives up, status says failed with the last exit, exit 1") {
  Sandbox box;
  std::string file = box.service("svc", supervised(box, "[\"/bin/sh\", \"-c\", \"exit 3\"]",
                                                   "policy = \"always\"\ndelay = \"0s\"\nlimit = 2\nwindow = \"1m\"\n"));
  Run r = box.run({"start", file});
  // The first daemon may already be gone when start looks: either way it started.
  REQUIRE(r.code == 0);
  // The monitor runs in an environment of its own: its record says when it gave up.
  REQUIRE(wait_until([&] { return record_of(box).find("\nphase failed\n") != std::string::npos; }));
  REQUIRE(wait_until([&] { return pids_with_env(box.mark()).empty(); }));  // the monitor too: its last line is written
  Run status = box.run({"status", file});
  CHECK(status.code == 1);
  CHECK(status.out.find("svc: failed: monitor pid ") != std::string::npos);
  CHECK(status.out.find(" gave up after 2 restarts; last exited with status 3\n") != std::string::npos);
  CHECK_FALSE(exists(box.state_dir() + "/svc.pid"));
  Run json = box.run({"status", "--json", file});
  CHECK(json.out.find("\"state\": \"failed\"") != std::string::npos);
  CHECK(json.out.find("\"restarts\": 2, \"last_exit\": \"exited with status 3\"") != std::string::npos);
  std::string log = slurp(box.path("svc.log"));
  CHECK(log.find("svc: started pid ") != std::string::npos);
  CHECK(log.find("svc: restarting in 0ms (restart 1 of 2 within 60s)") != std::string::npos);
  CHECK(log.find("svc: giving up: 2 restarts within 60s; last exited with status 3") != std::string::npos);
  // A failed service starts afresh.
  CHECK(box.run({"stop", file}).code == 0);
  CHECK(box.run({"status", file}).code == 3);
}

TEST_CASE("restart: the delay doubles after each quick failure, up to max_delay") {
  Sandbox box;
  std::string file = box.service(
      "svc", supervised(box, "[\"/bin/sh\", \"-c\", \"exit 1\"]",
                        "policy = \"on-failure\"\ndelay = \"20ms\"\nmax_delay = \"80ms\"\nlimit = 5\nwindow = \"1m\"\n"));
  REQUIRE(box.run({"start", file}).code == 0);
  REQUIRE(wait_until([&] { return record_of(box).find("\nphase failed\n") != std::string::npos; }));
  REQUIRE(wait_until([&] { return pids_with_env(box.mark()).empty(); }));  // the monitor too: its last line is written
  std::string log = slurp(box.path("svc.log"));
  std::size_t a = log.find("restarting in 20ms (restart 1 ");
  std::size_t b = log.find("restarting in 40ms (restart 2 ");
  std::size_t c = log.find("restarting in 80ms (restart 3 ");
  std::size_t d = log.find("restarting in 80ms (restart 4 ");
  CHECK(a != std::string::npos);
  CHECK(b != std::string::npos);
  CHECK(c != std::string::npos);
  CHECK(d != std::string::npos);
  CHECK(a < b);
  CHECK(b < c);
  CHECK(c < d);
}

TEST_CASE("stop of a supervised service: the monitor stands down first, nothing is restarted or left") {
  Sandbox box;
  std::string file = box.service("svc", supervised(box, "[\"/bin/sleep\", \"1000\"]", "policy = \"always\"\ndelay = \"0s\"\n"));
  for (int round = 0; round < 5; ++round) {
    Run r = box.run({"start", file});
    REQUIRE(r.code == 0);
    pid_t monitor = static_cast<pid_t>(record_field(box, "monitor"));
    Run stop = box.run({"stop", file});
    CHECK(stop.code == 0);
    CHECK(stop.out == "svc: stopped (pid " + std::to_string(pid_in(r.out)) + ", monitor pid " +
                          std::to_string(monitor) + ")\n");
    CHECK(pids_with_env(box.mark()).empty());
    CHECK_FALSE(exists(box.state_dir() + "/svc.pid"));
    CHECK_FALSE(exists(box.state_dir() + "/svc.record"));
  }
}

TEST_CASE("a SIGKILLed monitor leaves its daemon running, and stop still stops it") {
  Sandbox box;
  std::string file = box.service("svc", supervised(box, "[\"/bin/sleep\", \"1000\"]", "policy = \"always\"\ndelay = \"0s\"\n"));
  Run r = box.run({"start", file});
  REQUIRE(r.code == 0);
  pid_t daemon = pid_in(r.out);
  pid_t monitor = static_cast<pid_t>(record_field(box, "monitor"));
  REQUIRE(::kill(monitor, SIGKILL) == 0);
  REQUIRE(wait_until([&] { return !alive(monitor); }));
  CHECK(alive(daemon));
  Run status = box.run({"status", file});
  CHECK(status.code == 0);
  CHECK(status.out.find("monitor pid " + std::to_string(monitor) + " gone, unsupervised") != std::string::npos);
  Run stop = box.run({"stop", file});
  CHECK(stop.code == 0);
  CHECK_FALSE(alive(daemon));
  CHECK(pids_with_env(box.mark()).empty());
}

TEST_CASE("a restarted daemon gets the same user, limits and nice as the first") {
  Sandbox box;
  std::string file = box.service(
      "svc", supervised(box, "[\"/bin/sleep\", \"1000\"]", "policy = \"always\"\ndelay = \"0s\"\n") +
                 "[limits]\nnofile = \"321:654\"\n");
  // nice is a top-level key: put it before the tables.
  file = box.service("svc", "nice = 6\n" + slurp(file));
  Run r = box.run({"start", file});
  INFO(r.err);
  REQUIRE(r.code == 0);
  pid_t first = pid_in(r.out);
  auto limits_of = [](pid_t pid) { return slurp("/proc/" + std::to_string(pid) + "/limits"); };
  CHECK(limits_of(first).find("Max open files            321                  654") != std::string::npos);
  REQUIRE(::kill(first, SIGKILL) == 0);
  // The pidfile names the new child as soon as it is forked; what it runs
  // with is final once it has exec'd.
  pid_t second = 0;
  REQUIRE(wait_until([&] {
    second = box.pidfile_pid("svc");
    return second != 0 && second != first && alive(second) &&
           slurp("/proc/" + std::to_string(second) + "/stat").find("(sleep)") != std::string::npos;
  }));
  CHECK(limits_of(second).find("Max open files            321                  654") != std::string::npos);
  std::string stat = slurp("/proc/" + std::to_string(second) + "/stat");
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string field;
  for (int i = 3; i <= 19 && fields >> field; ++i) {
  }
  CHECK(field == "6");
  CHECK(box.run({"stop", file}).code == 0);
}

TEST_CASE("a supervised start whose daemon is never ready stops the monitor and the daemon, exit 1") {
  Sandbox box;
  std::string file = box.service(
      "svc", supervised(box, "[\"/bin/sleep\", \"1000\"]", "policy = \"always\"\ndelay = \"0s\"\n") +
                 "[ready]\nfile = \"" + box.path("never") + "\"\ntimeout = \"300ms\"\n");
  Run r = box.run({"start", file});
  CHECK(r.code == 1);
  CHECK(r.err.find("not ready within 300ms") != std::string::npos);
  CHECK(pids_with_env(box.mark()).empty());
  CHECK_FALSE(exists(box.state_dir() + "/svc.pid"));
  CHECK_FALSE(exists(box.state_dir() + "/svc.record"));
}

TEST_CASE("a supervised program that cannot be executed fails the start with exit 5, nothing left") {
  Sandbox box;
  std::string program = box.write("not-a-program", "this is not an executable\n");
  REQUIRE(::chmod(program.c_str(), 0755) == 0);
  std::string file = box.service("svc", supervised(box, "[\"" + program + "\"]", "policy = \"always\"\n"));
  Run r = box.run({"start", file});
  CHECK(r.code == 5);
  CHECK(r.err.find("cannot execute '" + program + "': Exec format error") != std::string::npos);
  CHECK(pids_with_env(box.mark()).empty());
  CHECK_FALSE(exists(box.state_dir() + "/svc.record"));
}

TEST_CASE("start and dry runs of a supervised service") {
  Sandbox box;
  std::string file = box.service("svc", supervised(box, "[\"/bin/sleep\", \"1000\"]", "policy = \"always\"\n"));
  Run dry = box.run({"start", "--dry-run", file});
  CHECK(dry.code == 0);
  CHECK(dry.out.find("svc: would start monitor ") != std::string::npos);
  CHECK(dry.out.find("daemonctl-monitor as the daemon; it starts the command as its child") != std::string::npos);
  REQUIRE(box.run({"start", file}).code == 0);
  Run again = box.run({"start", file});
  CHECK(again.code == 0);
  CHECK(again.out.find("already running") != std::string::npos);
  Run dry_stop = box.run({"stop", "--dry-run", file});
  CHECK(dry_stop.out.find("would send SIGTERM to monitor pid ") != std::string::npos);
  CHECK(box.run({"stop", file}).code == 0);
}

TEST_CASE("a monitor that cannot write the pidfile runs nothing, and the start fails saying why") {
  Sandbox box;
  std::string file = box.service("svc", supervised(box, "[\"/bin/sleep\", \"1000\"]", "policy = \"always\"\n"));
  REQUIRE(box.run({"status", file}).code == 3);  // makes the state dir
  // write_file_atomic's temporary file cannot be created: a folder is in its way.
  box.write("state/svc.pid.tmp/in-the-way", "");
  Run r = box.run({"start", file});
  CHECK(r.code != 0);
  CHECK(r.err.find("svc.pid.tmp") != std::string::npos);
  CHECK(pids_with_env(box.mark()).empty());
  CHECK_FALSE(exists(box.state_dir() + "/svc.record"));
}

TEST_CASE("a stopped monitor with a dead daemon is reported dead, exit 1, and stop ends the monitor at once") {
  Sandbox box;
  std::string file = box.service("svc", supervised(box, "[\"/bin/sleep\", \"1000\"]", "policy = \"always\"\ndelay = \"0s\"\n"));
  Run r = box.run({"start", file});
  REQUIRE(r.code == 0);
  pid_t daemon = pid_in(r.out);
  pid_t monitor = static_cast<pid_t>(record_field(box, "monitor"));
  REQUIRE(monitor > 0);
  REQUIRE(::kill(monitor, SIGSTOP) == 0);
  REQUIRE(wait_until([&] { return stat_of(monitor).state == 'T'; }));
  REQUIRE(::kill(daemon, SIGKILL) == 0);
  REQUIRE(wait_until([&] { return !alive(daemon); }));
  Run status = box.run({"status", file});
  CHECK(status.code == 1);
  CHECK(status.out.find("its monitor pid " + std::to_string(monitor) + " is stopped, and restarts nothing") !=
        std::string::npos);
  Run stop = box.run({"stop", file});
  INFO(stop.out + stop.err);
  CHECK(stop.code == 0);
  CHECK(stop.err.find("did not exit within 5s") == std::string::npos);  // it stood down at once, not killed
  CHECK(wait_until([&] { return !alive(monitor); }));
}

TEST_CASE("supervision comes back: start re-attaches a monitor to a daemon whose monitor was killed, without a restart") {
  Sandbox box;
  std::string file = box.service("svc", supervised(box, "[\"/bin/sleep\", \"1000\"]", "policy = \"always\"\ndelay = \"0s\"\n"));
  Run r = box.run({"start", file});
  REQUIRE(r.code == 0);
  pid_t daemon = pid_in(r.out);
  pid_t old_monitor = static_cast<pid_t>(record_field(box, "monitor"));
  REQUIRE(::kill(old_monitor, SIGKILL) == 0);
  REQUIRE(wait_until([&] { return !alive(old_monitor); }));
  Run unsupervised = box.run({"status", file});
  CHECK(unsupervised.code == 0);
  CHECK(unsupervised.out.find("monitor pid " + std::to_string(old_monitor) + " gone, unsupervised") != std::string::npos);
  Run dry = box.run({"start", "--dry-run", file});
  CHECK(dry.out.find("would start a monitor to supervise pid " + std::to_string(daemon) + " again") != std::string::npos);
  Run back = box.run({"start", file});
  CHECK(back.code == 0);
  CHECK(back.out.find("svc: already running (pid " + std::to_string(daemon) + "), supervised again by monitor pid ") == 0);
  pid_t monitor = static_cast<pid_t>(record_field(box, "monitor"));
  CHECK(monitor != old_monitor);
  CHECK(alive(daemon));  // not restarted
  Run status = box.run({"status", file});
  CHECK(status.out.find("monitor pid " + std::to_string(monitor) + ")") != std::string::npos);
  // The new monitor restarts the daemon by the policy once it dies.
  REQUIRE(::kill(daemon, SIGKILL) == 0);
  CHECK(wait_until([&] {
    pid_t now = box.pidfile_pid("svc");
    return now != 0 && now != daemon && alive(now);
  }));
  CHECK(box.run({"stop", file}).code == 0);
  CHECK(wait_until([&] { return pids_with_env(box.mark()).empty(); }));
}

TEST_CASE("a re-attach that fails leaves the running daemon alone, and says so") {
  Sandbox box;
  std::string file = box.service("svc", supervised(box, "[\"/bin/sleep\", \"1000\"]", "policy = \"always\"\ndelay = \"0s\"\n"));
  Run r = box.run({"start", file});
  REQUIRE(r.code == 0);
  pid_t daemon = pid_in(r.out);
  pid_t monitor = static_cast<pid_t>(record_field(box, "monitor"));
  REQUIRE(::kill(monitor, SIGKILL) == 0);
  REQUIRE(wait_until([&] { return !alive(monitor); }));
  // The new monitor cannot write the pidfile: a folder with something in it is there.
  REQUIRE(::unlink((box.state_dir() + "/svc.pid").c_str()) == 0);
  box.write("state/svc.pid/in-the-way", "");
  Run back = box.run({"start", file});
  CHECK(back.code == 0);
  CHECK(back.out == "svc: already running (pid " + std::to_string(daemon) + ")\n");
  CHECK(back.err.find("svc: cannot supervise pid " + std::to_string(daemon) + " again: ") != std::string::npos);
  CHECK(alive(daemon));
  ::kill(daemon, SIGKILL);
}

namespace {

// "RssAnon:\t  128 kB" -> 128.
long kib(const std::string& field) { return field.empty() ? -1 : std::stol(field); }

// The fewest fds seen over a few looks: a respawn holds a pipe or a pidfd a
// moment, a leak stays.
std::size_t fd_count(pid_t pid) {
  std::size_t fewest = SIZE_MAX;
  for (int i = 0; i < 200; ++i) fewest = std::min(fewest, fds_of(pid).size());
  return fewest;
}

}  // namespace

TEST_CASE("soak: 1,000 respawns through a rotated log: the monitor keeps its fds and memory, every line whole") {
  Sandbox box;
  const std::string line = "run $$ " + std::string(90, 'x');
  std::string log = "{ file = \"" + box.path("svc.log") + "\", max_size = 20000, keep = 20 }";
  std::string file = box.service(
      "svc", "command = [\"/bin/sh\", \"-c\", \"echo '" + line + "'; exit 1\"]\n" + box.mark_line() + "stdout = " + log +
                 "\n[restart]\npolicy = \"always\"\ndelay = \"0s\"\nlimit = 1000000\nwindow = \"1ms\"\n");
  Run r = box.run({"start", file});
  INFO(r.err);
  REQUIRE(r.code == 0);
  pid_t monitor = static_cast<pid_t>(record_field(box, "monitor"));
  REQUIRE(monitor > 0);
  auto restarts = [&] { return record_field(box, "restarts"); };
  REQUIRE(wait_until([&] { return restarts() >= 200; }, 20000ms));
  std::size_t fds = fd_count(monitor);
  long anon = kib(status_field(monitor, "RssAnon"));
  REQUIRE(wait_until([&] { return restarts() >= 1000; }, 120000ms));
  // Respawning all the time, it always holds a few for the next child: the
  // same few at 200 restarts and at 1,000. A leak would be hundreds.
  CHECK(fd_count(monitor) <= fds + 3);
#if !defined(__SANITIZE_ADDRESS__)  // ASan's quarantine grows with every free; LeakSanitizer checks leaks there
  CHECK(kib(status_field(monitor, "RssAnon")) <= anon + 64);  // no growth with the restarts
#else
  (void)anon;
#endif
  CHECK(box.run({"stop", file}).code == 0);
  // Every line the daemons wrote is whole, none spliced, none lost in a rotation.
  std::size_t whole = 0;
  for (int i = 20; i >= 0; --i) {
    std::istringstream in(slurp(box.path(i == 0 ? "svc.log" : "svc.log." + std::to_string(i))));
    for (std::string got; std::getline(in, got);) {
      if (got.find("daemonctl-monitor[") != std::string::npos) continue;  // its own lines
      INFO(got);
      REQUIRE(got.rfind("run ", 0) == 0);
      REQUIRE(got.size() > 95);
      CHECK(got.substr(got.size() - 90) == std::string(90, 'x'));
      ++whole;
    }
  }
  CHECK(whole >= 1000);
}
