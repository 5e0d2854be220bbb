// redis-server from Debian, in the foreground under daemonctl: ready by
// sd_notify (`supervised systemd`) or by TCP, serving on a loopback port, and
// stopped gracefully: what was written before the stop is in the RDB that
// redis saves on SIGTERM, and a new start reads it back.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include "clients.h"
#include "harness.h"
#include "servers.h"

using namespace harness;
using namespace real;

namespace {

const char* kRedis = "/usr/bin/redis-server";
const char* kRedisCli = "/usr/bin/redis-cli";

/// redis's config: foreground, loopback `port`, its data in <sandbox>/redis,
/// and a save point, so that a SIGTERM shutdown saves the RDB (the first
/// point is an hour away: no test ever sees a background save).
std::string redis_conf(const Sandbox& box, int port, const std::string& supervised) {
  return "bind 127.0.0.1\n"
         "port " + std::to_string(port) + "\n"
         "daemonize no\n"
         "supervised " + supervised + "\n"
         "dir " + box.path("redis") + "\n"
         "dbfilename dump.rdb\n"
         "save 3600 1\n"
         "appendonly no\n"
         "logfile \"\"\n";  // to stdout: the service's log file
}

/// Service `redis` running redis-server on `conf`, its log in the sandbox,
/// ready by the `ready` lines.
std::string redis_service(Sandbox& box, const std::string& conf, const std::string& ready) {
  return box.service("redis", "command = [\"" + std::string(kRedis) + "\", \"" + conf + "\"]\ndirectory = \"" +
                                  box.path("redis") + "\"\nstdout = \"" + box.path("redis/redis.log") +
                                  "\"\nstderr = \"" + box.path("redis/redis.log") + "\"\n" + box.mark_line() +
                                  "[ready]\n" + ready + "timeout = \"10s\"\n");
}

/// `daemonctl start FILE`: its pid, after checking the line.
pid_t start_redis(Sandbox& box, const std::string& file) {
  Run r = box.run({"start", file});
  INFO("stdout: " << r.out << "\nstderr: " << r.err << "\nlog: " << slurp(box.path("redis/redis.log")));
  REQUIRE(r.code == 0);
  pid_t pid = pid_in(r.out);
  REQUIRE(r.out == "redis: started (pid " + std::to_string(pid) + ")\n");
  return pid;
}

void stop_redis(Sandbox& box, const std::string& file, pid_t pid) {
  Run r = box.run({"stop", file});
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.out == "redis: stopped (pid " + std::to_string(pid) + ")\n");
  CHECK_FALSE(alive(pid));
}

/// True if `pid` is 1 or one of our ancestors: where an orphan of daemonctl
/// goes once daemonctl exits (init, or a subreaper above us).
bool init_or_our_ancestor(pid_t pid) {
  for (pid_t p = ::getpid(); p > 1; p = stat_of(p).ppid) {
    if (p == pid) return true;
  }
  return pid == 1;
}

}  // namespace

TEST_CASE("redis-server ready by sd_notify: answers PING as a proper daemon, and a stop loses no key") {
  require_program(kRedis, "redis-server");
  require_program(kRedisCli, "redis-tools");
  Sandbox box;
  int port = free_port();
  std::string conf = box.write("redis/redis.conf", redis_conf(box, port, "systemd"));
  std::string file = redis_service(box, conf, "notify = true\n");
  StopAtEnd guard(box, file);

  Run started = box.run({"start", file});
  INFO("stderr: " << started.err << "\nlog: " << slurp(box.path("redis/redis.log")));
  REQUIRE(started.code == 0);
  pid_t pid = pid_in(started.out);
  REQUIRE(started.out == "redis: started (pid " + std::to_string(pid) + ")\n");
  // Ready means serving: no wait here.
  CHECK(output_of({kRedisCli, "-p", std::to_string(port), "ping"}) == "PONG\n");
  // redis saw NOTIFY_SOCKET (its title overwrites its environ in /proc, so ask its log).
  std::string log = box.path("redis/redis.log");
  CHECK(slurp(log).find("Supervised by systemd.") != std::string::npos);

  Run status = box.run({"status", file});
  CHECK(status.code == 0);
  CHECK(status.out.starts_with("redis: running (pid " + std::to_string(pid) + ", up "));
  Stat st = stat_of(pid);
  CHECK(st.ppid != started.pid);            // not daemonctl's child
  CHECK(init_or_our_ancestor(st.ppid));     // reparented to init or a subreaper
  CHECK(st.session != pid);                 // not a session leader
  CHECK(st.session != ::getsid(0));         // not daemonctl's session (ours)
  CHECK(st.tty_nr == 0);                    // no controlling terminal

  for (const char* key : {"alpha", "beta", "gamma"}) CHECK(redis(port, {"SET", key, std::string(key) + "-value"}) == "OK");
  CHECK(redis(port, {"GET", "beta"}) == "beta-value");
  std::string dump = box.path("redis/dump.rdb");
  CHECK_FALSE(exists(dump));  // nothing saved yet: the stop must save it

  stop_redis(box, file, pid);
  status = box.run({"status", file});
  CHECK(status.code == 3);
  CHECK(status.out == "redis: not running\n");
  CHECK(output_of({kRedisCli, "-p", std::to_string(port), "ping"}) != "PONG\n");
  REQUIRE(exists(dump));
  CHECK(slurp(log).find("DB saved on disk") != std::string::npos);

  // A new redis on the same dir has every key.
  pid_t again = start_redis(box, file);
  CHECK(again != pid);
  for (const char* key : {"alpha", "beta", "gamma"}) CHECK(redis(port, {"GET", key}) == std::string(key) + "-value");
  CHECK(redis(port, {"DBSIZE"}) == "3");
  stop_redis(box, file, again);
}

TEST_CASE("redis-server ready by tcp: answers PING at once, and each stop saves the keys written since the last") {
  require_program(kRedis, "redis-server");
  require_program(kRedisCli, "redis-tools");
  Sandbox box;
  int port = free_port();
  std::string conf = box.write("redis/redis.conf", redis_conf(box, port, "no"));
  std::string file = redis_service(box, conf, "tcp = \"127.0.0.1:" + std::to_string(port) + "\"\n");
  StopAtEnd guard(box, file);
  std::string dump = box.path("redis/dump.rdb");

  pid_t pid = start_redis(box, file);
  CHECK(output_of({kRedisCli, "-p", std::to_string(port), "ping"}) == "PONG\n");
  CHECK(redis(port, {"SET", "first", "1"}) == "OK");
  stop_redis(box, file, pid);
  REQUIRE(exists(dump));
  std::string saved = slurp(dump);
  CHECK(saved.find("first") != std::string::npos);

  pid = start_redis(box, file);
  CHECK(output_of({kRedisCli, "-p", std::to_string(port), "ping"}) == "PONG\n");
  CHECK(redis(port, {"GET", "first"}) == "1");
  CHECK(redis(port, {"SET", "second", "2"}) == "OK");
  stop_redis(box, file, pid);
  CHECK(slurp(dump) != saved);  // saved again, with the new key
  CHECK(slurp(dump).find("second") != std::string::npos);

  pid = start_redis(box, file);
  CHECK(redis(port, {"GET", "first"}) == "1");
  CHECK(redis(port, {"GET", "second"}) == "2");
  stop_redis(box, file, pid);
}
