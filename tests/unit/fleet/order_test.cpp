// dependency_order and run_all: the order `after` gives, and what a failure holds back.
#include "fleet/order.h"
#include "fleet/parallel.h"

#include <catch2/catch.hpp>

#include <mutex>

using namespace daemonctl::fleet;
using Order = std::vector<std::size_t>;

TEST_CASE("dependency_order: dependencies first, ties in index order", "[fleet][order]") {
  // 0 after 2, 1 independent, 2 after 3.
  Dependencies deps{{2}, {}, {3}, {}};
  auto order = dependency_order(deps, {"web", "log", "cache", "db"});
  REQUIRE(order.ok());
  CHECK(*order == Order{1, 3, 2, 0});
  CHECK(*dependency_order({{}, {}, {}}, {"a", "b", "c"}) == Order{0, 1, 2});
}

TEST_CASE("dependency_order: a cycle is a config error naming it", "[fleet][order]") {
  auto order = dependency_order({{1}, {2}, {0}, {}}, {"a", "b", "c", "d"});
  REQUIRE_FALSE(order.ok());
  CHECK(order.error().status == daemonctl::ExitStatus::config);
  CHECK(order.error().message == "dependency cycle: a -> b -> c -> a");
  // A node leading into a cycle is not part of it.
  auto tail = dependency_order({{1}, {2}, {1}}, {"x", "y", "z"});
  REQUIRE_FALSE(tail.ok());
  CHECK(tail.error().message == "dependency cycle: y -> z -> y");
}

TEST_CASE("reversed: who depends on each", "[fleet][order]") {
  CHECK(reversed({{2}, {}, {}, {0, 2}}) == Dependencies{{3}, {}, {0, 3}, {}});
}

TEST_CASE("run_all: dependents of a failure are blocked, not run, and reports come in index order", "[fleet][order]") {
  for (std::size_t jobs : {1u, 4u}) {
    // 0 fails; 1 after 0 (blocked); 2 after 1 (blocked too); 3 independent.
    Dependencies deps{{}, {0}, {1}, {}};
    Schedule s;
    s.deps = &deps;
    s.jobs = jobs;
    std::mutex m;
    std::vector<std::size_t> ran, reported;
    std::vector<std::pair<std::size_t, std::size_t>> blocked;
    run_all(
        4, s,
        [&](std::size_t i) {
          std::lock_guard lock(m);
          ran.push_back(i);
          return i != 0;
        },
        [&](std::size_t i, std::size_t by) {
          std::lock_guard lock(m);
          blocked.emplace_back(i, by);
        },
        [&](std::size_t i) { reported.push_back(i); });
    std::sort(ran.begin(), ran.end());
    std::sort(blocked.begin(), blocked.end());
    CHECK(ran == Order{0, 3});
    CHECK(blocked == std::vector<std::pair<std::size_t, std::size_t>>{{1, 0}, {2, 1}});
    CHECK(reported == Order{0, 1, 2, 3});
  }
}

TEST_CASE("run_all: without skip_after_failure a failure only orders", "[fleet][order]") {
  Dependencies deps{{}, {0}};
  Schedule s;
  s.deps = &deps;
  s.jobs = 2;
  s.skip_after_failure = false;
  std::vector<std::size_t> ran;
  run_all(
      2, s,
      [&](std::size_t i) {
        ran.push_back(i);  // one at a time: 1 waits for 0
        return false;
      },
      [](std::size_t, std::size_t) { FAIL("nothing is blocked"); }, [](std::size_t) {});
  CHECK(ran == Order{0, 1});
}

TEST_CASE("run_all: independent tasks on several threads all run once", "[fleet][order]") {
  Schedule s;
  s.jobs = 3;
  std::vector<int> runs(100, 0);
  std::vector<std::size_t> reported;
  run_all(
      100, s,
      [&](std::size_t i) {
        ++runs[i];
        return true;
      },
      [](std::size_t, std::size_t) {}, [&](std::size_t i) { reported.push_back(i); });
  CHECK(std::all_of(runs.begin(), runs.end(), [](int n) { return n == 1; }));
  CHECK(reported.size() == 100);
  CHECK(std::is_sorted(reported.begin(), reported.end()));
}
