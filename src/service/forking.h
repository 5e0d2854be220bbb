// type = "forking": the command daemonizes itself and writes its own pidfile.
// daemonctl runs it under a guard (posix/guard.h), waits for it to exit 0
// and for the pidfile to name a process it left behind, then treats that
// process as the service.
#pragma once

#include <string>

#include "common/result.h"
#include "config/service_spec.h"
#include "posix/guard.h"
#include "posix/pidfd.h"

namespace daemonctl::service {

/// After the command (pid `program`) has been let go under `guard`: waits,
/// within ready.timeout, for it to exit 0 and for `pidfile` to name a live
/// process that it left behind: one whose parent (or a parent's parent...)
/// is the guard, which only the command's own processes can be. A pidfile
/// naming any other process is refused at once. Returns a handle on the
/// daemon; on failure the Error says why, and the guard, once dropped,
/// kills whatever the command left.
/// `owner`: the service's uid, who may own the pidfile in a folder other
/// users can change (posix::open_entry).
Result<posix::Pidfd> await_forked(const config::ServiceSpec& spec, const std::string& pidfile, pid_t program,
                                  posix::Guard& guard, uid_t owner);

}  // namespace daemonctl::service
