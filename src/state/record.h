// The record: what daemonctl started, written once into the state dir at
// start (then only its instance fields change) and trusted afterwards.
// Service files and pidfiles are inputs and outputs anyone may edit; the
// record alone says what runs, how to stop it, and where it came from.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

#include "state/state.h"

namespace daemonctl::state {

/// Which version of a service file a start used: a changed file is noticed.
struct FileIdentity {
  std::uint64_t dev = 0, ino = 0, size = 0;
  std::int64_t mtime_ns = 0;
  bool operator==(const FileIdentity&) const = default;
};

/// How the recorded instance is stopped and reloaded: the settings of its
/// start, whatever its file says now.
struct RecordedStop {
  int signal = 15;
  std::int64_t timeout_ns = 10'000'000'000, interval_ns = 100'000'000;
  bool group = false;
  int reload_signal = 1;
};

struct Record {
  // What was started. Empty in a record of an older daemonctl, which held
  // only the instance: the service file then supplies it.
  std::string name;
  std::string file;       ///< the service file, absolute
  FileIdentity file_id;
  std::vector<std::string> argv;  ///< the program resolved, then its arguments
  std::string env_digest;         ///< of the daemon's whole environment
  std::string pidfile;            ///< daemonctl's, or a forking program's own
  bool forking = false;
  std::optional<RecordedStop> stop;
  std::string user;
  std::string stdout_path, stderr_path;  ///< for `logs`
  std::string runtime_dir;  ///< absolute: made for this start, removed after its stop; "" if none

  // The instance.
  /// starting, running, restarting (a monitor, between daemons) or failed;
  /// running in a record of an older daemonctl, which held none.
  State phase = State::running;
  pid_t pid = 0;                ///< the daemon; 0 while a forking start has not named it
  std::uint64_t starttime = 0;  ///< /proc/PID/stat field 22
  /// Its pidfs inode (posix::Pidfd::inode), the cheaper proof; 0: none
  /// (an older kernel, or daemonctl), then the start time proves it.
  std::uint64_t pid_inode = 0;
  std::string boot_id;          ///< /proc/sys/kernel/random/boot_id
  pid_t pgid = 0;               ///< its process group at start

  // Written by a monitor ([restart]); pid is then its current (or last) child.
  pid_t monitor = 0;                    ///< 0: no monitor
  std::uint64_t monitor_starttime = 0;  ///< the monitor's proof
  int restarts = 0;                     ///< how many times it restarted the daemon
  std::string last_exit{};              ///< "exited with status 1", "" if none yet
};

/// The identity of the file at `path` now; nullopt if it is not there.
std::optional<FileIdentity> file_identity(const std::string& path);

/// "key value" lines; strings with '\\' and newlines escaped.
std::string format_record(const Record& r);
/// nullopt unless the instance fields are present and well-formed.
std::optional<Record> parse_record(std::string_view text);

/// A hex digest of an environment (its entries in order).
std::string environment_digest(const std::vector<std::string>& env);

}  // namespace daemonctl::state
