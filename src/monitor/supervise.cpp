#include "monitor/supervise.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <ctime>
#include <deque>

#include "posix/signal_name.h"
#include "state/pidfile.h"
#include "monitor/own_lines.h"
#include "monitor/rotating_log.h"
#include "posix/files.h"
#include "posix/safe_path.h"
#include "posix/proc.h"
#include "posix/signal_fd.h"


namespace daemonctl::monitor {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kRetry = 250;  // ms between tries to write a log that failed

class Monitor {
 public:
  Monitor(const state::MonitorPlan& plan, posix::SignalFd& signals) : plan_(plan), signals_(signals) {
    // What daemonctl recorded of the start (the service's file, what runs,
    // how to stop it) stays in every record the monitor writes.
    if (auto text = posix::read_entry(plan.record, 64 * 1024, O_NOFOLLOW, true)) {
      if (auto recorded = state::parse_record(*text)) base_ = std::move(*recorded);
    }
    base_.monitor = ::getpid();
    auto self = posix::read_stat(::getpid());
    base_.monitor_starttime = self ? self->starttime : 0;
    base_.boot_id = posix::boot_id();
    child_ = plan.child;
    child_.env = daemon_environment();
    child_.stdin_fd = 0;
    child_.stdout_fd = 1;
    child_.stderr_fd = 2;
    // All we change (see supervise()): the daemon gets them back.
    child_.changed_signals = std::uint64_t{1} << (SIGPIPE - 1) | std::uint64_t{1} << (SIGXFSZ - 1);
    // Rotated streams reach the daemon as FIFOs; the monitor writes the files.
    if (!plan.out.path.empty()) {
      out_.emplace(plan.out, 1, plan.log_mode, plan.log_chown, plan.log_uid, plan.log_gid);
      if (Status st = out_->open_pipe(state::output_fifo(plan.record, 1)); st) child_.stdout_fd = out_->write_end();
      else fifo_problem(out_, st);
    }
    if (plan.err_is_out && out_) {
      child_.stderr_fd = out_->write_end();
    } else if (!plan.err.path.empty()) {
      err_.emplace(plan.err, 2, plan.log_mode, plan.log_chown, plan.log_uid, plan.log_gid);
      if (Status st = err_->open_pipe(state::output_fifo(plan.record, 2)); st) child_.stderr_fd = err_->write_end();
      else fifo_problem(err_, st);
    }
    for (const std::string& problem : fifo_problems_) log(problem);
  }

  ~Monitor() { flush_logs(); }

  int run(int report_fd, int lock_fd);

 private:
  /// One line to the service's stderr log: "2026-11-27T14:40:00Z daemonctl-monitor[12]: web: ...".
  void log(const std::string& what) {
    char when[32];
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&now, &tm);
    std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    std::string line = std::string(when) + " daemonctl-monitor[" + std::to_string(::getpid()) + "]: " + plan_.name +
                       ": " + what + "\n";
    // To stderr's file; to stdout's when stderr goes nowhere.
    bool to_out = plan_.log_to_out || plan_.err_is_out;
    std::optional<RotatingLog>& rotated = to_out ? out_ : err_;
    if (rotated) return rotated->note(line);
    note_plain(to_out ? 1 : 2, line);
  }

  /// The logs: each drained, and why one could not be reopened logged.
  void drain_logs() {
    for (auto* l : {&out_, &err_}) {
      if (!*l) continue;
      (*l)->drain();
      if (std::string why = (*l)->take_problem(); !why.empty()) log(why);
    }
  }
  /// Retries what waits to be written (a full disk).
  void flush_logs() {
    if (out_) out_->flush();
    if (err_) err_->flush();
  }
  bool logs_waiting() const { return (out_ && out_->waiting()) || (err_ && err_->waiting()); }

  /// A stand-down signal pending? Takes it.
  bool told_to_stand_down() {
    auto sig = signals_.take();
    return sig && *sig != 0;
  }

