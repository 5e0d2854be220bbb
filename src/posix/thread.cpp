#include "posix/thread.h"

#include <exception>
#include <system_error>

namespace daemonctl::posix {

Thread::Thread(std::function<void()> body) : body_(std::move(body)) {
  cpu_set_t others;
  CPU_ZERO(&allowed_);
  int here = ::sched_getcpu();
  if (::sched_getaffinity(0, sizeof allowed_, &allowed_) == 0 && here >= 0 && CPU_ISSET(here, &allowed_)) {
    others = allowed_;
    CPU_CLR(here, &others);
    placed_ = CPU_COUNT(&others) > 0;
  }
  pthread_attr_t attr;
  ::pthread_attr_init(&attr);
  // glibc applies the affinity before the thread runs a line of `body`.
  if (placed_) ::pthread_attr_setaffinity_np(&attr, sizeof others, &others);
  int err = ::pthread_create(&thread_, &attr, &Thread::start, this);
  ::pthread_attr_destroy(&attr);
  if (err != 0 && placed_) {  // the others refused (offline meanwhile, say): anywhere
    placed_ = false;
    err = ::pthread_create(&thread_, nullptr, &Thread::start, this);
  }
  if (err != 0) throw std::system_error(err, std::generic_category(), "cannot start a thread");
}

Thread::~Thread() { ::pthread_join(thread_, nullptr); }

void* Thread::start(void* self) {
  auto* t = static_cast<Thread*>(self);
  // Back to every CPU the process may use, before anything it forks can
  // inherit the narrower set. (This fails only if all of them went offline
  // in between; the thread then keeps to the others.)
  if (t->placed_) (void)::sched_setaffinity(0, sizeof t->allowed_, &t->allowed_);
  try {
    t->body_();
  } catch (...) {
    std::terminate();  // as std::thread: a body must not throw
  }
  return nullptr;
}

}  // namespace daemonctl::posix
