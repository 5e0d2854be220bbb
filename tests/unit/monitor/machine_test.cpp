#include "machine_fixture.h"

#include <optional>

using namespace machine_test;

namespace {

/// One cell: `event` at t(2000) in `from` gives phase `to`, `actions`, and
/// `deadline` (a time of the fake clock; none: no deadline).
struct Cell {
  Phase from;
  E event;
  Phase to;
  Actions actions;
  std::optional<std::chrono::milliseconds> deadline = std::nullopt;
};

void check(const Cell& c) {
  Machine m = in(c.from);
  Actions got = m.on(event(c.event), t(2000ms));
  CHECK(got == c.actions);
  CHECK(m.phase() == c.to);
  CHECK(m.deadline() == (c.deadline ? std::optional(t(*c.deadline)) : std::nullopt));
}

const std::string kFail = "fail 5 cannot execute '/srv/x': No such file or directory\n";

// Every cell, in the order of machine.h's table.
const std::vector<Cell> kCells = {
    // The first start: daemonctl holds the lock and waits for the report.
    {Phase::starting, E::stand_down, Phase::done, {}},
    {Phase::starting, E::child_exit, Phase::starting, {}},
    {Phase::starting, E::reap_failed, Phase::starting, {}},
    {Phase::starting, E::deadline, Phase::starting, {{K::spawn}}},
    {Phase::starting, E::lock_busy, Phase::starting, {}, 2001ms},  // the lock tried again in 1 ms
    {Phase::starting, E::written, Phase::starting, {}},
    {Phase::starting, E::spawned, Phase::running,
     {{K::end_start}, report("ok 300\n", false), log("started pid 300")}},
    {Phase::starting, E::spawn_failed, Phase::done, {report(kFail, true)}},

    {Phase::running, E::stand_down, Phase::done, {}},
    {Phase::running, E::child_exit, Phase::restarting,
     {report("killed 9\n", true), log("pid 200 killed by SIGKILL"), {K::record_restarting}}},
    {Phase::running, E::reap_failed, Phase::done, {}},
    {Phase::running, E::deadline, Phase::running, {}},
    {Phase::running, E::lock_busy, Phase::running, {}},
    {Phase::running, E::written, Phase::running, {}},
    {Phase::running, E::spawned, Phase::running, {}},
    {Phase::running, E::spawn_failed, Phase::running, {}},

    {Phase::standing_down, E::stand_down, Phase::standing_down, {}},
    {Phase::standing_down, E::child_exit, Phase::done, {}},
    {Phase::standing_down, E::reap_failed, Phase::done, {}},
    {Phase::standing_down, E::deadline, Phase::standing_down, {}},
    {Phase::standing_down, E::lock_busy, Phase::standing_down, {}},
    {Phase::standing_down, E::written, Phase::standing_down, {}},
    {Phase::standing_down, E::spawned, Phase::standing_down, {}},
    {Phase::standing_down, E::spawn_failed, Phase::standing_down, {}},

    {Phase::restarting, E::stand_down, Phase::done, {}},
    {Phase::restarting, E::child_exit, Phase::restarting, {}},
    {Phase::restarting, E::reap_failed, Phase::restarting, {}},
    {Phase::restarting, E::deadline, Phase::restarting, {{K::record_restarting}}},
    {Phase::restarting, E::lock_busy, Phase::restarting, {}, 2001ms},  // the lock tried again in 1 ms
    {Phase::restarting, E::written, Phase::backoff, {log("restarting in 1s (restart 1 of 3 within 60s)")}, 3000ms},
    {Phase::restarting, E::spawned, Phase::restarting, {}},
    {Phase::restarting, E::spawn_failed, Phase::restarting, {}},

    {Phase::backoff, E::stand_down, Phase::done, {}},
    {Phase::backoff, E::child_exit, Phase::backoff, {}, 1100ms},
    {Phase::backoff, E::reap_failed, Phase::backoff, {}, 1100ms},
    {Phase::backoff, E::deadline, Phase::starting, {{K::spawn}}},
    {Phase::backoff, E::lock_busy, Phase::backoff, {}, 1100ms},
    {Phase::backoff, E::written, Phase::backoff, {}, 1100ms},
    {Phase::backoff, E::spawned, Phase::backoff, {}, 1100ms},
    {Phase::backoff, E::spawn_failed, Phase::backoff, {}, 1100ms},

    {Phase::finishing, E::stand_down, Phase::done, {}},
    {Phase::finishing, E::child_exit, Phase::finishing, {}},
    {Phase::finishing, E::reap_failed, Phase::finishing, {}},
    {Phase::finishing, E::deadline, Phase::finishing, {{K::remove_state}}},
    {Phase::finishing, E::lock_busy, Phase::finishing, {}, 2001ms},  // the lock tried again in 1 ms
    {Phase::finishing, E::written, Phase::done, {log("not restarting it (policy on-failure)")}},
    {Phase::finishing, E::spawned, Phase::finishing, {}},
    {Phase::finishing, E::spawn_failed, Phase::finishing, {}},

    {Phase::giving_up, E::stand_down, Phase::done, {}},
    {Phase::giving_up, E::child_exit, Phase::giving_up, {}},
    {Phase::giving_up, E::reap_failed, Phase::giving_up, {}},
    {Phase::giving_up, E::deadline, Phase::giving_up, {{K::record_failed}}},
    {Phase::giving_up, E::lock_busy, Phase::giving_up, {}, 2001ms},  // the lock tried again in 1 ms
    {Phase::giving_up, E::written, Phase::done, {log("giving up: 1 restart within 60s; last killed by SIGKILL")}},
    {Phase::giving_up, E::spawned, Phase::giving_up, {}},
    {Phase::giving_up, E::spawn_failed, Phase::giving_up, {}},
};

}  // namespace

