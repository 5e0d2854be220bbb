#include "machine_fixture.h"

#include <algorithm>

using namespace machine_test;

namespace {

/// A machine driven as the shell would drive it, every spawn and every write
/// under the lock succeeding: the lines it logs, and the steps it takes
/// (spawns and writes), in order.
struct Run {
  Machine m;
  std::chrono::milliseconds now{0};
  std::vector<std::string> lines;
  std::vector<K> steps;

  explicit Run(const Rules& r) : m(r) { take(m.start(t(now))); }
  void take(const Actions& actions) {
    for (const Action& a : actions) {
      if (a.kind == K::log) lines.push_back(a.text);
      else if (a.kind != K::report && a.kind != K::end_start) steps.push_back(a.kind);
    }
  }
  void at(std::chrono::milliseconds ms, const Event& e) {
    now = ms;
    take(m.on(e, t(now)));
  }
  /// Answers the last step: a spawn with a child, a write with "written".
  void answer(pid_t pid) {
    if (steps.back() == K::spawn || steps.back() == K::adopt) return at(now, spawned(pid));
    at(now, {E::written});
  }
  /// Runs the backoff to its deadline.
  void wait() {
    REQUIRE(m.deadline());
    at(std::chrono::duration_cast<std::chrono::milliseconds>(*m.deadline() - t(0ms)), {E::deadline});
  }
};

Rules quick_failures() {
  return Rules{.policy = Rules::Policy::on_failure, .delay = 20ms, .max_delay = 80ms, .limit = 5, .window = 60s};
}

}  // namespace

TEST_CASE("monitor machine: the delay doubles after each quick failure, up to max_delay, then it gives up",
          "[monitor][machine]") {
  Run run(quick_failures());
  for (pid_t pid = 100; run.m.phase() != Phase::done; ++pid) {
    run.answer(pid);  // spawned
    run.at(run.now + 5ms, exited(pid, 1));
    run.answer(0);  // the record written
    if (run.m.phase() == Phase::backoff) run.wait();
  }
  CHECK(run.lines == std::vector<std::string>{
                         "started pid 100", "pid 100 exited with status 1",
                         "restarting in 20ms (restart 1 of 5 within 60s)", "restarted: pid 101",
                         "pid 101 exited with status 1", "restarting in 40ms (restart 2 of 5 within 60s)",
                         "restarted: pid 102", "pid 102 exited with status 1",
                         "restarting in 80ms (restart 3 of 5 within 60s)", "restarted: pid 103",
                         "pid 103 exited with status 1", "restarting in 80ms (restart 4 of 5 within 60s)",
                         "restarted: pid 104", "pid 104 exited with status 1",
                         "restarting in 80ms (restart 5 of 5 within 60s)", "restarted: pid 105",
                         "pid 105 exited with status 1",
                         "giving up: 5 restarts within 60s; last exited with status 1"});
  CHECK(run.steps == std::vector<K>{K::spawn, K::record_restarting, K::spawn, K::record_restarting, K::spawn,
                                    K::record_restarting, K::spawn, K::record_restarting, K::spawn,
                                    K::record_restarting, K::spawn, K::record_failed});
  CHECK(run.m.exit_code() == 1);
  CHECK(run.m.restarts() == 5);
  CHECK(run.m.last_exit() == "exited with status 1");
  // Each start came when its delay was over, the time of the fake clock.
  CHECK(run.now == 5ms + 20ms + 5ms + 40ms + 5ms + 80ms + 5ms + 80ms + 5ms + 80ms + 5ms);
}

TEST_CASE("monitor machine: the backoff's deadline is the delay after the record is written", "[monitor][machine]") {
  Machine m(quick_failures());
  m.start(t(0ms));
  m.on(spawned(100), t(1ms));
  m.on(exited(100, 1), t(7ms));
  CHECK_FALSE(m.deadline());
  m.on({E::written}, t(9ms));
  CHECK(m.phase() == Phase::backoff);
  CHECK(m.deadline() == t(29ms));
  CHECK(m.on({E::deadline}, t(29ms)) == Actions{{K::spawn}});
  CHECK_FALSE(m.deadline());
  CHECK(m.restarts() == 1);
}

