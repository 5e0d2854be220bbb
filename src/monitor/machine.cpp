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

std::string restarts_text(std::size_t n) { return cat({num(static_cast<long>(n)), n == 1 ? " restart" : " restarts"}); }

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

const std::vector<Action>& Machine::start(Clock::time_point now) {
  out_.clear();
  started_ = now;
  enter(Phase::starting, rules_.attach ? K::adopt : K::spawn);
  return out_;
}

const std::vector<Action>& Machine::on(const Event& event, Clock::time_point now) {
  out_.clear();
  if (phase_ != Phase::done) (this->*kTable[static_cast<int>(phase_)][static_cast<int>(event.kind)])(event, now);
  return out_;
}

void Machine::retry(const Event&, Clock::time_point) {
  deadline_.reset();
  emit(step_);
}

void Machine::wait_lock(const Event&, Clock::time_point now) {
  lock_wait_ = lock_wait_ == lock_wait_.zero() ? 1ms : std::min(lock_wait_ * 2, kLockWaitMax);
  deadline_ = now + lock_wait_;
}

void Machine::started(const Event& e, Clock::time_point) {
  phase_ = Phase::running;
  std::string pid = num(e.pid);
  if (!first()) return log(cat({"restarted: pid ", pid}));
  // daemonctl's lock is let go before the report: once the start has read
  // it, the monitor holds the lock no more (a monitor stopped by SIGSTOP
  // right then would keep it from the next command).
  emit(K::end_start);
  // Taken in hand, the daemon's exit status is unknown: nothing more to
  // report. Else the report stays open: the first child's exit follows,
  // for a start that waits on it.
  emit(K::report, cat({"ok ", pid, "\n"}), rules_.attach);
  log(rules_.attach ? cat({"supervising pid ", pid, " again: its monitor was gone"}) : cat({"started pid ", pid}));
}

void Machine::not_started(const Event& e, Clock::time_point now) {
  if (first()) {
    emit(K::report, cat({"fail ", num(e.status), " ", e.message, "\n"}), true);
    return finish(1);
  }
  last_exit_ = e.what;
  log(e.what);
  decide(now);
}

void Machine::stand_down(const Event&, Clock::time_point) {
  // The daemon writes into the monitor's pipes: all of its output is written
  // before the monitor exits, with the daemon.
  if (!rules_.carries_output) return finish(0);
  phase_ = Phase::standing_down;
}

void Machine::ended(const Event& e, Clock::time_point now) {
  // The first child's exit, for a start that waits on it (readiness, grace).
  if (first() && !rules_.attach) {
    emit(K::report, cat({e.how.killed ? "killed " : "exited ", num(e.how.code), "\n"}), true);
  }
  last_exit_ = e.what;
  log(cat({"pid ", num(e.pid), " ", e.what}));
  if (should_restart(e.how)) return decide(now);
  enter(Phase::finishing, K::remove_state);
}

void Machine::pause(const Event&, Clock::time_point now) {
  log(cat({"restarting in ", seconds_text(delay_), " (restart ", num(static_cast<long>(recent_.size()) + 1), " of ",
           num(rules_.limit), " within ", seconds_text(rules_.window), ")"}));
  if (delay_ == delay_.zero()) return restart(Event{Event::Kind::deadline}, now);
  phase_ = Phase::backoff;
  deadline_ = now + delay_;
}

void Machine::restart(const Event&, Clock::time_point now) {
  recent_.push_back(now);
  ++restarts_;
  started_ = now;
  delay_ = std::min(delay_ * 2, rules_.max_delay);
  enter(Phase::starting, K::spawn);
}

void Machine::finished(const Event&, Clock::time_point) {
  log(rules_.policy == Rules::Policy::no ? "not restarting it (no restart policy)"
                                         : "not restarting it (policy on-failure)");
  finish(0);
}

void Machine::gave_up(const Event&, Clock::time_point) {
  log(cat({"giving up: ", restarts_text(recent_.size()), " within ", seconds_text(rules_.window), "; last ",
           last_exit_}));
  finish(1);
}

void Machine::emit(Action::Kind kind, std::string text, bool last) { out_.push_back({kind, std::move(text), last}); }

void Machine::enter(Phase phase, Action::Kind step) {
  phase_ = phase;
  step_ = step;
  deadline_.reset();
  lock_wait_ = lock_wait_.zero();
  emit(step);
}

void Machine::decide(Clock::time_point now) {
  while (!recent_.empty() && now - recent_.front() >= rules_.window) recent_.pop_front();
  if (static_cast<int>(recent_.size()) >= rules_.limit) return enter(Phase::giving_up, K::record_failed);
  if (now - started_ >= rules_.window) delay_ = rules_.delay;  // it ran well: no backoff
  // No pidfile names the dead child while the next is made: its pid may be
  // reused meanwhile, and must not pass for the service. Without a pidfile,
  // a record with a live monitor reads "restarting"; with a delay the
  // record says so too, with the last exit.
  enter(Phase::restarting, delay_ > delay_.zero() ? K::record_restarting : K::remove_pidfile);
}

void Machine::finish(int code) {
  phase_ = Phase::done;
  deadline_.reset();
  exit_code_ = code;
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
