#include "monitor/supervise.h"

#include <fcntl.h>
#include <poll.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <optional>
#include <string_view>
#include <vector>

#include "posix/signal_name.h"
#include "state/pidfile.h"
#include "monitor/own_lines.h"
#include "monitor/machine.h"
#include "monitor/output.h"
#include "posix/files.h"
#include "posix/lock.h"
#include "posix/poll.h"
#include "posix/process.h"
#include "posix/safe_path.h"
#include "posix/proc.h"
#include "posix/signal_fd.h"


namespace daemonctl::monitor {
namespace {

using K = Action::Kind;
constexpr auto kRetry = std::chrono::milliseconds(250);  // between tries to write a log that failed

Rules rules_of(const state::MonitorPlan& plan, bool carries_output) {
  Rules r;
  r.policy = plan.restart.policy == state::RestartPolicy::no       ? Rules::Policy::no
             : plan.restart.policy == state::RestartPolicy::always ? Rules::Policy::always
                                                                    : Rules::Policy::on_failure;
  r.delay = plan.restart.delay;
  r.max_delay = plan.restart.max_delay;
  r.limit = plan.restart.limit;
  r.window = plan.restart.window;
  r.stop_signal = plan.stop_signal;
  r.attach = plan.attach_pid != 0;
  r.carries_output = carries_output;
  return r;
}

std::string describe(const posix::ExitInfo& how) {
  if (how.killed) return cat({"killed by ", posix::signal_name(how.code)});
  return cat({"exited with status ", num(how.code)});
}

Event failure(const Error& e, std::string_view what) {
  Event failed{Event::Kind::spawn_failed};
  failed.status = to_int(e.status);
  failed.message = e.message;
  failed.what = cat({what, e.message});
  return failed;
}

// What daemonctl recorded of the start (the service's file, what runs, how
// to stop it), which stays in every record the monitor writes, and the
// monitor's own proof.
state::Record start_record(const state::MonitorPlan& plan) {
  state::Record r;
  if (auto text = posix::read_entry(plan.record, 64 * 1024, O_NOFOLLOW, true)) {
    if (auto recorded = state::parse_record(*text)) r = std::move(*recorded);
  }
  r.monitor = posix::this_pid();
  auto self = posix::read_stat(r.monitor);
  r.monitor_starttime = self ? self->starttime : 0;
  r.boot_id = posix::boot_id();
  return r;
}

// The daemon: the plan's, in its own environment (kEnvFd), writing into the
// monitor's pipes or files.
posix::SpawnRequest daemon_request(const state::MonitorPlan& plan, const Output& output) {
  posix::SpawnRequest rq = plan.child;
  rq.env = daemon_environment();
  rq.stdin_fd = 0;
  rq.stdout_fd = output.daemon_stdout();
  rq.stderr_fd = output.daemon_stderr();
  // All we change (see supervise()): the daemon gets them back.
  rq.changed_signals = std::uint64_t{1} << (SIGPIPE - 1) | std::uint64_t{1} << (SIGXFSZ - 1);
  return rq;
}

// The I/O shell of the Machine: one poll loop on the signals, the child's
// pidfd and the log pipes, until the machine's one deadline (or sooner, the
// next try of a log write that failed); each action it returns carried out
// here.
class Monitor {
 public:
  Monitor(const state::MonitorPlan& plan, posix::SignalFd& signals, int report_fd, int lock_fd);

  int run();

 private:
  // The loop.
  bool wait();
  int timeout() const;
  void feed(const Event& event);
  void follow(const std::vector<Action>& step);
  std::optional<Event> carry_out(const Action& action);

  // The actions, and the events they answer with.
  Event spawn();
  Event exec(posix::PreparedDaemon& prepared);
  Event adopt();
  Event reaped();
  Event locked(Action::Kind step);
  void end_start();
  void report(const std::string& line, bool last);

  // The service's state files.
  bool try_lock();
  void unlock() { lock_file_.reset(); }  // the close lets the lock go
  Status record_child(pid_t pid);
  Status write_state(state::State phase);
  void remove_state();
  void hold(const std::string& path);

