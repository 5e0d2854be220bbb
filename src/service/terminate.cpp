#include "service/terminate.h"

#include <csignal>
#include <unistd.h>

#include <algorithm>
#include <vector>


#include "common/log.h"
#include "posix/signal_name.h"
#include "posix/proc.h"
#include "posix/process.h"

namespace daemonctl::service {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kKillWait = std::chrono::seconds(5);


Error group_error(pid_t pgid) {
  Error e = sys_error("cannot signal process group " + std::to_string(pgid));
  if (e.err == EPERM) e.message = "not allowed to signal process group " + std::to_string(pgid) + ": Operation not permitted";
  return e;
}

Status send(const posix::Pidfd& proc, pid_t pgid, bool group, int sig) {
  if (group && group_is_ours(proc, pgid)) {
    log::debug("sending " + posix::signal_name(sig) + " to process group " + std::to_string(pgid));
    if (::killpg(pgid, sig) == 0 || errno == ESRCH) return {};
    return group_error(pgid);
  }
  log::debug("sending " + posix::signal_name(sig) + " to pid " + std::to_string(proc.pid()));
  Status st = proc.send_signal(sig);
  if (st || st.error().err == ESRCH) return {};  // ESRCH: it has exited meanwhile
  Error e = std::move(st).error();
  if (e.err == EPERM) e.message = "not allowed to signal pid " + std::to_string(proc.pid()) + ": Operation not permitted";
  return e;
}

// After the daemon itself has gone, what is left of its group: every member
// proven (same group and session, checked after its pidfd is open) and
// signalled through that pidfd; SIGKILL from `deadline` on.
Status drain_group(pid_t pgid, pid_t session, Clock::time_point deadline, const config::StopSpec& spec,
                   Termination& t) {
  const auto give_up = deadline + kKillWait;
  for (;;) {
    std::vector<posix::Pidfd> members;
    for (pid_t pid : posix::group_members(pgid, session)) {
      auto member = posix::Pidfd::open(pid);
      auto stat = posix::read_stat(pid);
      if (member && stat && stat->pgrp == pgid && stat->session == session) members.push_back(std::move(*member));
    }
    if (members.empty()) return {};
    auto now = Clock::now();
    if (now >= give_up) {
      return Error{ExitStatus::failure, std::to_string(members.size()) + " process(es) of group " +
                                            std::to_string(pgid) + " still running 5s after SIGKILL"};
    }
    int sig = now < deadline ? spec.signal : SIGKILL;
    t.killed = t.killed || sig == SIGKILL;
    for (const auto& m : members) {
      log::debug("sending " + posix::signal_name(sig) + " to pid " + std::to_string(m.pid()) + " of group " +
                 std::to_string(pgid));
      (void)m.send_signal(sig);
      ++t.signals_sent;
    }
    auto until = now < deadline ? std::min(deadline, now + std::max(spec.interval, std::chrono::nanoseconds(
                                                                                       std::chrono::milliseconds(10))))
                                : give_up;
    members.front().wait_exit(std::chrono::duration_cast<std::chrono::nanoseconds>(until - Clock::now()));
  }
}

// Waits for the exit until `until`; true if it came. On the way, tells
// `waiting` each whole second since `begin`, the next one due at `tick`.
bool wait_exit_until(const posix::Pidfd& proc, Clock::time_point until, Clock::time_point begin,
                     Clock::time_point& tick, const Waiting& waiting) {
  for (;;) {
    auto end = waiting ? std::min(until, tick) : until;
    auto left = std::max(end - Clock::now(), Clock::duration::zero());
    if (proc.wait_exit(std::chrono::duration_cast<std::chrono::nanoseconds>(left))) return true;
    auto now = Clock::now();
    if (waiting && now >= tick) {
      waiting(std::chrono::duration_cast<std::chrono::seconds>(tick - begin));
      while (tick <= now) tick += std::chrono::seconds(1);
    }
    if (now >= until) return false;
  }
}

}  // namespace

// Is signalling the group safe? Only while our process is alive and still a
// member: then the group id cannot have been recycled.
bool group_is_ours(const posix::Pidfd& proc, pid_t pgid) {
  if (pgid <= 1 || pgid == posix::this_process_group()) return false;
  auto stat = posix::read_stat(proc.pid());
  return stat && stat->pgrp == pgid && !proc.wait_exit(std::chrono::nanoseconds(0));
}

Status may_signal(const posix::Pidfd& proc) {
  Status st = proc.send_signal(0);
  if (st || st.error().err == ESRCH) return {};  // ESRCH: it has exited meanwhile
  Error e = std::move(st).error();
  if (e.err == EPERM) e.message = "not allowed to signal pid " + std::to_string(proc.pid()) + ": Operation not permitted";
  return e;
}

Status may_signal_group(pid_t pgid) {
  if (::killpg(pgid, 0) == 0 || errno == ESRCH) return {};
  return group_error(pgid);
}

std::string describe_exit(const posix::ExitInfo& how) {
  if (how.killed) return "was killed by " + posix::signal_name(how.code);
  return "exited with status " + std::to_string(how.code);
}

Result<bool> signal_once(const posix::Pidfd& proc, pid_t pgid, bool group, int sig) {
  if (group && group_is_ours(proc, pgid)) {
    if (::killpg(pgid, sig) == 0) return true;
    return group_error(pgid);
  }
  if (Status st = proc.send_signal(sig); !st) return std::move(st).error();
  return false;
}

Result<Termination> terminate(const posix::Pidfd& proc, pid_t pgid, const config::StopSpec& spec,
                              const Waiting& waiting) {
  Termination t;
  const auto begin = Clock::now();
  const auto deadline = begin + spec.timeout;
  auto tick = begin + std::chrono::seconds(1);
  // The session pins the group's identity once the daemon is gone.
  auto stat = posix::read_stat(proc.pid());
  const pid_t session = stat ? stat->session : 0;
  const bool drain = spec.group && group_is_ours(proc, pgid);
  auto finish = [&]() -> Result<Termination> {
    if (drain) {
      if (Status st = drain_group(pgid, session, deadline, spec, t); !st) return std::move(st).error();
    }
    return t;
  };
  for (;;) {
    if (Status st = send(proc, pgid, spec.group, spec.signal); !st) return std::move(st).error();
    ++t.signals_sent;
    auto resend = spec.interval.count() > 0 ? std::min(deadline, Clock::now() + spec.interval) : deadline;
    if (wait_exit_until(proc, resend, begin, tick, waiting)) return finish();
    if (Clock::now() >= deadline) break;
  }
  t.killed = true;
  if (Status st = send(proc, pgid, spec.group, SIGKILL); !st) return std::move(st).error();
  ++t.signals_sent;
  if (proc.wait_exit(kKillWait)) return finish();
  return Error{ExitStatus::failure, "pid " + std::to_string(proc.pid()) + " is still running 5s after SIGKILL"};
}

}  // namespace daemonctl::service
