#include "posix/thread.h"

#include <sched.h>

#include <atomic>
#include <list>

#include <catch2/catch.hpp>

using daemonctl::posix::Thread;

TEST_CASE("Thread: runs its body, and is joined when destroyed", "[posix][thread]") {
  std::atomic<int> ran{0};
  {
    std::list<Thread> threads;
    for (int i = 0; i < 3; ++i) threads.emplace_back([&] { ++ran; });
  }
  CHECK(ran == 3);
}

TEST_CASE("Thread: starts on another CPU than its creator's, then may run on any", "[posix][thread]") {
  cpu_set_t all;
  REQUIRE(sched_getaffinity(0, sizeof all, &all) == 0);
  if (CPU_COUNT(&all) < 2) {
    WARN("one CPU: nowhere else to start, nothing checked");
    return;
  }
  int checked = 0;
  for (int attempt = 0; attempt < 50 && checked < 10; ++attempt) {
    int first = -1;
    cpu_set_t inside;
    CPU_ZERO(&inside);
    int here = sched_getcpu();
    {
      Thread t([&] {
        first = sched_getcpu();
        (void)sched_getaffinity(0, sizeof inside, &inside);
      });
      if (sched_getcpu() != here) continue;  // we moved meanwhile: the CPU it avoided is unknown
    }
    CHECK(first != here);
    CHECK(CPU_EQUAL(&inside, &all));
    ++checked;
  }
  CHECK(checked == 10);
}
