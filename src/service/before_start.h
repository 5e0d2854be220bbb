// What a start does before its daemon runs, for the daemons that need it:
// its runtime directory (runtime_directory = "sshd": /run/sshd) made and
// given to its user, then its [start] pre commands run in order. The
// directory is recorded, and removed once the daemon is stopped.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "config/service_spec.h"
#include "service/launch.h"
#include "posix/spawn.h"

namespace daemonctl::service {

/// Where runtime_directory goes: /run/NAME when daemonctl runs as root,
/// else $XDG_RUNTIME_DIR/NAME; "" when the service has none. Errors (status
/// config): not root, and XDG_RUNTIME_DIR unset or not an absolute path.
Result<std::string> runtime_dir_path(const config::ServiceSpec& spec);

/// Creates the runtime directory `path` (or takes the one there) and gives
/// it to the daemon's user and group (`creds`; daemonctl's own if it does not
/// change them) with runtime_directory_mode. Errors name the directory.
Status make_runtime_dir(const config::ServiceSpec& spec, const std::string& path, const Credentials& creds);

/// Removes a runtime directory named by a record and all it holds; a
/// failure is a warning of `service`'s: the daemon is stopped all the same.
void remove_runtime_dir(const std::string& service, const std::string& path);

/// The programs of start.pre, each resolved as command[0] is (in `path`, a
/// PATH value). Errors (status not_installed) name the command: "start.pre[1]: ...".
Result<std::vector<std::string>> resolve_pre(const config::ServiceSpec& spec, const std::string& path);

/// The most of a pre command's output a failed start shows: its end.
inline constexpr std::size_t kPreOutputShown = 1000;

/// Runs start.pre in order, each as the daemon would run (`daemon`: its
/// user, group, directory, environment, umask, limits), under a guard that
/// kills what it leaves, within start.pre_timeout. The first that does not
/// exit 0 ends the run; the Error (status failure) says which, how it ended,
/// and the end of its stdout and stderr, escaped.
Status run_pre(const config::ServiceSpec& spec, const posix::SpawnRequest& daemon);

}  // namespace daemonctl::service
