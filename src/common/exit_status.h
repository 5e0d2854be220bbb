// The exit codes of daemonctl: those of LSB init-script actions, so that an
// init script can pass them through unchanged.
#pragma once

namespace daemonctl {

enum class ExitStatus : int {
  success = 0,
  failure = 1,        ///< generic failure; for `status`: dead but pidfile exists
  usage = 2,          ///< bad command line
  not_running = 3,    ///< `status` only: the service is not running
  privilege = 4,      ///< insufficient privilege; for `status`: state unknown
  not_installed = 5,  ///< the program cannot be found or executed
  config = 6,         ///< the service file is invalid
  inactive = 7,       ///< reload, signal: the service is not running
};

inline int to_int(ExitStatus s) { return static_cast<int>(s); }

}  // namespace daemonctl