  const state::MonitorPlan& plan_;
  posix::SignalFd& signals_;
  posix::UniqueFd report_;     ///< to daemonctl's start, until its last line
  posix::UniqueFd start_lock_;  ///< the service lock daemonctl's start holds for the first child
  bool in_start_ = true;  ///< daemonctl's start waits for the first child, holding the service lock for it
  Output output_;
  Machine machine_;
  state::Record record_;          ///< what daemonctl recorded of the start, and this monitor's instance
  posix::SpawnRequest request_;  ///< the daemon
  std::optional<posix::Pidfd> child_;
  bool adopted_ = false;  ///< the child is the daemon of --attach: not ours to reap
  posix::UniqueFd lock_file_;
  std::vector<posix::UniqueFd> held_;  ///< state files replaced on the way to the next child: see hold()
};

Monitor::Monitor(const state::MonitorPlan& plan, posix::SignalFd& signals, int report_fd, int lock_fd)
    : plan_(plan),
      signals_(signals),
      report_(report_fd),
      start_lock_(lock_fd),
      output_(plan),
      machine_(rules_of(plan, output_.carried())),
      record_(start_record(plan)),
      request_(daemon_request(plan, output_)) {}

int Monitor::run() {
  follow(machine_.start(Clock::now()));
  while (machine_.phase() != Phase::done) {
    if (!wait()) return 1;
  }
  return machine_.exit_code();
}

// One poll, and the events it brings, in order.
bool Monitor::wait() {
  pollfd fds[4] = {{signals_.fd(), POLLIN, 0},
                   {child_ ? child_->fd() : -1, POLLIN, 0},
                   {output_.stdout_pipe(), POLLIN, 0},
                   {output_.stderr_pipe(), POLLIN, 0}};
  if (!posix::poll_fds(fds, timeout())) return false;
  if (fds[2].revents || fds[3].revents) output_.drain();
  if (output_.waiting()) output_.flush();
  // Signals first: a stop signals us before the child, so a child's exit
  // seen together with a stand-down is the stop's, never restarted.
  if (auto sig = signals_.take(); sig && *sig != 0) feed({Event::Kind::stand_down});
  if (machine_.phase() != Phase::done && fds[1].revents) feed(reaped());
  auto deadline = machine_.deadline();
  if (machine_.phase() != Phase::done && deadline && Clock::now() >= *deadline) feed({Event::Kind::deadline});
  return true;
}

// Milliseconds until the machine's deadline, or until what waits to be
// written is tried again; -1: until an event.
int Monitor::timeout() const {
  std::optional<Clock::duration> left;
  if (auto deadline = machine_.deadline()) left = std::max(*deadline - Clock::now(), Clock::duration::zero());
  if (output_.waiting()) left = std::min<Clock::duration>(left.value_or(kRetry), kRetry);
  return left ? static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(*left).count()) : -1;
}

void Monitor::feed(const Event& event) { follow(machine_.on(event, Clock::now())); }

// Carries out a step of the machine's. An action that answers (a spawn, a
// write under the lock) is the last of its step: the step of its answer
// follows, and so on (a loop: a failing spawn without delay answers again
// and again, up to the restart limit).
void Monitor::follow(const std::vector<Action>& step) {
  for (const std::vector<Action>* actions = &step;;) {
    std::optional<Event> answer;
    for (const Action& action : *actions) {
      if (auto event = carry_out(action)) answer = std::move(event);
    }
    if (!answer || machine_.phase() == Phase::done) return;
    actions = &machine_.on(*answer, Clock::now());
  }
}

std::optional<Event> Monitor::carry_out(const Action& a) {
  switch (a.kind) {
    case K::spawn: return spawn();
    case K::adopt: return adopt();
    case K::record_restarting:
    case K::remove_pidfile:
    case K::remove_state:
    case K::record_failed: return locked(a.kind);
    case K::end_start: end_start(); break;
    case K::report: report(a.text, a.last); break;
    case K::log: output_.log(a.text); break;
  }
  return std::nullopt;
}

// The next child: forked, recorded as running under the service lock
// (daemonctl's start holds it for the first), exec'd. It is recorded while
// it sets itself up, and waits for that before its exec.
Event Monitor::spawn() {
  bool take_lock = !in_start_;
  if (take_lock && !try_lock()) return {Event::Kind::lock_busy};
  Status recorded = Error{ExitStatus::failure, "not recorded"};
  auto prepared = posix::prepare_child(request_, [&](pid_t pid) { recorded = record_child(pid); });
  if (prepared && recorded) {
    if (take_lock) unlock();
    return exec(*prepared);
  }
  // No record names a child that will never run: daemonctl's start removes
  // the service's; a later one says "restarting".
  if (prepared) prepared->abandon();
  if (prepared || recorded) in_start_ ? remove_state() : (void)write_state(state::State::restarting);
  if (take_lock) unlock();
  held_.clear();
  if (!prepared) return failure(prepared.error(), "could not start: ");
  return failure(recorded.error(), "could not be recorded: ");
}

Event Monitor::exec(posix::PreparedDaemon& prepared) {
  pid_t pid = prepared.proc().pid();
  Status st = prepared.exec();
  held_.clear();  // the files replaced on its way freed, now that it runs (or never will)
  if (!st) {
    if (in_start_) remove_state();
    return failure(st.error(), "");
  }
  child_.emplace(std::move(prepared).release());
  return {Event::Kind::spawned, pid};
}

// --attach: the daemon that runs already taken in hand and recorded, under
// daemonctl's lock; a failure if it is not there any more.
Event Monitor::adopt() {
  pid_t pid = plan_.attach_pid;
  auto proc = posix::Pidfd::open(pid);
  auto stat = posix::read_stat(pid);
  if (!proc || !stat || stat->starttime != plan_.attach_starttime || stat->state == 'Z') {
    return failure(Error{ExitStatus::failure, cat({"the daemon (pid ", num(pid), ") is not running any more"})}, "");
  }
  record_.pid = pid;
  record_.starttime = stat->starttime;
  record_.pid_inode = proc->inode();
  record_.pgid = stat->pgrp;
  if (Status st = write_state(state::State::running); !st) return failure(st.error(), "");
  child_.emplace(std::move(*proc));
  adopted_ = true;
  return {Event::Kind::spawned, pid};
}

// The child has exited: all it wrote is written, and it is reaped. One
// taken in hand is not our child: its exit status cannot be had.
Event Monitor::reaped() {
  output_.drain();
  posix::Pidfd proc = std::move(*child_);
  child_.reset();
  if (std::exchange(adopted_, false)) {
    return {Event::Kind::child_exit, proc.pid(), {false, -1}, "exited, with a status unknown to this monitor"};
  }
  auto how = proc.reap();
  if (!how) return {Event::Kind::reap_failed, proc.pid()};
  return {Event::Kind::child_exit, proc.pid(), *how, describe(*how)};
}

// The state files as `step` says, under the service lock, unless a
// daemonctl command holds it.
Event Monitor::locked(Action::Kind step) {
  if (!try_lock()) return {Event::Kind::lock_busy};
  switch (step) {
    case K::record_restarting: (void)write_state(state::State::restarting); break;
    case K::remove_pidfile:
      hold(plan_.pidfile);
      (void)posix::remove_file(plan_.pidfile);
      break;
    case K::remove_state: remove_state(); break;
    case K::record_failed: (void)write_state(state::State::failed); break;
    default: break;
  }
  unlock();
  return {Event::Kind::written};
}

void Monitor::end_start() {
  in_start_ = false;
  // Ours no more: daemonctl's start still holds it until it returns.
  start_lock_.reset();
  // The start's notify socket is gone once the start returns: not for the next ones.
  std::erase_if(request_.env, [](const std::string& e) { return e.starts_with("NOTIFY_SOCKET="); });
}

void Monitor::report(const std::string& line, bool last) {
  write_text(report_.get(), line);
  if (last) report_.reset();
}

// The service lock, if no daemonctl command holds it: the lock file is
// opened for each take, and closed to let the lock go.
bool Monitor::try_lock() {
  auto opened = posix::open_entry(plan_.lock, O_RDWR | O_CREAT | O_NOFOLLOW, 0600);
  if (!opened) return false;
  auto taken = posix::try_lock(opened->fd.get(), posix::LockMode::exclusive, plan_.lock);
  if (!taken || !*taken) return false;
  lock_file_ = std::move(opened->fd);
  return true;
}

Status Monitor::record_child(pid_t pid) {
  hold(plan_.record);
  auto stat = posix::read_stat(pid);
  auto proc = posix::Pidfd::open(pid);
  record_.pid = pid;
  record_.starttime = stat ? stat->starttime : 0;
  record_.pid_inode = proc ? proc->inode() : 0;
  record_.pgid = pid;  // prepare_child: a group of its own
  return write_state(state::State::running);
}

// The record for `phase`, and the pidfile for a running child (else none).
// An error is logged and returned: a child must not run unrecorded.
Status Monitor::write_state(state::State phase) {
  record_.phase = phase;
  record_.restarts = machine_.restarts();
  record_.last_exit = machine_.last_exit();
  Status st = posix::write_file_atomic(plan_.record, state::format_record(record_), 0644);
  if (st && phase == state::State::running) {
    st = posix::write_file_atomic(plan_.pidfile, cat({num(record_.pid), "\n"}), 0644);
  }
  if (phase != state::State::running) (void)posix::remove_file(plan_.pidfile);
  if (!st) output_.log(st.error().message);
  return st;
}

// Keeps the file at `path` (if any) from being freed until the next child
// has exec'd. Freeing a file's blocks can be slow: ext4 without a journal,
// mounted with discard (the VMs daemonctl is measured on), issues a discard
// and waits for it at the last close of a file replaced or removed, 0.1 to
// 2 ms. Held by an O_PATH fd (no open of the file itself: a FIFO or device
// there is never opened), the old record and pidfile are freed after the
// respawn, not on its way.
void Monitor::hold(const std::string& path) {
  if (auto fd = posix::open_file(path, O_PATH | O_NOFOLLOW)) held_.push_back(std::move(*fd));
}

void Monitor::remove_state() {
  (void)posix::remove_file(plan_.pidfile);
  (void)posix::remove_file(plan_.record);
  output_.remove_fifos();
}

}  // namespace

int supervise(const state::MonitorPlan& plan, int report_fd, int lock_fd) {
  posix::ignore_signal(SIGPIPE);
  // Past a file size limit a write fails with EFBIG, which the log handles,
  // rather than killing the monitor.
  posix::ignore_signal(SIGXFSZ);
  auto signals = posix::SignalFd::open({SIGTERM, SIGINT, SIGHUP, SIGQUIT});
  if (!signals) {
    write_text(report_fd, "fail 1 " + signals.error().message + "\n");
    return 1;
  }
  Monitor m(plan, *signals, report_fd, lock_fd);
  return m.run();
}

}  // namespace daemonctl::monitor