  /// Takes the service lock (the lock file stays open between takes), or
  /// returns false if told to stand down first.
  bool lock() {
    auto period = std::chrono::milliseconds(1);
    for (;;) {
      if (!lock_file_) {
        auto opened = posix::open_entry(plan_.lock, O_RDWR | O_CREAT | O_NOFOLLOW, 0600);
        if (opened) lock_file_ = std::move(opened->fd);
      }
      if (lock_file_ && ::flock(lock_file_.get(), LOCK_EX | LOCK_NB) == 0) return true;
      // Held by a daemonctl command: wait, but wake for a stand-down.
      pollfd p{signals_.fd(), POLLIN, 0};
      ::poll(&p, 1, static_cast<int>(period.count()));
      if (told_to_stand_down()) return false;
      period = std::min(period * 2, std::chrono::milliseconds(50));
    }
  }
  void unlock() { ::flock(lock_file_.get(), LOCK_UN); }

  /// Writes the record for `phase`, and the pidfile for a running child
  /// (else removes it). An error is logged and returned: a child must not
  /// run unrecorded.
  Status write_state(state::State phase) {
    state::Record r = base_;
    r.phase = phase;
    r.restarts = restarts_;
    r.last_exit = last_exit_;
    Status st = posix::write_file_atomic(plan_.record, state::format_record(r), 0644);
    if (st && phase == state::State::running) st = posix::write_file_atomic(plan_.pidfile, std::to_string(r.pid) + "\n", 0644);
    if (phase != state::State::running) (void)posix::remove_file(plan_.pidfile);
    if (!st) log(st.error().message);
    return st;
  }

  void remove_state() {
    (void)posix::remove_file(plan_.pidfile);
    (void)posix::remove_file(plan_.record);
    if (out_) (void)posix::remove_file(state::output_fifo(plan_.record, 1));
    if (err_) (void)posix::remove_file(state::output_fifo(plan_.record, 2));
  }

  /// Without its FIFO a stream goes straight to its file, unrotated; said
  /// in the file, once the monitor can write there.
  void fifo_problem(std::optional<RotatingLog>& stream, const Status& why) {
    fifo_problems_.push_back(why.error().message + "; writing the file unrotated");
    stream.reset();
  }

  bool should_restart(const posix::ExitInfo& how) const {
    if (plan_.restart.policy == state::RestartPolicy::no) return false;
    if (plan_.restart.policy == state::RestartPolicy::always) return true;
    if (how.killed) return how.code != plan_.stop_signal;
    return how.code != 0;
  }

  std::optional<posix::Pidfd> adopt(int& report_fd, int& lock_fd);

  static std::string describe(const posix::ExitInfo& how) {
    if (how.killed) return "killed by " + posix::signal_name(how.code);
    return "exited with status " + std::to_string(how.code);
  }

  const state::MonitorPlan& plan_;
  posix::SignalFd& signals_;
  posix::SpawnRequest child_;
  state::Record base_;
  int restarts_ = 0;
  std::string last_exit_;
  std::vector<std::string> fifo_problems_;  ///< logged once the logs are set up
  posix::UniqueFd lock_file_;
  std::optional<RotatingLog> out_, err_;
};

void report(int& fd, const std::string& line) {
  if (fd < 0) return;
  write_text(fd, line);
  ::close(fd);
  fd = -1;
}

// --attach: the daemon that runs already taken in hand, recorded under
// daemonctl's lock, and reported; nullopt (reported as a failure) if it is
// not there any more.
std::optional<posix::Pidfd> Monitor::adopt(int& report_fd, int& lock_fd) {
  pid_t pid = plan_.attach_pid;
  auto proc = posix::Pidfd::open(pid);
  auto stat = posix::read_stat(pid);
  if (!proc || !stat || stat->starttime != plan_.attach_starttime || stat->state == 'Z') {
    report(report_fd, "fail 1 the daemon (pid " + std::to_string(pid) + ") is not running any more\n");
    return std::nullopt;
  }
  base_.pid = pid;
  base_.starttime = stat->starttime;
  base_.pgid = stat->pgrp;
  if (Status st = write_state(state::State::running); !st) {
    report(report_fd, "fail " + std::to_string(to_int(st.error().status)) + " " + st.error().message + "\n");
    return std::nullopt;
  }
  report(report_fd, "ok " + std::to_string(pid) + "\n");
  if (lock_fd >= 0) ::close(lock_fd);
  lock_fd = -1;
  std::erase_if(child_.env, [](const std::string& e) { return e.starts_with("NOTIFY_SOCKET="); });
  log("supervising pid " + std::to_string(pid) + " again: its monitor was gone");
  return std::move(*proc);
}

