#include "posix/probe.h"

#include <fcntl.h>

#include "posix/files.h"

namespace daemonctl::posix {

Result<ProbeResult> run_probe(SpawnRequest rq, std::chrono::nanoseconds timeout) {
  auto in = open_file("/dev/null", O_RDONLY);
  if (!in) return std::move(in).error();
  auto out = open_file("/dev/null", O_WRONLY);
  if (!out) return std::move(out).error();
  rq.stdin_fd = in->get();
  rq.stdout_fd = rq.stderr_fd = out->get();
  // A double fork: a session of its own, so no controlling terminal (it
  // must not reach the operator's: TIOCSTI), under a guard, the subreaper
  // of everything it starts, which kills all of it when dropped.
  rq.guard = true;
  auto prepared = prepare_daemon(rq);
  if (!prepared) return std::move(prepared).error();
  if (Status st = prepared->exec(); !st) return std::move(st).error();
  ProbeResult result;
  auto how = prepared->guard()->program_exit(timeout);
  result.timed_out = !how;
  if (how) result.exit = *how;
  prepared->guard().reset();  // what the command left, and the command itself if it still runs
  return result;
}

}  // namespace daemonctl::posix
