// What the monitor of a supervised service does when its daemon exits: the
// [restart] table of a service file, which config reads and the monitor
// follows (it knows no config).
#pragma once

#include <chrono>

namespace daemonctl::state {

/// [restart]: what the monitor does when the daemon exits.
enum class RestartPolicy {
  no,          ///< no monitor: the daemon is left alone (the default)
  on_failure,  ///< restart after a non-zero exit, or a kill by a signal other than the stop signal
  always,      ///< restart after any exit
};
struct RestartSpec {
  RestartPolicy policy = RestartPolicy::no;
  std::chrono::nanoseconds delay = std::chrono::seconds(1);       ///< before the first restart; doubles per quick failure
  std::chrono::nanoseconds max_delay = std::chrono::seconds(60);  ///< the doubling stops here; >= delay
  int limit = 5;                                  ///< at most this many restarts within `window`, then "failed"
  std::chrono::nanoseconds window = std::chrono::seconds(60);     ///< > 0
};

}  // namespace daemonctl::state
