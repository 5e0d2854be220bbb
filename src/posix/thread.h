// A thread that starts on another CPU than the one creating it.
#pragma once

#include <sched.h>
#include <pthread.h>

#include <functional>

namespace daemonctl::posix {

/// Runs `body` on a new thread, joined when this object is destroyed. The
/// thread starts on a CPU other than its creator's, if the process may use
/// another, and may then go anywhere: left to the scheduler, a new thread
/// often waits behind its creator on one CPU until a tick moves one of them
/// (up to 4 ms here, against tasks of 8 ms). Throws std::system_error, as
/// std::thread does, when no thread can be made.
class Thread {
 public:
  explicit Thread(std::function<void()> body);
  ~Thread();
  Thread(const Thread&) = delete;
  Thread& operator=(const Thread&) = delete;

 private:
  static void* start(void* self);

  std::function<void()> body_;
  cpu_set_t allowed_;     ///< the CPUs the process may use: the thread's once started
  bool placed_ = false;   ///< it starts on the others only
  pthread_t thread_;
};

}  // namespace daemonctl::posix
