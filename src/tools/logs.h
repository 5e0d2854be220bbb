// `logs`: the last lines of a service's stdout and stderr files, then, if
// asked, every new line as it is written (like `tail -F`).
#pragma once

#include <cstddef>
#include <sys/types.h>

#include "common/result.h"
#include "config/service_spec.h"

namespace daemonctl::tools {

struct LogsOptions {
  std::size_t lines = 50;  ///< -n N: how many last lines to print first (0: none)
  bool follow = false;     ///< -f: then follow like `tail -F`
  bool escape = false;     ///< control characters escaped but newline and tab (common/escape.h): for a terminal
};

/// Prints the last `lines` lines of the service's stdout file (spec.stdout_path) to stdout;
/// when spec.stderr_path is a different file, also its last lines, and every line of
/// both files is then prefixed ("stdout: " / "stderr: "). With follow, keeps printing
/// new lines until SIGINT/SIGTERM (returns success: Ctrl-C is the normal end) or stdout
/// is closed (EPIPE; SIGPIPE is ignored by main: also a normal end).
///
/// A file that does not exist yet shows nothing, or with follow is waited
/// for. A log that is /dev/null or not a regular file is skipped when the
/// other one is a file, else an Error (ExitStatus::config) says so. Follow
/// survives rotation (the old file is read to its end, then the new one from
/// its start) and truncation (read again from the start).
Status show_logs(const config::ServiceSpec& spec, const LogsOptions& opt);

/// show_logs writing to `out` instead of stdout.
Status show_logs(const config::ServiceSpec& spec, const LogsOptions& opt, int out);

/// Where the last `lines` lines of the first `end` bytes of `fd` begin,
/// reading backwards from `end` in blocks of `block` bytes, never the whole
/// file. A last line without a newline counts as a line; 0 lines begin at
/// `end`. A file that shrinks under us reads as ending where it stops.
Result<off_t> last_lines_start(int fd, off_t end, std::size_t lines, std::size_t block = 64 * 1024);

}  // namespace daemonctl::tools
