// Where the output of a service without `stdout` or `stderr` goes: its
// default log, <log dir>/<name>.log.
#pragma once

#include <optional>
#include <string>
#include <sys/types.h>

#include "common/result.h"
#include "config/service_spec.h"

namespace daemonctl::service {

/// The log dir to use: `flag` if given, else $DAEMONCTL_LOG_DIR, else
/// /var/log/daemonctl for root, else ${XDG_STATE_HOME:-~/.local/state}/daemonctl/log;
/// made absolute (records name it to later commands run from elsewhere).
std::string choose_log_dir(const std::optional<std::string>& flag);

/// Creates `dir` if missing (0700, or 0755 for root: services run as other
/// users get their own file in it) and refuses it as prepare_state_dir
/// refuses a state dir: a symlink, not a directory, owned by another user,
/// writable by its group or others.
Status prepare_log_dir(const std::string& dir);

/// prepare_log_dir's checks for a dry run or `check`: nothing is created.
Status check_log_dir(const std::string& dir);

/// Gives every stream of `spec` left to the default (an empty path: the
/// file has no `stdout` or `stderr`) a file: the other stream's, if that is
/// a file (not /dev/null), rotation and all; else the default log,
/// <log_dir>/<name>.log, noted in spec.default_log. What runs, what `check`, `--dry-run`
/// and `export` show, and what the record tells `logs`: all that same path.
void use_log_dir(config::ServiceSpec& spec, const std::string& log_dir);

/// Whether `spec` (after use_log_dir) writes to its default log.
bool uses_default_log(const config::ServiceSpec& spec);

/// The mode a missing log file `path` of `spec` is created with: the
/// default log 0640, another 0666; both less the service's umask.
mode_t log_file_mode(const config::ServiceSpec& spec, const std::string& path);

}  // namespace daemonctl::service
