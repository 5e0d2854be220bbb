// What a long operation tells whoever shows progress (a terminal line, in
// cli/progress.h). Core knows nothing of terminals: it only reports.
#pragma once

#include <chrono>
#include <string>
#include <sys/types.h>

namespace daemonctl::service {

/// Told while a stop waits. Calls may come from several threads at once
/// (one per service of a parallel run); an implementation must not block.
class Progress {
 public:
  virtual ~Progress() = default;

  /// The stop of `name` has waited `waited` (a whole number of seconds, from
  /// 1s on, once a second) for `pid` to exit; SIGKILL comes at `timeout`.
  virtual void stop_waiting(const std::string& name, pid_t pid, std::chrono::seconds waited,
                            std::chrono::nanoseconds timeout) = 0;
  /// The stop of `name` is done waiting, whatever the result. Called after
  /// every wait for an exit, even one that never called stop_waiting.
  virtual void stop_waited(const std::string& name) = 0;

  /// The start of `name` has waited `waited` (once a second, from 1s on) for
  /// `what` (its readiness checks); it gives up at `timeout`. Done: stop_waited.
  virtual void ready_waiting(const std::string& name, const std::string& what, std::chrono::seconds waited,
                             std::chrono::nanoseconds timeout) = 0;
};

}  // namespace daemonctl::service
