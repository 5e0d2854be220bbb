#include "service/forking.h"

#include <fcntl.h>

#include <algorithm>

#include "config/duration.h"
#include "state/pidfile.h"
#include "service/terminate.h"
#include "posix/poll.h"
#include "posix/proc.h"
#include "posix/process.h"
#include "posix/safe_path.h"

namespace daemonctl::service {
namespace {

using Clock = std::chrono::steady_clock;

enum class Lineage { ours, not_yet, stranger };

// Is `pid` a descendant of the guard? Its parents are followed up to the
// guard (ours), or to init or a process older than the guard (a stranger).
// A parent that exits meanwhile makes it not_yet: its child is then
// reparented, to the guard if it is ours, and looked at again.
Lineage lineage(pid_t pid, pid_t guard, std::uint64_t guard_start) {
  for (int depth = 0; depth < 64; ++depth) {
    auto stat = posix::read_stat(pid);
    if (!stat) return Lineage::not_yet;
    if (stat->ppid == guard) return Lineage::ours;
    if (stat->ppid <= 1 || stat->starttime < guard_start || stat->ppid == posix::this_pid()) return Lineage::stranger;
    pid = stat->ppid;
  }
  return Lineage::stranger;
}

struct Named {
  std::optional<posix::Pidfd> proc;  ///< the daemon, proven ours
  bool refused = false;              ///< a stranger: give up at once
  std::string why;                   ///< what was seen, for the message
};

// What `pidfile` names now. The pidfd is opened before the proof, so that
// the proof is of the process the handle is on.
Named named_in(const std::string& pidfile, pid_t guard, std::uint64_t guard_start, uid_t owner) {
  Named n;
  auto text = posix::read_entry(pidfile, 4096, O_NOFOLLOW, false, owner);
  if (!text) {
    n.why = text.error().err == ENOENT ? "no pidfile '" + pidfile + "'" : text.error().message;
    n.refused = text.error().status == ExitStatus::privilege;
    return n;
  }
  auto pid = state::parse_pidfile_first_line(*text, posix::pid_max());
  if (!pid) {
    n.why = "pidfile '" + pidfile + "' is invalid: " + pid.error().message;
    return n;
  }
  std::string names = "pidfile '" + pidfile + "' names pid " + std::to_string(*pid);
  auto proc = posix::Pidfd::open(*pid);
  auto stat = posix::read_stat(*pid);
  if (!proc || !stat || stat->state == 'Z' || stat->state == 'X') {
    n.why = names + ", which is not running";
    return n;
  }
  switch (lineage(*pid, guard, guard_start)) {
    case Lineage::ours:
      if (!proc->wait_exit(std::chrono::nanoseconds(0))) n.proc.emplace(std::move(*proc));
      break;
    case Lineage::not_yet:
      n.why = names + ", whose parent is changing";
      break;
    case Lineage::stranger:
      n.why = names + ", which the command did not leave behind";
      n.refused = true;
      break;
  }
  return n;
}

}  // namespace

Result<posix::Pidfd> await_forked(const config::ServiceSpec& spec, const std::string& pidfile, pid_t program,
                                  posix::Guard& guard, uid_t owner) {
  const auto deadline = Clock::now() + spec.ready.timeout;
  const std::string within = " within " + config::format_duration(spec.ready.timeout);
  auto fail = [](std::string message) { return Error{ExitStatus::failure, std::move(message)}; };
  std::string command = "'" + spec.command.front() + "' (pid " + std::to_string(program) + ")";
  auto how = guard.program_exit(std::max(deadline - Clock::now(), Clock::duration::zero()));
  if (!how) return fail(command + " did not exit" + within + ": a forking service must exit once it has daemonized");
  if (how->killed || how->code != 0) return fail(command + " " + describe_exit(*how));

  auto guard_stat = posix::read_stat(guard.pid());
  if (!guard_stat) return fail("the guard of the start (pid " + std::to_string(guard.pid()) + ") vanished");
  // The pidfile may come a little after the exit, and the daemon may be
  // reparented a little after that (a double fork): polled, 1 ms doubling
  // to 50 ms, until the deadline.
  auto period = std::chrono::milliseconds(1);
  for (;;) {
    Named n = named_in(pidfile, guard.pid(), guard_stat->starttime, owner);
    if (n.proc) return std::move(*n.proc);
    if (n.refused) return fail("not started: " + n.why);
    auto left = deadline - Clock::now();
    if (left <= Clock::duration::zero()) return fail("not started" + within + ": " + n.why);
    auto wait = std::chrono::ceil<std::chrono::milliseconds>(std::min<Clock::duration>(left, period));
    posix::sleep_ms(static_cast<int>(wait.count()));
    period = std::min(period * 2, std::chrono::milliseconds(50));
  }
}

}  // namespace daemonctl::service
