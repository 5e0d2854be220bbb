// [ready]: start returns only once the daemon serves. Each configured check
// (READY=1 over sd_notify, a TCP connect, a file, a command exiting 0) must
// pass before the timeout, and before the daemon dies.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "config/service_spec.h"
#include "posix/notify_socket.h"
#include "posix/pidfd.h"

namespace daemonctl::core {

/// What the checks need besides the spec, decided at start.
struct ReadyProbe {
  const posix::NotifySocket* notify = nullptr;  ///< set when spec.ready.notify
  uid_t daemon_uid = 0;                          ///< who may notify, besides root
  std::string command_program;                   ///< ready.command[0], resolved
  std::vector<std::string> env;                  ///< the daemon's environment, for the command
};

/// How a check-less start may end: ready, or why not.
struct NotReady {
  bool died = false;    ///< the daemon exited first (it has been reaped)
  std::string message;  ///< "not ready within 30s: no READY=1 on the notify socket"
};

/// Waits until every check of spec.ready passes (ok), the timeout passes or
/// the daemon reports ERRNO= (NotReady, the daemon still running), or the
/// daemon exits (NotReady with died, reaped: we are its subreaper).
Result<std::optional<NotReady>> wait_ready(const config::ServiceSpec& spec, const posix::Pidfd& proc,
                                           const ReadyProbe& probe);

/// "READY=1 on the notify socket, a TCP connect to 127.0.0.1:6379, ..." for messages.
std::string describe_ready(const config::ReadySpec& ready);

}  // namespace daemonctl::core
