// The monitor's lifecycle as one table, phase x event, in the manner of
// s6-supervise's actions[state][event]: every cell a small named step that
// changes the phase and says what to do. Pure: no system call and no
// clock of its own (the time comes with each event), so a test drives it
// with a fake clock and no process. supervise.cpp is the I/O shell: its one
// poll loop turns signals, the child's exit and the deadline into events,
// and carries out the actions, some of which answer with an event.
//
//   phase \ event  stand_down  child_exit  reap_failed  deadline  lock_busy  written   spawned  spawn_failed
//   starting       leave       -           -            retry     wait_lock  -         started  not_started
//   running        stand_down  ended       lost         -         -          -         -        -
//   standing_down  -           leave       leave        -         -          -         -        -
//   restarting     leave       -           -            retry     wait_lock  pause     -        -
//   backoff        leave       -           -            restart   -          -         -        -
//   finishing      leave       -           -            retry     wait_lock  finished  -        -
//   giving_up      leave       -           -            retry     wait_lock  gave_up   -        -
//
// "-": nothing to do. The event cannot happen in that phase (no child, no
// deadline, no write under way), or, a stand-down while standing down, is
// in hand already. A deadline is the lock's next try where the phase waits
// for the lock (retry), the end of the delay in backoff (restart).
#pragma once

#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

#include "posix/pidfd.h"

namespace daemonctl::monitor {

using Clock = std::chrono::steady_clock;

/// What the monitor waits for.
enum class Phase {
  starting,       ///< to start a child (or take the running daemon in hand): for the service lock
  running,        ///< a child runs: for its exit
  standing_down,  ///< told to stand down, it writes the child's output until the child exits
  restarting,     ///< a child ended and restarts: for the lock, to record that
  backoff,        ///< for the restart delay to pass
  finishing,      ///< a child ended and does not restart: for the lock, to remove the state
  giving_up,      ///< past the restart limit: for the lock, to record "failed"
  done,           ///< exited, with exit_code()
};
/// The phases that take events: all but done.
inline constexpr int kPhases = 7;

struct Event {
  enum class Kind {
    stand_down,    ///< SIGTERM, SIGINT, SIGHUP or SIGQUIT
    child_exit,    ///< the child exited and was reaped: pid, how, what
    reap_failed,   ///< the child exited, and could not be reaped
    deadline,      ///< the deadline passed
    lock_busy,     ///< the service lock is a daemonctl command's: nothing was done
    written,       ///< the state files were written (or removed) under the lock
    spawned,       ///< the child runs (exec'd, or taken in hand): pid
    spawn_failed,  ///< no child: status, message, what
  };
  Kind kind;
  pid_t pid = 0;
  posix::ExitInfo how{};  ///< child_exit: how it ended (not killed, code -1: unknown to this monitor)
  std::string what{};     ///< child_exit: "exited with status 1"; spawn_failed: why, for the log and the record
  int status = 1;         ///< spawn_failed: the exit status daemonctl's start fails with
  std::string message{};  ///< spawn_failed: the error, for daemonctl's start
};
inline constexpr int kEvents = 8;

struct Action {
  enum class Kind {
    spawn,              ///< fork the child, record it (under the lock, but for the first: daemonctl
                        ///< holds it), exec it: answers spawned, spawn_failed or lock_busy
    adopt,              ///< take the daemon of --attach in hand and record it: spawned or spawn_failed
    record_restarting,  ///< under the lock: the record says restarting, no pidfile: written or lock_busy
    remove_pidfile,     ///< under the lock: no pidfile names the dead child: written or lock_busy
    remove_state,       ///< under the lock: no record, no pidfile: written or lock_busy
    record_failed,      ///< under the lock: the record says failed, no pidfile: written or lock_busy
    end_start,          ///< daemonctl's start has its daemon: its lock let go, its NOTIFY_SOCKET not passed on
    report,             ///< `text` to daemonctl's start; `last`: the report fd is closed after it
    log,                ///< `text`, a line of the monitor's own in the service's log
  };
  Kind kind;
  std::string text{};
  bool last = false;
  bool operator==(const Action&) const = default;
};

/// What the table needs of the plan.
struct Rules {
  enum class Policy { no, on_failure, always };
  Policy policy = Policy::always;
  std::chrono::nanoseconds delay{0}, max_delay{0};  ///< the first restart's; the doubling stops at max_delay
  int limit = 5;                                    ///< restarts within `window`, then giving up
  std::chrono::nanoseconds window{0};
  int stop_signal = 15;         ///< an exit by this signal is a stop, not a failure (on-failure)
  bool attach = false;          ///< the first child is the running daemon of --attach
  bool carries_output = false;  ///< rotated logs: a stand-down waits for the child, to write all its output
};

class Machine {
 public:
  explicit Machine(const Rules& rules) : rules_(rules), delay_(rules.delay) {}