TEST_CASE("monitor machine: a child that ran for the window starts the delay afresh", "[monitor][machine]") {
  Rules r = quick_failures();
  r.window = 10s;
  r.limit = 100;
  Run run(r);
  auto fail_after = [&](std::chrono::milliseconds ran, pid_t pid) {
    run.answer(pid);
    run.at(run.now + ran, exited(pid, 1));
    run.answer(0);
    run.wait();
  };
  fail_after(1ms, 100);
  fail_after(1ms, 101);
  fail_after(1ms, 102);
  fail_after(10s, 103);  // ran well
  fail_after(1ms, 104);
  std::vector<std::string> delays;
  for (const auto& line : run.lines) {
    if (line.starts_with("restarting in ")) delays.push_back(line.substr(14, line.find(' ', 14) - 14));
  }
  CHECK(delays == std::vector<std::string>{"20ms", "40ms", "80ms", "20ms", "40ms"});
}

TEST_CASE("monitor machine: only the restarts within the window count toward the limit", "[monitor][machine]") {
  Rules r = quick_failures();
  r.delay = 0ms;
  r.max_delay = 0ms;
  r.limit = 2;
  r.window = 10s;
  Run run(r);
  auto fail_at = [&](std::chrono::milliseconds when, pid_t pid) {
    run.answer(pid);
    run.at(when, exited(pid, 1));
    run.answer(0);  // delay 0: the pidfile removed, then straight to the next spawn
  };
  fail_at(1s, 100);   // restart 1, at 1 s
  fail_at(2s, 101);   // restart 2, at 2 s
  fail_at(11s, 102);  // the restart at 1 s is out of the window: restart 2 of 2 again
  CHECK(run.m.phase() == Phase::starting);
  CHECK(run.lines.back() == "restarting in 0ms (restart 2 of 2 within 10s)");
  fail_at(11500ms, 103);  // two within the window: that is the limit
  CHECK(run.m.phase() == Phase::done);
  CHECK(run.steps.back() == K::record_failed);
  CHECK(run.lines.back() == "giving up: 2 restarts within 10s; last exited with status 1");
  CHECK(run.m.restarts() == 3);
  CHECK(std::count(run.steps.begin(), run.steps.end(), K::remove_pidfile) == 3);
  CHECK(std::count(run.steps.begin(), run.steps.end(), K::record_restarting) == 0);
}

TEST_CASE("monitor machine: a busy lock is tried again after 1 ms, twice as long each time, up to 50 ms",
          "[monitor][machine]") {
  Machine m = in(Phase::restarting);
  std::chrono::milliseconds now{100}, waited[] = {1ms, 2ms, 4ms, 8ms, 16ms, 32ms, 50ms, 50ms};
  for (auto wait : waited) {
    CHECK(m.on({E::lock_busy}, t(now)).empty());
    CHECK(m.deadline() == t(now + wait));
    now += wait;
    CHECK(m.on({E::deadline}, t(now)) == Actions{{K::record_restarting}});
    CHECK_FALSE(m.deadline());
  }
  // Once it was taken, the next wait for it starts at 1 ms again.
  m.on({E::written}, t(now));
  m.on({E::deadline}, t(now + 1s));
  REQUIRE(m.phase() == Phase::starting);
  m.on({E::lock_busy}, t(now + 1s));
  CHECK(m.deadline() == t(now + 1s + 1ms));
  CHECK(m.on({E::deadline}, t(now + 1s + 1ms)) == Actions{{K::spawn}});
}

TEST_CASE("monitor machine: which exits restart, by the policy", "[monitor][machine]") {
  auto after = [](Rules::Policy policy, const Event& exit) {
    Rules r = always();
    r.policy = policy;
    Machine m(r);
    m.start(t(0ms));
    m.on(spawned(100), t(0ms));
    Actions actions = m.on(exit, t(10ms));
    REQUIRE_FALSE(actions.empty());
    return actions.back().kind;
  };
  using P = Rules::Policy;
  CHECK(after(P::always, exited(100, 0)) == K::record_restarting);
  CHECK(after(P::always, killed(100, 15, "killed by SIGTERM")) == K::record_restarting);
  CHECK(after(P::on_failure, exited(100, 1)) == K::record_restarting);
  CHECK(after(P::on_failure, killed(100, 9, "killed by SIGKILL")) == K::record_restarting);
  CHECK(after(P::on_failure, exited(100, 0)) == K::remove_state);
  CHECK(after(P::on_failure, killed(100, 15, "killed by SIGTERM")) == K::remove_state);  // the stop signal
  CHECK(after(P::no, exited(100, 1)) == K::remove_state);
  // A daemon taken in hand ended with a status unknown: a failure.
  CHECK(after(P::on_failure, {E::child_exit, 100, {false, -1}, "exited, with a status unknown to this monitor"}) ==
        K::record_restarting);

  Rules no = always();
  no.policy = P::no;
  no.carries_output = true;  // a monitor for rotated logs only
  Machine m(no);
  m.start(t(0ms));
  m.on(spawned(100), t(0ms));
  m.on(exited(100, 1), t(10ms));
  CHECK(m.on({E::written}, t(10ms)) == Actions{log("not restarting it (no restart policy)")});
  CHECK(m.phase() == Phase::done);
  CHECK(m.exit_code() == 0);
}

