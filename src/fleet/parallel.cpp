#include "fleet/parallel.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace daemonctl::fleet {
namespace {

enum class Task { waiting, running, succeeded, failed };

class Board {
 public:
  Board(std::size_t n, const Schedule& s) : tasks_(n, Task::waiting), schedule_(s) {}

  /// The next task that may run, marked running; n when none is left.
  /// A task blocked by a failed dependency is returned too, with that
  /// dependency in `blocked_by`: its caller says why, then finishes it.
  std::size_t take(std::size_t& blocked_by) {
    std::unique_lock lock(mutex_);
    for (;;) {
      bool waiting = false;
      for (std::size_t i = 0; i < tasks_.size(); ++i) {
        if (tasks_[i] != Task::waiting) continue;
        waiting = true;
        switch (readiness(i, blocked_by)) {
          case Ready::yes:
            tasks_[i] = Task::running;
            return i;
          case Ready::blocked:
            tasks_[i] = Task::running;  // failed once its caller has said why
            return i;
          case Ready::no:
            break;
        }
      }
      if (!waiting) return tasks_.size();
      changed_.wait(lock);
    }
  }

  void finish(std::size_t i, bool ok) {
    {
      std::lock_guard lock(mutex_);
      tasks_[i] = ok ? Task::succeeded : Task::failed;
    }
    changed_.notify_all();
  }

  void wait_done(std::size_t i) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return tasks_[i] == Task::succeeded || tasks_[i] == Task::failed; });
  }

 private:
  enum class Ready { yes, no, blocked };

  Ready readiness(std::size_t i, std::size_t& blocked_by) const {
    if (!schedule_.deps) return Ready::yes;
    for (std::size_t d : (*schedule_.deps)[i]) {
      if (tasks_[d] == Task::waiting || tasks_[d] == Task::running) return Ready::no;
      if (tasks_[d] == Task::failed && schedule_.skip_after_failure) {
        blocked_by = d;
        return Ready::blocked;
      }
    }
    return Ready::yes;
  }

  std::vector<Task> tasks_;
  const Schedule& schedule_;
  std::mutex mutex_;
  std::condition_variable changed_;
};

}  // namespace

void run_all(std::size_t n, const Schedule& schedule, const std::function<bool(std::size_t)>& task,
             const std::function<void(std::size_t, std::size_t)>& blocked,
             const std::function<void(std::size_t)>& report) {
  // An exception in a task fails that task; the first is rethrown here
  // once every thread has stopped (on a worker it would terminate).
  std::mutex caught_mutex;
  std::exception_ptr caught;
  auto run = [&](std::size_t i) {
    try {
      return task(i);
    } catch (...) {
      std::lock_guard lock(caught_mutex);
      if (!caught) caught = std::current_exception();
      return false;
    }
  };
  auto rethrow = [&] {
    if (caught) std::rethrow_exception(caught);
  };
  Board board(n, schedule);
  auto work = [&] {
    for (;;) {
      std::size_t blocked_by = n;
      std::size_t i = board.take(blocked_by);
      if (i == n) return;
      if (blocked_by != n) {
        blocked(i, blocked_by);
        board.finish(i, false);
      } else {
        board.finish(i, run(i));
      }
    }
  };
  std::size_t jobs = std::max<std::size_t>(1, std::min(schedule.jobs, n));
  if (!schedule.deps && jobs > 1) {
    // Independent tasks: each thread takes the next index, no board to
    // wake everyone on; reported once all are done.
    std::atomic<std::size_t> next{0};
    auto take_next = [&] {
      for (std::size_t i; (i = next.fetch_add(1)) < n;) (void)run(i);
    };
    {
      std::vector<std::jthread> helpers;
      for (std::size_t w = 1; w < jobs; ++w) helpers.emplace_back(take_next);
      take_next();
    }
    rethrow();
    for (std::size_t i = 0; i < n; ++i) report(i);
    return;
  }
  if (jobs == 1) {
    // One at a time in index order, on this thread: no thread is created
    // (and each fork happens in a single-threaded process).
    // In dependency order, the first task that may run is the next one.
    for (std::size_t done = 0; done < n; ++done) {
      std::size_t blocked_by = n;
      std::size_t i = board.take(blocked_by);
      if (blocked_by != n) {
        blocked(i, blocked_by);
        board.finish(i, false);
      } else {
        board.finish(i, run(i));
      }
      rethrow();
      report(i);
    }
    return;
  }
  {
    std::vector<std::jthread> workers;
    workers.reserve(jobs);
    for (std::size_t w = 0; w < jobs; ++w) workers.emplace_back(work);
    for (std::size_t i = 0; i < n; ++i) {
      board.wait_done(i);
      report(i);
    }
  }  // joined
  rethrow();
}

}  // namespace daemonctl::fleet
