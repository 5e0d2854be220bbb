#include "core/terminate.h"

#include <csignal>
#include <unistd.h>


#include "common/log.h"
#include "config/signal_name.h"
#include "posix/proc.h"

namespace daemonctl::core {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kKillWait = std::chrono::seconds(5);

// Is signalling the group safe? Only while our process is alive and still a
// member: then the group id cannot have been recycled.
bool group_is_ours(const posix::Pidfd& proc, pid_t pgid) {
  if (pgid <= 1 || pgid == ::getpgrp()) return false;
  auto stat = posix::read_stat(proc.pid());
  return stat && stat->pgrp == pgid && !proc.wait_exit(std::chrono::nanoseconds(0));
}

Status send(const posix::Pidfd& proc, pid_t pgid, bool group, int sig) {
  if (group && group_is_ours(proc, pgid)) {
    log::debug("sending " + config::signal_name(sig) + " to process group " + std::to_string(pgid));
    if (::killpg(pgid, sig) == 0 || errno == ESRCH) return {};
    return sys_error("not allowed to signal process group " + std::to_string(pgid));
  }
  log::debug("sending " + config::signal_name(sig) + " to pid " + std::to_string(proc.pid()));
  Status st = proc.send_signal(sig);
  if (st || st.error().err == ESRCH) return {};  // ESRCH: it has exited meanwhile
  Error e = std::move(st).error();
  if (e.err == EPERM) e.message = "not allowed to signal pid " + std::to_string(proc.pid()) + ": Operation not permitted";
  return e;
}

}  // namespace

Result<Termination> terminate(const posix::Pidfd& proc, pid_t pgid, const config::StopSpec& spec) {
  Termination t;
  const auto deadline = Clock::now() + spec.timeout;
  for (;;) {
    if (Status st = send(proc, pgid, spec.group, spec.signal); !st) return std::move(st).error();
    ++t.signals_sent;
    auto left = deadline - Clock::now();
    auto wait = spec.interval.count() > 0 && spec.interval < left ? spec.interval : left;
    if (proc.wait_exit(std::chrono::duration_cast<std::chrono::nanoseconds>(wait))) return t;
    if (Clock::now() >= deadline) break;
  }
  t.killed = true;
  if (Status st = send(proc, pgid, spec.group, SIGKILL); !st) return std::move(st).error();
  ++t.signals_sent;
  if (proc.wait_exit(kKillWait)) return t;
  return Error{ExitStatus::failure, "pid " + std::to_string(proc.pid()) + " is still running 5s after SIGKILL"};
}

}  // namespace daemonctl::core
