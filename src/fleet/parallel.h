// Runs one task per service, several at once, never before its dependencies.
#pragma once

#include <cstddef>
#include <functional>

#include "fleet/order.h"

namespace daemonctl::fleet {

struct Schedule {
  const Dependencies* deps = nullptr;  ///< nullptr: independent tasks
  std::size_t jobs = 1;                ///< at most this many tasks at once
  /// A task whose dependency failed is not run: blocked(i, dep) is called
  /// instead (and i counts as failed). False: dependencies only order.
  bool skip_after_failure = true;
};

/// Runs run(i) for i in 0..n-1 (run returns success), each once all of
/// deps[i] are done, at most `jobs` at a time. report(i) is called on the
/// calling thread in index order, as soon as i and all before it are done
/// (for independent tasks run on several threads: between this thread's
/// own tasks, and once all are done).
/// Tasks of index order already respecting the dependencies never deadlock.
void run_all(std::size_t n, const Schedule& schedule, const std::function<bool(std::size_t)>& run,
             const std::function<void(std::size_t, std::size_t)>& blocked,
             const std::function<void(std::size_t)>& report);

}  // namespace daemonctl::fleet
