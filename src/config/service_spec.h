// A service as its file describes it, validated, with every path absolute.
// Plain data: nothing here knows TOML.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

#include "config/endpoint.h"
#include "config/limits.h"
#include "state/restart.h"

namespace daemonctl::config {

using Duration = std::chrono::nanoseconds;

struct StartSpec {
  Duration grace{0};  ///< after a successful exec, how long the daemon must survive
  /// Commands run in order before the daemon, each as it would run (user,
  /// directory, environment); each argv never empty. One that fails fails the start.
  std::vector<std::vector<std::string>> pre;
  Duration pre_timeout = std::chrono::seconds(30);  ///< for each pre command, then it is killed; always > 0
};

struct StopSpec {
  int signal = 15;                                  ///< SIGTERM
  Duration interval = std::chrono::milliseconds(100);  ///< re-send period; 0: send once
  Duration timeout = std::chrono::seconds(10);      ///< then SIGKILL; always > 0
  bool group = true;                                ///< signal the process group, not only the pid
};

/// [ready]: when `start` may return. Every check given must pass.
struct ReadySpec {
  bool notify = false;               ///< READY=1 on $NOTIFY_SOCKET (sd_notify)
  std::optional<Endpoint> tcp;       ///< the daemon or its process group listens there
  std::string file;                  ///< absolute; the file exists
  std::vector<std::string> command;  ///< exits 0 (run again until it does)
  Duration timeout = std::chrono::seconds(30);  ///< then start stops it and fails; always > 0
  bool any() const { return notify || tcp || !file.empty() || !command.empty(); }
};

/// `stdout = { file = "web.log", max_size = "10MiB", keep = 5 }`: the output
/// goes through a pipe to the monitor, which writes it and rotates the file.
struct Rotation {
  std::uint64_t max_size = 0;  ///< bytes; 0: no rotation (a plain file)
  int keep = 5;                ///< web.log.1 ... web.log.<keep>
};

/// [restart]: state/restart.h, shared with the monitor, which knows no config.
using state::RestartPolicy;
using state::RestartSpec;

/// How the command runs: in the foreground (simple), or daemonizing itself
/// and writing `pidfile` (forking).
enum class ServiceType { simple, forking };

/// Where a key is written in the service file (1-based).
struct Location {
  unsigned line = 0;
  unsigned column = 0;
};

struct ServiceSpec {
  std::string file;       ///< absolute path of the service file
  std::string name;       ///< [A-Za-z0-9._@-]{1,128}
  std::vector<std::string> command;  ///< argv, never empty; command[0] as written
  std::string pidfile;    ///< absolute; empty: <state dir>/<name>.pid
  std::string directory = "/";
  /// A folder name (no '/', not "." or ".."), created under /run (under
  /// $XDG_RUNTIME_DIR when daemonctl is not root) for the daemon before its
  /// start, and removed after its stop; "": none.
  std::string runtime_directory;
  mode_t runtime_directory_mode = 0755;
  mode_t umask = 022;
  std::string user;   ///< who the daemon runs as: a name or a decimal uid; empty = daemonctl's own user
  std::string group;  ///< its primary group: a name or a decimal gid; empty = the user's primary group
  std::string stdin_path = "/dev/null";
  /// Absolute. Empty: the file has no such key, so the default log,
  /// <log dir>/<name>.log, which the command fills in (service::use_log_dir);
  /// "/dev/null" discards.
  std::string stdout_path;
  std::string stderr_path;
  std::string default_log;   ///< the default log given to a stream without a path; "" if none was

  Rotation stdout_rotation;  ///< when stdout is a table with max_size
  Rotation stderr_rotation;
  std::map<std::string, std::string> environment;  ///< set over all else
  std::vector<std::string> pass_environment;      ///< names of variables passed on from daemonctl's caller
  bool inherit_environment = false;  ///< the caller's environment as the base, not the fixed one (service/environment.h)
  ServiceType type = ServiceType::simple;
  StartSpec start;
  StopSpec stop;
  ReadySpec ready;
  RestartSpec restart;
  std::vector<std::string> after;  ///< names of the services to start before this one
  int reload_signal = 1;           ///< SIGHUP: what `reload` sends
  std::optional<int> nice;           ///< -20..19; unset: daemonctl's own
  std::optional<int> oom_score_adj;  ///< -1000..1000; unset: daemonctl's own
  std::vector<Limit> limits;         ///< [limits], by name
  std::map<std::string, Location> locations;  ///< where each top-level key and table is written
};

}  // namespace daemonctl::config