  /// The first step: start the first child, or take the daemon in hand.
  const std::vector<Action>& start(Clock::time_point now);
  /// The table: what `event` does in the current phase (nothing once done).
  /// Of the actions of one step, at most one answers with an event (a
  /// spawn, an adopt, a write under the lock), and it is the last. The list
  /// is the machine's, valid until its next step.
  const std::vector<Action>& on(const Event& event, Clock::time_point now);

  Phase phase() const { return phase_; }
  /// When the monitor acts next without an event; nullopt: only on an event.
  std::optional<Clock::time_point> deadline() const { return deadline_; }
  int exit_code() const { return exit_code_; }
  /// For the record: the restarts so far, and how the last child ended.
  int restarts() const { return restarts_; }
  const std::string& last_exit() const { return last_exit_; }

 private:
  using Cell = void (Machine::*)(const Event&, Clock::time_point);
  static const Cell kTable[kPhases][kEvents];

  // The cells.
  void ignore(const Event&, Clock::time_point) {}
  void leave(const Event&, Clock::time_point) { finish(0); }
  void retry(const Event&, Clock::time_point);
  void wait_lock(const Event&, Clock::time_point now);
  void started(const Event& e, Clock::time_point);
  void not_started(const Event& e, Clock::time_point now);
  void stand_down(const Event&, Clock::time_point);
  void ended(const Event& e, Clock::time_point now);
  void lost(const Event&, Clock::time_point) { finish(1); }
  void pause(const Event&, Clock::time_point now);
  void restart(const Event&, Clock::time_point now);
  void finished(const Event&, Clock::time_point);
  void gave_up(const Event&, Clock::time_point);

  // Their parts.
  bool first() const { return restarts_ == 0; }  ///< the child of daemonctl's start (or the one it hands over)
  void emit(Action::Kind kind, std::string text = {}, bool last = false);
  void log(std::string text) { emit(Action::Kind::log, std::move(text)); }
  void enter(Phase phase, Action::Kind step);  ///< a phase that waits to do `step` under the lock
  void decide(Clock::time_point now);          ///< after a child that should run again
  void finish(int code);
  bool should_restart(const posix::ExitInfo& how) const;

  Rules rules_;
  Phase phase_ = Phase::starting;
  std::optional<Clock::time_point> deadline_;
  Action::Kind step_ = Action::Kind::spawn;  ///< what the phase waits to do under the lock
  std::chrono::nanoseconds lock_wait_{0};    ///< the last wait for the lock; 0: none yet
  std::chrono::nanoseconds delay_;           ///< the next restart's
  Clock::time_point started_{};              ///< when the current child was started
  std::deque<Clock::time_point> recent_;     ///< the restarts within the window
  int restarts_ = 0;
  std::string last_exit_;
  int exit_code_ = 0;
  std::vector<Action> out_;  ///< what the step under way does
};

}  // namespace daemonctl::monitor
