// The two state files of a running service: the pidfile ("PID\n", for
// everyone) and the identity record (for daemonctl: which process it is).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

#include "common/result.h"

namespace daemonctl::core {

/// Parses pidfile contents: optional blanks, decimal digits, optional blanks
/// and newline, nothing else; 1 < pid < pid_max. The Error says why not.
Result<pid_t> parse_pidfile(std::string_view text, pid_t pid_max);

/// Proof of identity, taken when the daemon was started.
struct Record {
  pid_t pid = 0;
  std::uint64_t starttime = 0;  ///< /proc/PID/stat field 22
  std::string boot_id;          ///< /proc/sys/kernel/random/boot_id
  pid_t pgid = 0;               ///< its process group at start

  // Written by a monitor ([restart]); pid is then its current (or last) child.
  pid_t monitor = 0;                    ///< 0: no monitor
  std::uint64_t monitor_starttime = 0;  ///< the monitor's proof
  int restarts = 0;                     ///< how many times it restarted the daemon
  std::string last_exit{};              ///< "exited with status 1", "" if none yet
  std::string phase{};                  ///< "running", "restarting" (no pidfile meanwhile), "failed" (gave up)
};

/// "pid 123\nstarttime 456\nboot_id ...\npgid 122\n", then the monitor's lines if any
std::string format_record(const Record& r);
/// nullopt unless every field is present and well-formed.
std::optional<Record> parse_record(std::string_view text);

/// Where a service's state files are.
struct StatePaths {
  std::string pidfile;
  std::string record;
  std::string lock;  ///< serialises the commands that change the service
};

}  // namespace daemonctl::core
