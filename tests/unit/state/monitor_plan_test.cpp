#include "state/monitor_plan.h"

#include <catch2/catch.hpp>

using namespace daemonctl;
using namespace daemonctl::state;
using namespace std::chrono_literals;

namespace {

Result<MonitorPlan> decode_all(const std::vector<std::string>& args) {
  std::vector<const char*> argv{"daemonctl-monitor"};
  for (const auto& a : args) argv.push_back(a.c_str());
  return decode(static_cast<int>(argv.size()), argv.data());
}

}  // namespace

TEST_CASE("monitor plan: everything survives the trip through argv", "[monitor]") {
  MonitorPlan p;
  p.name = "web";
  p.pidfile = "/run/web.pid";
  p.record = "/run/daemonctl/web.record";
  p.lock = "/run/daemonctl/web.lock";
  p.restart.policy = RestartPolicy::on_failure;
  p.restart.delay = 250ms;
  p.restart.max_delay = 8s;
  p.restart.limit = 7;
  p.restart.window = 90s;
  p.stop_signal = 3;
  p.child.executable = "/usr/bin/web server";
  p.child.argv = {"web", "--port", "80", "-- not an option", ""};
  p.child.directory = "/srv/web";
  p.child.umask = 027;
  p.child.change_ids = true;
  p.child.uid = 33;
  p.child.gid = 34;
  p.child.groups = {34, 100};
  p.child.limits = {{RLIMIT_NOFILE, 1024, 4096, "nofile"}, {RLIMIT_CORE, RLIM_INFINITY, RLIM_INFINITY, "core"}};
  p.child.nice = -5;
  p.child.oom_score_adj = -500;
  p.log_to_out = true;

  auto back = decode_all(encode(p));
  REQUIRE(back);
  CHECK(back->name == "web");
  CHECK(back->pidfile == p.pidfile);
  CHECK(back->record == p.record);
  CHECK(back->lock == p.lock);
  CHECK(back->restart.policy == RestartPolicy::on_failure);
  CHECK(back->restart.delay == 250ms);
  CHECK(back->restart.max_delay == 8s);
  CHECK(back->restart.limit == 7);
  CHECK(back->restart.window == 90s);
  CHECK(back->stop_signal == 3);
  CHECK(back->child.executable == p.child.executable);
  CHECK(back->child.argv == p.child.argv);
  CHECK(back->child.directory == "/srv/web");
  CHECK(back->child.umask == 027);
  CHECK(back->child.change_ids);
  CHECK(back->child.uid == 33);
  CHECK(back->child.gid == 34);
  CHECK(back->child.groups == std::vector<gid_t>{34, 100});
  REQUIRE(back->child.limits.size() == 2);
  CHECK(back->child.limits[0].resource == RLIMIT_NOFILE);
  CHECK(back->child.limits[0].soft == 1024);
  CHECK(back->child.limits[0].hard == 4096);
  CHECK(back->child.limits[0].name == "nofile");
  CHECK(back->child.limits[1].hard == RLIM_INFINITY);
  CHECK(back->child.nice == -5);
  CHECK(back->child.oom_score_adj == -500);
  CHECK(back->log_to_out);
  CHECK_FALSE(decode_all({"--log-to=stderr"}));
}

TEST_CASE("monitor plan: run by hand, or with a bad value, it says so", "[monitor]") {
  CHECK(decode_all({}).error().message == "daemonctl-monitor: incomplete plan: run by 'daemonctl start', not by hand");
  CHECK(decode_all({"--limit=many"}).error().message == "daemonctl-monitor: invalid value for --limit: 'many'");
  CHECK(decode_all({"--delay=soon"}).error().message == "daemonctl-monitor: invalid value for --delay: 'soon'");
  CHECK(decode_all({"--nice=low"}).error().message == "daemonctl-monitor: invalid value for --nice: 'low'");
  CHECK(decode_all({"--colour=red"}).error().message == "daemonctl-monitor: unknown option '--colour'");
  CHECK(decode_all({"stray"}).error().message == "daemonctl-monitor: unexpected argument 'stray'");
}
