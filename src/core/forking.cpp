#include "core/forking.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fcntl.h>

#include "common/log.h"
#include "config/duration.h"
#include "core/pidfile.h"
#include "core/terminate.h"
#include "posix/files.h"
#include "posix/proc.h"
#include "posix/safe_path.h"

namespace daemonctl::core {
namespace {

using Clock = std::chrono::steady_clock;

// Stops, as `stop` would, and reaps every process this start left behind:
// our children (orphans of the command, reparented to us) with `mark` in
// their environment. One caught in an execve cannot be told yet: looked at
// again, for at most a second.
void stop_leftovers(const config::ServiceSpec& spec, const std::string& mark) {
  auto give_up = Clock::now() + std::chrono::seconds(1);
  for (bool unsure = true; unsure && Clock::now() < give_up;) {
    unsure = false;
    for (pid_t pid : posix::children_of(::getpid())) {
      // Our child: its pid is its own until we reap it, so the pidfd is on it.
      auto proc = posix::Pidfd::open(pid);
      if (!proc) continue;
      std::optional<bool> ours = posix::environ_has(pid, mark);
      if (!ours) unsure = true;
      if (!ours.value_or(false)) continue;
      log::warn(spec.name + ": stopping pid " + std::to_string(pid) + ", left by the failed start");
      auto ended = terminate(*proc, 0, spec.stop);
      if (!ended) log::warn(spec.name + ": " + ended.error().message);
      (void)proc->reap();
    }
    if (unsure) ::poll(nullptr, 0, 1);
  }
}

// The pid in `pidfile` if it names a live process reparented to us; 0 if
// not yet. `why` says what was last seen, for the timeout's message.
pid_t orphan_in(const std::string& pidfile, std::string& why) {
  auto text = posix::read_entry(pidfile, 4096, O_NOFOLLOW);
  if (!text) {
    why = text.error().err == ENOENT ? "no pidfile '" + pidfile + "'" : text.error().message;
    return 0;
  }
  auto pid = parse_pidfile(*text, posix::pid_max());
  if (!pid) {
    why = "pidfile '" + pidfile + "' is invalid: " + pid.error().message;
    return 0;
  }
  auto stat = posix::read_stat(*pid);
  if (!stat || stat->state == 'Z' || stat->state == 'X') {
    why = "pidfile '" + pidfile + "' names pid " + std::to_string(*pid) + ", which is not running";
    return 0;
  }
  if (stat->ppid != ::getpid()) {
    why = "pidfile '" + pidfile + "' names pid " + std::to_string(*pid) + ", which the command did not leave behind";
    return 0;
  }
  return *pid;
}

}  // namespace

std::string forking_mark(const config::ServiceSpec& spec) {
  static std::atomic<unsigned> serial{0};
  return "DAEMONCTL_FORKING=" + spec.name + "/" + std::to_string(::getpid()) + "/" + std::to_string(serial++);
}

Result<posix::Pidfd> await_forked(const config::ServiceSpec& spec, const std::string& pidfile,
                                  const posix::Pidfd& starter, const std::string& mark) {
  const auto deadline = Clock::now() + spec.ready.timeout;
  const std::string within = " within " + config::format_duration(spec.ready.timeout);
  auto fail = [&](std::string message) -> Error {
    stop_leftovers(spec, mark);
    return Error{ExitStatus::failure, std::move(message)};
  };
  std::string program = "'" + spec.command.front() + "' (pid " + std::to_string(starter.pid()) + ")";
  if (!starter.wait_exit(std::max(deadline - Clock::now(), Clock::duration::zero()))) {
    (void)terminate(starter, 0, spec.stop);
    (void)starter.reap();
    return fail(program + " did not exit" + within + ": a forking service must exit once it has daemonized");
  }
  auto how = starter.reap();
  if (!how || how->killed || how->code != 0) return fail(program + " " + (how ? describe_exit(*how) : "exited"));

  // The pidfile may come a little after the exit, and the daemon may be
  // reparented to us a little after that (a double fork): polled, 1 ms
  // doubling to 50 ms, until the deadline.
  auto period = std::chrono::milliseconds(1);
  for (std::string why;;) {
    if (pid_t pid = orphan_in(pidfile, why)) {
      auto proc = posix::Pidfd::open(pid);  // our child: still this pid
      if (proc) return std::move(*proc);
      why = proc.error().message;
    }
    auto left = deadline - Clock::now();
    if (left <= Clock::duration::zero()) return fail("not started" + within + ": " + why);
    ::poll(nullptr, 0, static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(std::min<Clock::duration>(left, period)).count()));
    period = std::min(period * 2, std::chrono::milliseconds(50));
  }
}

}  // namespace daemonctl::core
