#include "fleet/parallel.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <list>
#include <mutex>
#include <vector>

#include "posix/thread.h"

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
      // Those before the first waiting one are all taken: not scanned again.
      while (first_waiting_ < tasks_.size() && tasks_[first_waiting_] != Task::waiting) ++first_waiting_;
      for (std::size_t i = first_waiting_; i < tasks_.size(); ++i) {
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
  std::size_t first_waiting_ = 0;  ///< no task before it is waiting
  const Schedule& schedule_;
  std::mutex mutex_;
  std::condition_variable changed_;
};

// Runs the tasks for run_all. An exception in a task fails that task; the
// first is kept, and rethrown by rethrow() once every thread has stopped
// (on a worker it would terminate the process).
class Runner {
 public:
  Runner(const std::function<bool(std::size_t)>& task, const std::function<void(std::size_t, std::size_t)>& blocked)
      : task_(task), blocked_(blocked) {}

  bool run(std::size_t i) {
    try {
      return task_(i);
    } catch (...) {
      std::lock_guard lock(caught_mutex_);
      if (!caught_) caught_ = std::current_exception();
      return false;
    }
  }

  /// Takes the next task that may run from `board` (of `n`) and runs it,
  /// or says why it is blocked; returns its index, n when none is left.
  std::size_t run_next(Board& board, std::size_t n) {
    std::size_t blocked_by = n;
    std::size_t i = board.take(blocked_by);
    if (i == n) return n;
    if (blocked_by != n) {
      blocked_(i, blocked_by);
      board.finish(i, false);
    } else {
      board.finish(i, run(i));
    }
    return i;
  }

  void rethrow() {
    if (caught_) std::rethrow_exception(caught_);
  }

 private:
  const std::function<bool(std::size_t)>& task_;
  const std::function<void(std::size_t, std::size_t)>& blocked_;
  std::mutex caught_mutex_;
  std::exception_ptr caught_;
};

using Report = std::function<void(std::size_t)>;

// Independent tasks on `jobs` threads, this one included: each takes the
// next index, with no board to wake everyone on. This thread also reports,
// between its tasks, those done in order so far: the reports overlap the
// other threads' tasks instead of following them all.
void run_independent(std::size_t n, std::size_t jobs, Runner& runner, const Report& report) {
  std::atomic<std::size_t> next{0};
  std::vector<std::atomic<bool>> done(n);
  std::size_t reported = 0;
  auto take_next = [&](bool reporter) {
    for (std::size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < n;) {
      (void)runner.run(i);
      done[i].store(true, std::memory_order_release);
      while (reporter && reported < n && done[reported].load(std::memory_order_acquire)) report(reported++);
    }
  };
  {
    std::list<posix::Thread> helpers;
    for (std::size_t w = 1; w < jobs; ++w) helpers.emplace_back([&] { take_next(false); });
    take_next(true);
  }  // joined: every task is done
  while (reported < n) report(reported++);
  runner.rethrow();
}

// One at a time, on this thread: no thread is created (and each fork
// happens in a single-threaded process). In dependency order, the first
// task that may run is the next one.
void run_one_at_a_time(std::size_t n, Board& board, Runner& runner, const Report& report) {
  for (std::size_t done = 0; done < n; ++done) {
    std::size_t i = runner.run_next(board, n);
    runner.rethrow();
    report(i);
  }
}

// `jobs` worker threads take the tasks from the board; this thread reports
// each, in index order, once it and all before it are done.
void run_on_workers(std::size_t n, std::size_t jobs, Board& board, Runner& runner, const Report& report) {
  {
    std::list<posix::Thread> workers;
    for (std::size_t w = 0; w < jobs; ++w) {
      workers.emplace_back([&] {
        while (runner.run_next(board, n) != n) {
        }
      });
    }
    for (std::size_t i = 0; i < n; ++i) {
      board.wait_done(i);
      report(i);
    }
  }  // joined
  runner.rethrow();
}

}  // namespace

void run_all(std::size_t n, const Schedule& schedule, const std::function<bool(std::size_t)>& task,
             const std::function<void(std::size_t, std::size_t)>& blocked,
             const std::function<void(std::size_t)>& report) {
  Runner runner(task, blocked);
  std::size_t jobs = std::max<std::size_t>(1, std::min(schedule.jobs, n));
  if (!schedule.deps && jobs > 1) return run_independent(n, jobs, runner, report);
  Board board(n, schedule);
  if (jobs == 1) return run_one_at_a_time(n, board, runner, report);
  run_on_workers(n, jobs, board, runner, report);
}

}  // namespace daemonctl::fleet
