// What a service printed last: shown under a failed start, and by `status -v`
// for a dead service, so that the reason it gave is not lost in a log.
#pragma once

#include <cstddef>
#include <string>
#include <sys/types.h>
#include <vector>

#include "common/result.h"
#include "config/service_spec.h"

namespace daemonctl::service {

/// Where a log file ended before a start: what the start wrote comes after.
struct LogMark {
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = 0;
};
/// The mark of the log file at `path` now; none (all zero) when it is
/// missing, cannot be opened, or is not a regular file.
LogMark mark_log(const std::string& path);
/// mark_log of the log already open as `fd` (the daemon's stdio, just opened
/// from `path`) when it is a regular file; else of `path`.
LogMark mark_log(const std::string& path, int fd);

/// The file that holds what a service printed last: its stderr file, else its
/// stdout file; "" when both go to /dev/null (or are empty paths).
std::string output_log(const std::string& stdout_path, const std::string& stderr_path);

/// The last `lines` lines (at most) of the regular file at `path`, opened
/// with posix::open_entry, from its last 16 KiB only; past `mark` when the
/// file is still the one marked. Each escaped for a terminal
/// (common/escape.h) and cut at 200 characters. Nothing when the file cannot
/// be read: this only ever adds to another message.
std::vector<std::string> last_output(const std::string& path, std::size_t lines, const LogMark& mark = {});

/// The lines to show under a message about service `name` whose output
/// went to those files: "| LINE" for each of the last (up to 10) lines,
/// then "see: daemonctl logs NAME"; none without a log.
std::vector<std::string> output_details(const std::string& name, const std::string& stdout_path,
                                        const std::string& stderr_path, const LogMark& mark = {});

/// `e` with output_details of `spec` under it: a start that failed after the exec.
Error with_last_output(Error e, const config::ServiceSpec& spec, const LogMark& mark);

}  // namespace daemonctl::service
