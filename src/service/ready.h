// [ready]: start returns only once the daemon serves. Each configured check
// (READY=1 over sd_notify, a TCP listener of the daemon's own, a file, a
// command exiting 0) must pass before the timeout, while the daemon lives.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "config/service_spec.h"
#include "posix/notify_socket.h"
#include "posix/pidfd.h"
#include "posix/spawn.h"

namespace daemonctl::service {

/// What the checks need besides the spec, decided at start.
struct ReadyProbe {
  const posix::NotifySocket* notify = nullptr;  ///< set when spec.ready.notify
  uid_t daemon_uid = 0;                          ///< who may notify, besides root
  std::string command_program;                   ///< ready.command[0], resolved
  /// The daemon's request: the command runs with its ids, environment, folder and umask.
  const posix::SpawnRequest* daemon = nullptr;
  /// How the dead daemon ended, for one we cannot reap (a monitor's child);
  /// empty: reaped by us, its parent or subreaper.
  std::function<Result<posix::ExitInfo>()> reap;
  /// Told once a second, from 1s on, how long it has waited; may be empty.
  std::function<void(std::chrono::seconds)> waiting{};
};

/// How a check-less start may end: ready, or why not.
struct NotReady {
  bool died = false;    ///< the daemon exited first (it has been reaped)
  std::string message;  ///< "not ready within 30s: no READY=1 on the notify socket"
};

/// Waits until every check of spec.ready passes while the daemon lives (ok),
/// the timeout passes or the daemon reports ERRNO= (NotReady, the daemon
/// still running), or the daemon exits (NotReady with died, reaped: we are
/// its subreaper). ready.tcp passes on a socket listening on the address (or
/// a wildcard that serves it) in the daemon's network namespace, held open by
/// the daemon or a process of its process group: not on a connect, which
/// anyone's listener could answer.
Result<std::optional<NotReady>> wait_ready(const config::ServiceSpec& spec, const posix::Pidfd& proc,
                                           const ReadyProbe& probe);

/// "READY=1 on the notify socket, a TCP listener on 127.0.0.1:6379, ..." for messages.
std::string describe_ready(const config::ReadySpec& ready);

}  // namespace daemonctl::service
