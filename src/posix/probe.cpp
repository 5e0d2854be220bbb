#include "posix/probe.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>

#include "posix/files.h"
#include "posix/pipe.h"

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

namespace {

using Clock = std::chrono::steady_clock;

// Appends what `fd` (non-blocking) holds now to `r.output`, keeping its
// last `keep` bytes. A bounded number of reads: a command that writes
// without pause cannot hold us past its deadline.
void drain(int fd, ProbeResult& r, std::size_t keep) {
  char buf[4096];
  for (int reads = 0; reads < 256; ++reads) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    r.output.append(buf, static_cast<std::size_t>(n));
    if (r.output.size() > keep) {
      r.output.erase(0, r.output.size() - keep);
      r.cut = true;
    }
  }
}

// The program's exit, reading `out` meanwhile; nullopt at the deadline.
// The guard holds the pipe's write end too, so its end is no sign: the
// exit is looked at between reads, 1 ms apart doubling to 50 ms while
// nothing comes.
std::optional<ExitInfo> watch(Guard& guard, int out, Clock::time_point deadline, ProbeResult& r, std::size_t keep) {
  auto period = std::chrono::milliseconds(1);
  for (;;) {
    if (auto how = guard.program_exit(std::chrono::nanoseconds(0))) {
      drain(out, r, keep);
      return how;
    }
    auto left = deadline - Clock::now();
    if (left <= Clock::duration::zero()) return std::nullopt;
    auto wait = std::chrono::ceil<std::chrono::milliseconds>(std::min<Clock::duration>(left, period));
    pollfd p{out, POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(wait.count()));
    if (ready > 0 && (p.revents & POLLIN)) {
      drain(out, r, keep);
      period = std::chrono::milliseconds(1);
    } else {
      period = std::min(period * 2, std::chrono::milliseconds(50));
    }
  }
}

}  // namespace

Result<ProbeResult> run_captured(SpawnRequest rq, std::chrono::nanoseconds timeout, std::size_t keep) {
  const auto deadline = Clock::now() + timeout;
  auto in = open_file("/dev/null", O_RDONLY);
  if (!in) return std::move(in).error();
  auto pipe = make_pipe(O_NONBLOCK);
  if (!pipe) return std::move(pipe).error();
  UniqueFd out = std::move(pipe->read), write_end = std::move(pipe->write);
  // Its own end blocks: a command is not told EAGAIN when it writes fast.
  if (::fcntl(write_end.get(), F_SETFL, 0) < 0) return sys_error("fcntl");
  rq.stdin_fd = in->get();
  rq.stdout_fd = rq.stderr_fd = write_end.get();
  rq.guard = true;  // as run_probe: a session of its own, and nothing left behind
  auto prepared = prepare_daemon(rq);
  if (!prepared) return std::move(prepared).error();
  write_end.reset();
  if (Status st = prepared->exec(); !st) return std::move(st).error();
  ProbeResult result;
  auto how = watch(*prepared->guard(), out.get(), deadline, result, keep);
  result.timed_out = !how;
  if (how) result.exit = *how;
  prepared->guard().reset();
  return result;
}

}  // namespace daemonctl::posix
