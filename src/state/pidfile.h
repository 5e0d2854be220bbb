// The pidfile ("PID\n", for everyone: an output of daemonctl, never trusted)
// and where a service's state files are (the record: state/record.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

#include "common/result.h"
#include "state/record.h"

namespace daemonctl::state {

/// Parses pidfile contents: optional blanks, decimal digits, optional blanks
/// and newline, nothing else; 1 < pid < pid_max. The Error says why not.
Result<pid_t> parse_pidfile(std::string_view text, pid_t pid_max);

/// A forking program's own pidfile, which may hold more than the pid
/// (postgres's postmaster.pid: the pid, then its data folder, start time,
/// port...): its first line, parsed as parse_pidfile parses a whole file.
Result<pid_t> parse_pidfile_first_line(std::string_view text, pid_t pid_max);

/// Where a service's state files are.
struct StatePaths {
  std::string pidfile;
  std::string record;
  std::string lock;  ///< serialises the commands that change the service
};

/// The named pipe through which a supervised service's rotated stdout
/// (`stream` 1) or stderr (2) reaches its monitor, beside the record:
/// <name>.stdout, <name>.stderr. The daemon holds it open for reading too,
/// so it outlives a monitor that dies, and a new one reopens it by name.
std::string output_fifo(const std::string& record, int stream);

}  // namespace daemonctl::state