int Monitor::run(int report_fd, int lock_fd) {
  auto delay = plan_.restart.delay;
  std::deque<Clock::time_point> recent;  // restarts within the window
  for (bool first = true;; first = false) {
    std::optional<posix::Pidfd> proc;
    Clock::time_point started = Clock::now();
    // Not our child: its exit status cannot be had, and counts as a failure.
    bool adopted = first && plan_.attach_pid != 0;
    if (adopted && !(proc = adopt(report_fd, lock_fd))) return 1;
    // The child waits before its exec until its pid is recorded: recorded
    // while it sets itself up, under the lock (the first time, daemonctl's).
    bool locked = first, stood_down = false;
    Status recorded = Error{ExitStatus::failure, "not recorded"};
    auto prepared = adopted ? Result<posix::PreparedDaemon>(Error{}) : posix::prepare_child(child_, [&](pid_t pid) {
      if (!locked && !(locked = lock())) {
        stood_down = true;
        return;
      }
      auto stat = posix::read_stat(pid);
      base_.pid = pid;
      base_.starttime = stat ? stat->starttime : 0;
      base_.pgid = pid;  // prepare_child: a group of its own
      recorded = write_state(state::State::running);
    });
    auto release = [&] {
      if (locked && !first) unlock();
      locked = false;
    };
    if (stood_down) {
      if (prepared) prepared->abandon();
      return 0;
    }
    if (!prepared && !adopted) {
      if (recorded) first ? remove_state() : (void)write_state(state::State::restarting);
      release();
      if (first) {
        report(report_fd, "fail " + std::to_string(to_int(prepared.error().status)) + " " + prepared.error().message + "\n");
        return 1;
      }
      last_exit_ = "could not start: " + prepared.error().message;
      log(last_exit_);
    }
    if (prepared) {
      pid_t pid = prepared->proc().pid();
      if (!recorded) {
        // Not recorded, so not run: abandoned before its exec.
        prepared->abandon();
        if (first) {
          remove_state();
          report(report_fd, "fail " + std::to_string(to_int(recorded.error().status)) + " " +
                                recorded.error().message + "\n");
          return 1;
        }
        (void)write_state(state::State::restarting);
        release();
        last_exit_ = "could not be recorded: " + recorded.error().message;
        log(last_exit_);
      } else {
        release();
        if (Status st = prepared->exec(); !st) {
          if (first) {
            remove_state();
            report(report_fd, "fail " + std::to_string(to_int(st.error().status)) + " " + st.error().message + "\n");
            return 1;
          }
          last_exit_ = st.error().message;
          log(last_exit_);
        } else {
          proc.emplace(std::move(*prepared).release());
          if (first) {
            // Kept open: the first daemon's exit follows, for a start that waits on it.
            write_text(report_fd, "ok " + std::to_string(pid) + "\n");
            if (lock_fd >= 0) ::close(lock_fd);  // ours no more: daemonctl still holds it until it returns
            lock_fd = -1;
            // The start's notify socket is gone once the start returns: not for the next ones.
            std::erase_if(child_.env, [](const std::string& e) { return e.starts_with("NOTIFY_SOCKET="); });
          }
          log((restarts_ == 0 ? "started pid " : "restarted: pid ") + std::to_string(pid));
        }
      }
    }

    if (proc) {
      // Until the child exits. Told to stand down, the monitor exits at
      // once, unless it carries the daemon's output: then it writes all of
      // it, and exits when the daemon does.
      bool standing_down = false;
      for (;;) {
        pollfd fds[4] = {{signals_.fd(), POLLIN, 0},
                         {proc->fd(), POLLIN, 0},
                         {out_ ? out_->read_end() : -1, POLLIN, 0},
                         {err_ ? err_->read_end() : -1, POLLIN, 0}};
        // What waits to be written is retried every kRetry.
        if (::poll(fds, 4, logs_waiting() ? kRetry : -1) < 0 && errno != EINTR) return 1;
        if (fds[2].revents || fds[3].revents) drain_logs();
        if (logs_waiting()) flush_logs();
        // Signals first: a stop signals us before the child, so a child's exit
        // seen together with a stand-down is the stop's, never restarted.
        if (told_to_stand_down()) {
          if (!out_ && !err_) return 0;
          standing_down = true;
        }
        if (fds[1].revents) break;
      }
      drain_logs();
      if (standing_down) {
        (void)proc->reap();
        return 0;
      }
      auto how = adopted ? Result<posix::ExitInfo>(posix::ExitInfo{false, -1}) : proc->reap();
      if (!how) return 1;
      report(report_fd, (how->killed ? "killed " : "exited ") + std::to_string(how->code) + "\n");
      last_exit_ = adopted ? "exited, with a status unknown to this monitor" : describe(*how);
      log("pid " + std::to_string(proc->pid()) + " " + last_exit_);
      if (!should_restart(*how)) {
        if (!lock()) return 0;
        remove_state();
        unlock();
        log(plan_.restart.policy == state::RestartPolicy::no ? std::string("not restarting it (no restart policy)")
                                                               : "not restarting it (policy on-failure)");
        return 0;
      }
    }

    auto now = Clock::now();
    while (!recent.empty() && now - recent.front() >= plan_.restart.window) recent.pop_front();
    if (static_cast<int>(recent.size()) >= plan_.restart.limit) {
      if (!lock()) return 0;
      (void)write_state(state::State::failed);
      unlock();
      log("giving up: " + std::to_string(recent.size()) + (recent.size() == 1 ? " restart" : " restarts") + " within " +
          seconds_text(plan_.restart.window) + "; last " + last_exit_);
      return 1;
    }
    if (now - started >= plan_.restart.window) delay = plan_.restart.delay;  // it ran well: no backoff
    // No pidfile names the dead child while the next is made: its pid may
    // be reused meanwhile, and must not pass for the service. Without a
    // pidfile, a record with a live monitor reads "restarting"; with a delay
    // the record says so too, with the last exit.
    if (!lock()) return 0;
    if (delay.count() > 0) (void)write_state(state::State::restarting);
    else (void)posix::remove_file(plan_.pidfile);
    unlock();
    log("restarting in " + seconds_text(delay) + " (restart " + std::to_string(recent.size() + 1) + " of " +
        std::to_string(plan_.restart.limit) + " within " + seconds_text(plan_.restart.window) + ")");
    if (delay.count() > 0) {
      pollfd p{signals_.fd(), POLLIN, 0};
      auto until = Clock::now() + delay;
      while (Clock::now() < until) {
        auto ms = std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now()).count();
        ::poll(&p, 1, static_cast<int>(ms));
        if (told_to_stand_down()) return 0;
      }
    }
    recent.push_back(Clock::now());
    ++restarts_;
    delay = std::min(delay * 2, plan_.restart.max_delay);
  }
}

}  // namespace

int supervise(const state::MonitorPlan& plan, int report_fd, int lock_fd) {
  ::signal(SIGPIPE, SIG_IGN);
  // Past a file size limit a write fails with EFBIG, which the log handles,
  // rather than killing the monitor.
  ::signal(SIGXFSZ, SIG_IGN);
  auto signals = posix::SignalFd::open({SIGTERM, SIGINT, SIGHUP, SIGQUIT});
  if (!signals) {
    report(report_fd, "fail 1 " + signals.error().message + "\n");
    return 1;
  }
  Monitor m(plan, *signals);
  return m.run(report_fd, lock_fd);
}

}  // namespace daemonctl::monitor