TEST_CASE("monitor machine: every phase x event cell", "[monitor][machine]") {
  REQUIRE(kCells.size() == kPhases * kEvents);
  for (const Cell& c : kCells) {
    INFO(c.from << " + event " << static_cast<int>(c.event));
    check(c);
  }
}

TEST_CASE("monitor machine: the exit code of each way out", "[monitor][machine]") {
  auto code = [](Phase from, E e) {
    Machine m = in(from);
    m.on(event(e), t(2000ms));
    REQUIRE(m.phase() == Phase::done);
    return m.exit_code();
  };
  CHECK(code(Phase::starting, E::stand_down) == 0);
  CHECK(code(Phase::starting, E::spawn_failed) == 1);
  CHECK(code(Phase::running, E::stand_down) == 0);
  CHECK(code(Phase::running, E::reap_failed) == 1);
  CHECK(code(Phase::standing_down, E::child_exit) == 0);
  CHECK(code(Phase::standing_down, E::reap_failed) == 0);
  CHECK(code(Phase::restarting, E::stand_down) == 0);
  CHECK(code(Phase::backoff, E::stand_down) == 0);
  CHECK(code(Phase::finishing, E::written) == 0);
  CHECK(code(Phase::finishing, E::stand_down) == 0);
  CHECK(code(Phase::giving_up, E::written) == 1);
  CHECK(code(Phase::giving_up, E::stand_down) == 0);
}

TEST_CASE("monitor machine: once done, every event does nothing", "[monitor][machine]") {
  Machine m = in(Phase::running);
  m.on({E::stand_down}, t(100ms));
  REQUIRE(m.phase() == Phase::done);
  for (int e = 0; e < kEvents; ++e) {
    CHECK(m.on(event(static_cast<E>(e)), t(200ms)).empty());
    CHECK(m.phase() == Phase::done);
    CHECK(m.exit_code() == 0);
    CHECK_FALSE(m.deadline());
  }
}

TEST_CASE("monitor machine: the first step starts the child, or takes the running daemon in hand",
          "[monitor][machine]") {
  Machine m(always());
  CHECK(m.start(t(0ms)) == Actions{{K::spawn}});
  CHECK(m.phase() == Phase::starting);
  CHECK_FALSE(m.deadline());
  Rules attach = always();
  attach.attach = true;
  Machine a(attach);
  CHECK(a.start(t(0ms)) == Actions{{K::adopt}});
  CHECK(a.phase() == Phase::starting);
}

