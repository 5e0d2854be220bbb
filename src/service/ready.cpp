#include "service/ready.h"

#include <unistd.h>

#include <algorithm>
#include <set>
#include <cstring>

#include "common/log.h"
#include "config/duration.h"
#include "service/terminate.h"
#include "posix/poll.h"
#include "posix/probe.h"
#include "posix/safe_path.h"
#include "posix/tcp_listeners.h"

namespace daemonctl::service {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kNotifyBatch = 256;  // notify messages read between two looks at the daemon

std::string quoted_argv(const std::vector<std::string>& argv) {
  std::string text;
  for (const auto& word : argv) text += (text.empty() ? "" : " ") + word;
  return "'" + text + "'";
}

// The checks still to pass, and what was last seen of them.
struct Pending {
  bool notify, tcp, file, command;
  bool tcp_foreign = false;  // someone else's socket listens on the port
  std::set<uid_t> strangers;  // uids whose messages were ignored, each warned of once
  std::string status;        // the last STATUS= sent
  std::string command_last;  // how the last ready command ended
  bool done() const { return !notify && !tcp && !file && !command; }
};

// " (the port ... is held by another process)" when that may be why the
// daemon died: its group listened on the port nowhere, and someone did.
std::string port_taken(const config::ReadySpec& ready, const Pending& p) {
  return p.tcp && p.tcp_foreign ? " (the port " + ready.tcp->to_string() + " is held by another process)" : "";
}

std::string missing(const config::ReadySpec& ready, const Pending& p) {
  std::vector<std::string> parts;
  if (p.notify) parts.push_back("no READY=1 on the notify socket" + (p.status.empty() ? "" : " (last STATUS=" + p.status + ")"));
  if (p.tcp) {
    parts.push_back("no TCP listener of the service on " + ready.tcp->to_string() +
                    (p.tcp_foreign ? " (the port is held by another process)" : ""));
  }
  if (p.file) parts.push_back("no file '" + ready.file + "'");
  if (p.command) {
    parts.push_back(quoted_argv(ready.command) + (p.command_last.empty() ? " did not run" : " " + p.command_last));
  }
  std::string text;
  for (const auto& part : parts) text += (text.empty() ? "" : "; ") + part;
  return text;
}

// Reads the notify messages that arrived; a NotReady on ERRNO=.
std::optional<NotReady> read_notify(const config::ServiceSpec& spec, const posix::Pidfd& proc,
                                    const ReadyProbe& probe, Pending& p) {
  // At most a socket buffer's worth a turn, and one warning per stranger:
  // a flood from another user neither floods the log nor stalls the checks.
  for (int read = 0; p.notify && probe.notify && read < kNotifyBatch; ++read) {
    auto m = probe.notify->receive();
    if (!m) break;
    if (m->uid != 0 && m->uid != probe.daemon_uid) {
      if (p.strangers.insert(m->uid).second) {
        log::warn(spec.name + ": ignoring notify messages from uid " + std::to_string(m->uid));
      }
      continue;
    }
    if (auto status = posix::notify_field(m->text, "STATUS")) p.status = *status;
    if (posix::notify_field(m->text, "READY") == "1") p.notify = false;
    if (auto err = posix::notify_field(m->text, "ERRNO"); err && p.notify) {
      int code = std::atoi(err->c_str());
      return NotReady{false, "the service reported ERRNO=" + *err + " (" + std::strerror(code) + ")" +
                                 (p.status.empty() ? "" : ": " + p.status)};
    }
    if (auto main_pid = posix::notify_field(m->text, "MAINPID"); main_pid && *main_pid != std::to_string(proc.pid())) {
      log::warn(spec.name + ": MAINPID=" + *main_pid + " ignored: daemonctl keeps to pid " + std::to_string(proc.pid()) +
                ", the one it started");
    }
  }
  return std::nullopt;
}

// Runs ready.command once, as the daemon runs: its user and groups, folder,
// environment and umask; nothing it starts outlives it.
Status run_command(const config::ServiceSpec& spec, const ReadyProbe& probe, Clock::duration left, Pending& p) {
  posix::SpawnRequest rq;
  rq.executable = probe.command_program;
  rq.argv = spec.ready.command;
  if (probe.daemon) {
    rq.env = probe.daemon->env;
    rq.umask = probe.daemon->umask;
    rq.change_ids = probe.daemon->change_ids;
    rq.uid = probe.daemon->uid;
    rq.gid = probe.daemon->gid;
    rq.groups = probe.daemon->groups;
  }
  rq.directory = spec.directory;
  auto ran = posix::run_probe(std::move(rq), left);
  if (!ran) return std::move(ran).error();
  if (!ran->timed_out && !ran->exit.killed && ran->exit.code == 0) p.command = false;
  else if (!ran->timed_out) p.command_last = describe_exit(ran->exit);
  else if (p.command_last.empty()) p.command_last = "was still running at the timeout";  // cut short by the deadline
  return {};
}

// Polls the checks that cannot wake us: the file, the listener, the command.
Status poll_checks(const config::ServiceSpec& spec, const posix::Pidfd& proc, const ReadyProbe& probe,
                   Clock::time_point deadline, Pending& p) {
  const config::ReadySpec& ready = spec.ready;
  if (p.file) {  // found without following a link other users could have put on the way
    auto there = posix::entry_exists(ready.file);
    p.file = !(there && *there);
  }
  if (p.tcp) {
    auto seen = posix::tcp_listener_of(proc.pid(), ready.tcp->host, ready.tcp->port);
    p.tcp = seen != posix::Listener::owned;
    p.tcp_foreign = seen == posix::Listener::foreign;
  }
  if (auto left = deadline - Clock::now(); p.command && left > Clock::duration::zero()) {
    return run_command(spec, probe, left, p);
  }
  return {};
}

}  // namespace

