#include "monitor/machine.h"

#include <algorithm>

#include "monitor/own_lines.h"

namespace daemonctl::monitor {
namespace {

using namespace std::chrono_literals;
using K = Action::Kind;

// A busy lock is tried again after 1 ms, then twice as long each time, up
// to this: a daemonctl command holds it for a few milliseconds.
constexpr std::chrono::nanoseconds kLockWaitMax = 50ms;

Action log(std::string text) { return {K::log, std::move(text)}; }

std::vector<Action> join(std::vector<Action> first, const std::vector<Action>& then) {
  first.insert(first.end(), then.begin(), then.end());
  return first;
}

std::string restarts_text(std::size_t n) { return std::to_string(n) + (n == 1 ? " restart" : " restarts"); }

}  // namespace

// Rows in the order of Phase, columns in the order of Event::Kind (see machine.h).
const Machine::Cell Machine::kTable[kPhases][kEvents] = {
    // stand_down, child_exit, reap_failed, deadline, lock_busy, written, spawned, spawn_failed
    {&Machine::leave, &Machine::ignore, &Machine::ignore, &Machine::retry, &Machine::wait_lock,  // starting
     &Machine::ignore, &Machine::started, &Machine::not_started},
    {&Machine::stand_down, &Machine::ended, &Machine::lost, &Machine::ignore, &Machine::ignore,  // running
     &Machine::ignore, &Machine::ignore, &Machine::ignore},
    {&Machine::ignore, &Machine::leave, &Machine::leave, &Machine::ignore, &Machine::ignore,  // standing_down
     &Machine::ignore, &Machine::ignore, &Machine::ignore},
    {&Machine::leave, &Machine::ignore, &Machine::ignore, &Machine::retry, &Machine::wait_lock,  // restarting
     &Machine::pause, &Machine::ignore, &Machine::ignore},
    {&Machine::leave, &Machine::ignore, &Machine::ignore, &Machine::restart, &Machine::ignore,  // backoff
     &Machine::ignore, &Machine::ignore, &Machine::ignore},
    {&Machine::leave, &Machine::ignore, &Machine::ignore, &Machine::retry, &Machine::wait_lock,  // finishing
     &Machine::finished, &Machine::ignore, &Machine::ignore},
    {&Machine::leave, &Machine::ignore, &Machine::ignore, &Machine::retry, &Machine::wait_lock,  // giving_up
     &Machine::gave_up, &Machine::ignore, &Machine::ignore},
};

std::vector<Action> Machine::start(Clock::time_point now) {
  started_ = now;
  return enter(Phase::starting, rules_.attach ? K::adopt : K::spawn);
}

std::vector<Action> Machine::on(const Event& event, Clock::time_point now) {
  if (phase_ == Phase::done) return {};
  return (this->*kTable[static_cast<int>(phase_)][static_cast<int>(event.kind)])(event, now);
}

// Told to stand down (or its child gone while it stood down): it exits,
// leaving a running daemon running.
Machine::Actions Machine::leave(const Event&, Clock::time_point) { return finish(0); }

Machine::Actions Machine::retry(const Event&, Clock::time_point) {
  deadline_.reset();
  return {{step_}};
}

Machine::Actions Machine::wait_lock(const Event&, Clock::time_point now) {
  lock_wait_ = lock_wait_ == lock_wait_.zero() ? 1ms : std::min(lock_wait_ * 2, kLockWaitMax);
  deadline_ = now + lock_wait_;
  return {};
}

Machine::Actions Machine::started(const Event& e, Clock::time_point) {
  phase_ = Phase::running;
  std::string pid = std::to_string(e.pid);
  if (!first()) return {log("restarted: pid " + pid)};
  // daemonctl's lock is let go before the report: once the start has read
  // it, the monitor holds the lock no more (a monitor stopped by SIGSTOP
  // right then would keep it from the next command).
  if (rules_.attach) {
    return {{K::end_start}, {K::report, "ok " + pid + "\n", true},
            log("supervising pid " + pid + " again: its monitor was gone")};
  }
  // The report stays open: the first child's exit follows, for a start that waits on it.
  return {{K::end_start}, {K::report, "ok " + pid + "\n"}, log("started pid " + pid)};
}

Machine::Actions Machine::not_started(const Event& e, Clock::time_point now) {
  if (first()) return join({{K::report, "fail " + std::to_string(e.status) + " " + e.message + "\n", true}}, finish(1));
  last_exit_ = e.what;
  return join({log(e.what)}, decide(now));
}

Machine::Actions Machine::stand_down(const Event&, Clock::time_point) {
  // The daemon writes into the monitor's pipes: all of its output is written
  // before the monitor exits, with the daemon.
  if (!rules_.carries_output) return finish(0);
  phase_ = Phase::standing_down;
  return {};
}

Machine::Actions Machine::ended(const Event& e, Clock::time_point now) {
  Actions out;
  // The first child's exit, for a start that waits on it (readiness, grace).
  if (first() && !rules_.attach) {
    out.push_back({K::report, (e.how.killed ? "killed " : "exited ") + std::to_string(e.how.code) + "\n", true});
  }
  last_exit_ = e.what;
  out.push_back(log("pid " + std::to_string(e.pid) + " " + e.what));
  return join(std::move(out), should_restart(e.how) ? decide(now) : enter(Phase::finishing, K::remove_state));
}

Machine::Actions Machine::lost(const Event&, Clock::time_point) { return finish(1); }

Machine::Actions Machine::pause(const Event&, Clock::time_point now) {
  Actions out = {log("restarting in " + seconds_text(delay_) + " (restart " + std::to_string(recent_.size() + 1) +
                     " of " + std::to_string(rules_.limit) + " within " + seconds_text(rules_.window) + ")")};
  if (delay_ == delay_.zero()) return join(std::move(out), restart(Event{Event::Kind::deadline}, now));
  phase_ = Phase::backoff;
  deadline_ = now + delay_;
  return out;
}

Machine::Actions Machine::restart(const Event&, Clock::time_point now) {
  recent_.push_back(now);
  ++restarts_;
  started_ = now;
  delay_ = std::min(delay_ * 2, rules_.max_delay);
  return enter(Phase::starting, K::spawn);
}

Machine::Actions Machine::finished(const Event&, Clock::time_point) {
  return join({log(rules_.policy == Rules::Policy::no ? "not restarting it (no restart policy)"
                                                       : "not restarting it (policy on-failure)")},
              finish(0));
}

Machine::Actions Machine::gave_up(const Event&, Clock::time_point) {
  return join({log("giving up: " + restarts_text(recent_.size()) + " within " + seconds_text(rules_.window) +
                   "; last " + last_exit_)},
              finish(1));
}

Machine::Actions Machine::enter(Phase phase, Action::Kind step) {
  phase_ = phase;
  step_ = step;
  deadline_.reset();
  lock_wait_ = lock_wait_.zero();
  return {{step}};
}

Machine::Actions Machine::decide(Clock::time_point now) {
  while (!recent_.empty() && now - recent_.front() >= rules_.window) recent_.pop_front();
  if (static_cast<int>(recent_.size()) >= rules_.limit) return enter(Phase::giving_up, K::record_failed);
  if (now - started_ >= rules_.window) delay_ = rules_.delay;  // it ran well: no backoff
  // No pidfile names the dead child while the next is made: its pid may be
  // reused meanwhile, and must not pass for the service. Without a pidfile,
  // a record with a live monitor reads "restarting"; with a delay the
  // record says so too, with the last exit.
  return enter(Phase::restarting, delay_ > delay_.zero() ? K::record_restarting : K::remove_pidfile);
}

Machine::Actions Machine::finish(int code) {
  phase_ = Phase::done;
  deadline_.reset();
  exit_code_ = code;
  return {};
}

bool Machine::should_restart(const posix::ExitInfo& how) const {
  switch (rules_.policy) {
    case Rules::Policy::no: return false;
    case Rules::Policy::always: return true;
    case Rules::Policy::on_failure: break;
  }
  if (how.killed) return how.code != rules_.stop_signal;
  return how.code != 0;
}

}  // namespace daemonctl::monitor
