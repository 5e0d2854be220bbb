// memcached from Debian under daemonctl: in the foreground, ready by TCP,
// a set and get round trip over its text protocol, restart, stop; and
// supervised (`[restart] policy = "always"`): a SIGKILLed memcached is
// replaced by a new one that serves, and stop ends it for good.
#include <catch2/catch.hpp>

#include <csignal>

#include "clients.h"
#include "harness.h"
#include "servers.h"

using namespace harness;
using namespace real;

namespace {

const char* kMemcached = "/usr/bin/memcached";

/// Service `memcached` on loopback `port` (TCP only; as root it must be told
/// a user), ready by TCP, with `extra` lines (tables last).
std::string memcached_service(Sandbox& box, int port, const std::string& extra) {
  std::string p = std::to_string(port);
  return box.service("memcached", "command = [\"" + std::string(kMemcached) + "\", \"-l\", \"127.0.0.1\", \"-p\", \"" +
                                      p + "\", \"-U\", \"0\", \"-u\", \"nobody\", \"-m\", \"16\"]\nstdout = \"" +
                                      box.path("memcached.log") + "\"\nstderr = \"" + box.path("memcached.log") +
                                      "\"\n" + box.mark_line() + "[ready]\ntcp = \"127.0.0.1:" + p +
                                      "\"\ntimeout = \"10s\"\n" + extra);
}

/// A set, then a get of the same key, answer as they should.
bool round_trip(int port, const std::string& key, const std::string& value) {
  return memcached_set(port, key, value) == "STORED" && memcached_get(port, key) == value;
}

}  // namespace

TEST_CASE("memcached ready by tcp: a set and get round trip, restart gives a new pid that serves, stop") {
  require_program(kMemcached, "memcached");
  Sandbox box;
  int port = free_port();
  std::string file = memcached_service(box, port, "");
  StopAtEnd guard(box, file);

  Run r = box.run({"start", file});
  INFO("stderr: " << r.err << "\nlog: " << slurp(box.path("memcached.log")));
  REQUIRE(r.code == 0);
  pid_t first = pid_in(r.out);
  REQUIRE(r.out == "memcached: started (pid " + std::to_string(first) + ")\n");
  CHECK(memcached_set(port, "greeting", "hello") == "STORED");
  CHECK(memcached_get(port, "greeting") == "hello");

  Run restarted = box.run({"restart", file});
  REQUIRE(restarted.code == 0);
  pid_t second = pid_in(restarted.out);
  CHECK(restarted.out == "memcached: stopped (pid " + std::to_string(first) + ")\nmemcached: started (pid " +
                             std::to_string(second) + ")\n");
  CHECK(second != first);
  CHECK_FALSE(alive(first));
  CHECK(box.pidfile_pid("memcached") == second);
  // A new process: the old one's memory is gone, and it serves at once.
  CHECK(memcached_get(port, "greeting") == std::nullopt);
  CHECK(round_trip(port, "greeting", "hello again"));

  Run stopped = box.run({"stop", file});
  CHECK(stopped.code == 0);
  CHECK(stopped.out == "memcached: stopped (pid " + std::to_string(second) + ")\n");
  CHECK_FALSE(alive(second));
  CHECK(memcached_set(port, "greeting", "anyone?") == "");
  CHECK(box.run({"status", file}).code == 3);
}

TEST_CASE("memcached supervised, policy always: after a SIGKILL a new memcached is in the pidfile and serves, stop ends it for good") {
  require_program(kMemcached, "memcached");
  Sandbox box;
  int port = free_port();
  std::string file = memcached_service(box, port, "[restart]\npolicy = \"always\"\ndelay = \"100ms\"\n");
  StopAtEnd guard(box, file);

  Run r = box.run({"start", file});
  INFO("stderr: " << r.err << "\nlog: " << slurp(box.path("memcached.log")));
  REQUIRE(r.code == 0);
  pid_t first = pid_in(r.out);
  REQUIRE(first > 0);
  REQUIRE(r.out.starts_with("memcached: started (pid " + std::to_string(first) + ", monitor pid "));
  pid_t monitor = stat_of(first).ppid;
  CHECK(r.out == "memcached: started (pid " + std::to_string(first) + ", monitor pid " + std::to_string(monitor) + ")\n");
  CHECK(round_trip(port, "k", "before"));

  REQUIRE(::kill(first, SIGKILL) == 0);
  pid_t second = 0;
  REQUIRE(wait_until([&] {
    second = box.pidfile_pid("memcached");
    return second != 0 && second != first && alive(second);
  }));
  CHECK(stat_of(second).ppid == monitor);
  CHECK(wait_until([&] { return round_trip(port, "k", "after"); }));
  Run status = box.run({"status", file});
  CHECK(status.code == 0);
  CHECK(status.out.find("running (pid " + std::to_string(second) + ", up ") != std::string::npos);
  CHECK(status.out.find("monitor pid " + std::to_string(monitor) + ", 1 restart, last killed by SIGKILL)") !=
        std::string::npos);

  Run stopped = box.run({"stop", file});
  CHECK(stopped.code == 0);
  CHECK(stopped.out == "memcached: stopped (pid " + std::to_string(second) + ", monitor pid " +
                           std::to_string(monitor) + ")\n");
  CHECK_FALSE(alive(second));
  CHECK_FALSE(alive(monitor));  // no one left to restart it
  CHECK(pids_with_env(box.mark()).empty());
  CHECK(box.pidfile_pid("memcached") == 0);
  CHECK(memcached_get(port, "k") == std::nullopt);
  CHECK(box.run({"status", file}).code == 3);
}