std::string describe_ready(const config::ReadySpec& ready) {
  std::vector<std::string> parts;
  if (ready.notify) parts.push_back("READY=1 on the notify socket");
  if (ready.tcp) parts.push_back("a TCP listener on " + ready.tcp->to_string());
  if (!ready.file.empty()) parts.push_back("file '" + ready.file + "' to exist");
  if (!ready.command.empty()) parts.push_back(quoted_argv(ready.command) + " to exit 0");
  std::string text;
  for (const auto& part : parts) text += (text.empty() ? "" : ", ") + part;
  return text;
}

Result<std::optional<NotReady>> wait_ready(const config::ServiceSpec& spec, const posix::Pidfd& proc,
                                           const ReadyProbe& probe) {
  const config::ReadySpec& ready = spec.ready;
  const auto began = Clock::now(), deadline = began + ready.timeout;
  auto next_report = began + std::chrono::seconds(1);
  Pending p{ready.notify, ready.tcp.has_value(), !ready.file.empty(), !ready.command.empty(), false, {}, {}, {}};
  // The checks that can only be polled are tried at 1 ms, then less often.
  auto period = std::chrono::milliseconds(1);
  const auto max_period = std::chrono::milliseconds(50);
  for (;;) {
    if (auto failed = read_notify(spec, proc, probe, p)) return failed;
    if (Status st = poll_checks(spec, proc, probe, deadline, p); !st) return std::move(st).error();
    // Dead, it is not ready, whatever the checks saw: what its group left
    // listening, a file, a READY=1 sent on its way out.
    if (proc.wait_exit(std::chrono::nanoseconds(0))) {
      auto how = probe.reap ? probe.reap() : proc.reap();
      std::string what = how ? describe_exit(*how) : "exited";
      std::string why = !p.status.empty() ? " (last STATUS=" + p.status + ")" : port_taken(ready, p);
      return std::optional(NotReady{true, "pid " + std::to_string(proc.pid()) + " " + what + " before it was ready" + why});
    }
    if (p.done()) return std::optional<NotReady>();
    auto now = Clock::now();
    if (now >= deadline) {
      return std::optional(NotReady{false, "not ready within " + config::format_duration(ready.timeout) + ": " +
                                               missing(ready, p)});
    }
    if (probe.waiting && now >= next_report) {  // a progress line, on a terminal
      probe.waiting(std::chrono::duration_cast<std::chrono::seconds>(now - began));
      next_report += std::chrono::seconds(1);
    }
    // Wake on the daemon's death or a notify message at once; poll the rest.
    bool polled = p.tcp || p.file || p.command;
    auto wait = deadline - now;
    if (polled) wait = std::min<Clock::duration>(wait, period);
    if (probe.waiting) wait = std::min<Clock::duration>(wait, std::max<Clock::duration>(next_report - now, {}));
    period = std::min(period * 2, max_period);
    // The socket only while READY=1 is awaited: later messages are not read.
    pollfd fds[2] = {{proc.fd(), POLLIN, 0}, {probe.notify && p.notify ? probe.notify->fd() : -1, POLLIN, 0}};
    int ms = static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(wait).count());
    if (Status waited = posix::poll_fds(fds, ms); !waited) return std::move(waited).error();
  }
}

}  // namespace daemonctl::service