TEST_CASE("monitor machine: daemonctl's start hears of the first child only: its pid, then its exit",
          "[monitor][machine]") {
  Machine m(always());
  m.start(t(0ms));
  CHECK(m.on(spawned(100), t(1ms)) == Actions{{K::end_start}, report("ok 100\n", false), log("started pid 100")});
  CHECK(m.on(exited(100, 7), t(2ms)) ==
        Actions{report("exited 7\n", true), log("pid 100 exited with status 7"), {K::record_restarting}});
  m.on({E::written}, t(3ms));
  m.on({E::deadline}, t(1003ms));
  CHECK(m.on(spawned(101), t(1004ms)) == Actions{log("restarted: pid 101")});
  CHECK(m.on(killed(101, 9, "killed by SIGKILL"), t(1005ms)) ==
        Actions{log("pid 101 killed by SIGKILL"), {K::record_restarting}});
  CHECK(m.last_exit() == "killed by SIGKILL");
}

TEST_CASE("monitor machine: --attach takes the daemon in hand, reports it at once, and restarts by the policy",
          "[monitor][machine]") {
  Rules r = always();
  r.attach = true;
  Machine m(r);
  CHECK(m.start(t(0ms)) == Actions{{K::adopt}});
  CHECK(m.on(spawned(100), t(1ms)) ==
        Actions{{K::end_start}, report("ok 100\n", true), log("supervising pid 100 again: its monitor was gone")});
  Event unknown{E::child_exit, 100, {false, -1}, "exited, with a status unknown to this monitor"};
  CHECK(m.on(unknown, t(2ms)) == Actions{log("pid 100 exited, with a status unknown to this monitor"),
                                         {K::record_restarting}});
  m.on({E::written}, t(3ms));
  CHECK(m.on({E::deadline}, t(1003ms)) == Actions{{K::spawn}});  // a child of its own now
  CHECK(m.on(spawned(101), t(1004ms)) == Actions{log("restarted: pid 101")});

  Machine gone(r);
  gone.start(t(0ms));
  Event e = spawn_failed();
  e.status = 1;
  e.message = "the daemon (pid 100) is not running any more";
  CHECK(gone.on(e, t(1ms)) == Actions{report("fail 1 the daemon (pid 100) is not running any more\n", true)});
  CHECK(gone.exit_code() == 1);
}

TEST_CASE("monitor machine: a later child that cannot start is logged and counts as a restart", "[monitor][machine]") {
  Rules r = always();
  r.limit = 1;
  Machine m(r);
  m.start(t(0ms));
  m.on(spawned(100), t(0ms));
  m.on(exited(100, 3), t(10ms));
  m.on({E::written}, t(10ms));
  m.on({E::deadline}, t(1010ms));
  Event e = spawn_failed();
  e.what = "could not start: fork: Resource temporarily unavailable";
  CHECK(m.on(e, t(1011ms)) == Actions{log("could not start: fork: Resource temporarily unavailable"),
                                      {K::record_failed}});
  CHECK(m.last_exit() == "could not start: fork: Resource temporarily unavailable");
  CHECK(m.on({E::written}, t(1011ms)) ==
        Actions{log("giving up: 1 restart within 60s; last could not start: fork: Resource temporarily unavailable")});
}

TEST_CASE("monitor machine: told to stand down, a monitor that carries the output waits for the child",
          "[monitor][machine]") {
  Machine plain = in(Phase::running);
  CHECK(plain.on({E::stand_down}, t(100ms)).empty());
  CHECK(plain.phase() == Phase::done);
  Rules r = always();
  r.carries_output = true;
  Machine rotating = in(Phase::running, r);
  CHECK(rotating.on({E::stand_down}, t(100ms)).empty());
  CHECK(rotating.phase() == Phase::standing_down);
  CHECK(rotating.on(killed(200, 15, "killed by SIGTERM"), t(200ms)).empty());  // no report, no log, no restart
  CHECK(rotating.phase() == Phase::done);
  CHECK(rotating.exit_code() == 0);
}
