// What the tests of the monitor's machine share (machine_test.cpp, every
// cell; machine_runs_test.cpp, many steps): a fake clock, rules,
// events, and a machine brought to each phase as the monitor would bring it.
#pragma once

#include <catch2/catch.hpp>

#include <chrono>
#include <ostream>
#include <string>
#include <vector>

#include "monitor/machine.h"

namespace daemonctl::monitor {

// What a failed check shows.
inline std::ostream& operator<<(std::ostream& out, Phase p) {
  const char* names[] = {"starting",  "running",   "standing_down", "restarting",
                         "backoff",   "finishing", "giving_up",     "done"};
  return out << names[static_cast<int>(p)];
}
inline std::ostream& operator<<(std::ostream& out, const Action& a) {
  const char* names[] = {"spawn",         "adopt",         "record_restarting", "remove_pidfile", "remove_state",
                         "record_failed", "end_start",     "report",            "log"};
  out << names[static_cast<int>(a.kind)];
  if (!a.text.empty()) out << " \"" << a.text << "\"";
  return out << (a.last ? " (last)" : "");
}

}  // namespace daemonctl::monitor

namespace machine_test {

using namespace daemonctl::monitor;
using namespace std::chrono_literals;

using K = Action::Kind;
using E = Event::Kind;
using Actions = std::vector<Action>;

// The fake clock: the monitor started at t(0).
inline Clock::time_point t(std::chrono::milliseconds ms) { return Clock::time_point(1000h) + ms; }

inline Rules always() {
  return Rules{.policy = Rules::Policy::always, .delay = 1s, .max_delay = 4s, .limit = 3, .window = 60s};
}

inline Event spawned(pid_t pid) { return {E::spawned, pid}; }
inline Event killed(pid_t pid, int sig, const std::string& what) { return {E::child_exit, pid, {true, sig}, what}; }
inline Event exited(pid_t pid, int code) {
  return {E::child_exit, pid, {false, code}, "exited with status " + std::to_string(code)};
}
inline Event spawn_failed() {
  Event e{E::spawn_failed};
  e.status = 5;
  e.message = "cannot execute '/srv/x': No such file or directory";
  e.what = e.message;
  return e;
}
inline Event event(E kind) {
  switch (kind) {
    case E::child_exit: return killed(200, 9, "killed by SIGKILL");
    case E::spawned: return spawned(300);
    case E::spawn_failed: return spawn_failed();
    default: return {kind};
  }
}

inline Action log(const std::string& text) { return {K::log, text}; }
inline Action report(const std::string& text, bool last) { return {K::report, text, last}; }

/// A machine in `phase`, reached as the monitor would reach it, before t(200)
/// (giving_up: t(1050)). In starting, its first child is still to start.
inline Machine in(Phase phase, Rules rules = always()) {
  if (phase == Phase::standing_down) rules.carries_output = true;
  if (phase == Phase::finishing) rules.policy = Rules::Policy::on_failure;
  if (phase == Phase::giving_up) rules.limit = 1;
  Machine m(rules);
  m.start(t(0ms));
  if (phase == Phase::starting) return m;
  m.on(spawned(200), t(10ms));
  if (phase == Phase::giving_up) {  // one restart, and the limit is hit
    m.on(killed(200, 9, "killed by SIGKILL"), t(20ms));
    m.on({E::written}, t(20ms));
    m.on({E::deadline}, t(1020ms));
    m.on(spawned(200), t(1020ms));
  }
  if (phase == Phase::standing_down) m.on({E::stand_down}, t(20ms));
  if (phase == Phase::running || phase == Phase::standing_down) return m;
  auto when = phase == Phase::giving_up ? 1050ms : 50ms;
  m.on(phase == Phase::finishing ? exited(200, 0) : killed(200, 9, "killed by SIGKILL"), t(when));
  if (phase == Phase::backoff) m.on({E::written}, t(100ms));
  REQUIRE(m.phase() == phase);
  return m;
}

}  // namespace machine_test
