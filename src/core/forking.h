// type = "forking": the command daemonizes itself and writes its own pidfile.
// daemonctl runs it, waits for it to exit 0 and for the pidfile to name the
// process it left, then treats that process as the service.
#pragma once

#include <string>

#include "common/result.h"
#include "config/service_spec.h"
#include "posix/pidfd.h"

namespace daemonctl::core {

/// The environment entry that marks every process of one forking start, so
/// that what a failed start left behind can be found and stopped.
std::string forking_mark(const config::ServiceSpec& spec);

/// After `starter` (the command, exec'd) has been let go: waits, within
/// ready.timeout, for it to exit 0 and for `pidfile` to name a live process
/// that it left behind (an orphan reparented to daemonctl, its subreaper).
/// Returns a handle on that process. On failure every process left with
/// `mark` in its environment is stopped and reaped, and the Error says why.
Result<posix::Pidfd> await_forked(const config::ServiceSpec& spec, const std::string& pidfile,
                                  const posix::Pidfd& starter, const std::string& mark);

}  // namespace daemonctl::core
