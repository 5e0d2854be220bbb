#include "posix/probe.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>

#include "posix/files.h"

namespace daemonctl::posix {
namespace {

using Clock = std::chrono::steady_clock;

// How long the members of a killed group may take to come back to us.
constexpr auto kReapWait = std::chrono::seconds(5);

// Reaps the processes of group `pgid` that are ours, until none is left,
// zombie or alive. The group was sent SIGKILL while its leader, our child
// and unreaped, still held the id: no other group can have it meanwhile.
// Only signal 0 is sent from here on: the id is free again once the last
// member is reaped.
void reap_group(pid_t pgid) {
  const auto deadline = Clock::now() + kReapWait;
  for (;;) {
    while (::waitpid(-pgid, nullptr, WNOHANG) > 0) {
    }
    // A member whose parent was also killed comes to us (we are a
    // subreaper) once that parent has exited: look again until it has.
    if (::kill(-pgid, 0) < 0 && errno == ESRCH) return;
    if (Clock::now() >= deadline) return;  // one held by a process outside the group
    timespec pause{0, 1000000};
    ::nanosleep(&pause, nullptr);
  }
}

}  // namespace

Result<ProbeResult> run_probe(SpawnRequest rq, std::chrono::nanoseconds timeout) {
  auto in = open_file("/dev/null", O_RDONLY);
  if (!in) return std::move(in).error();
  auto out = open_file("/dev/null", O_WRONLY);
  if (!out) return std::move(out).error();
  rq.stdin_fd = in->get();
  rq.stdout_fd = rq.stderr_fd = out->get();
  // The orphans of the command (what it started in the background) come to
  // us, not to PID 1: killed with its group, then reaped here.
  if (::prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) return sys_error("prctl(PR_SET_CHILD_SUBREAPER)");
  auto prepared = prepare_child(rq);
  if (!prepared) return std::move(prepared).error();
  // The child is the leader of its own group: its pid is the group's id.
  pid_t pgid = prepared->proc().pid();
  if (Status st = prepared->exec(); !st) return std::move(st).error();  // it has been reaped
  Pidfd proc = std::move(*prepared).release();
  ProbeResult result;
  result.timed_out = !proc.wait_exit(timeout);
  // Still unreaped, the leader keeps the group id from being reused: the
  // signal reaches no one else.
  (void)::kill(-pgid, SIGKILL);
  proc.wait_exit(kReapWait);
  auto how = proc.reap();
  reap_group(pgid);
  if (!how) return std::move(how).error();
  result.exit = *how;
  return result;
}

}  // namespace daemonctl::posix
