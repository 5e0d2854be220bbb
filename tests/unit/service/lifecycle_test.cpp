// The lifecycle table, cell by cell, and the steps run through a fake
// effects seam: what start, stop, restart, reload and signal do in each
// state is decided in one place.
#include "service/lifecycle.h"

#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "service/effects.h"

using namespace daemonctl;
using namespace daemonctl::service;
using namespace daemonctl::state;

namespace {

std::string joined(const std::vector<Step>& list) {
  std::string text;
  for (Step step : list) text += (text.empty() ? "" : " ") + std::string(step_name(step));
  return text;
}

const char* kActions[] = {"start", "stop", "restart", "reload", "signal"};

}  // namespace

TEST_CASE("lifecycle: every state x action cell", "[service][lifecycle]") {
  // One row per state, one column per action: start, stop, restart, reload, signal.
  const std::map<State, std::vector<std::string>> expected = {
      {State::stopped,
       {"clear_leftovers launch", "clear_leftovers say_stopped", "clear_leftovers launch", "say_stopped", "say_stopped"}},
      {State::starting,
       {"rewrite_pidfile reattach say_running", "tell_monitor terminate await_monitor remove_record",
        "tell_monitor terminate await_monitor remove_record launch", "send", "send"}},
      {State::running,
       {"rewrite_pidfile reattach say_running", "tell_monitor terminate await_monitor remove_record",
        "tell_monitor terminate await_monitor remove_record launch", "send", "send"}},
      {State::dead,
       {"tell_monitor await_monitor remove_stale launch", "tell_monitor await_monitor remove_stale say_stopped",
        "tell_monitor await_monitor remove_stale launch", "remove_stale say_stopped", "remove_stale say_stopped"}},
      {State::invalid,
       {"tell_monitor await_monitor remove_stale launch", "tell_monitor await_monitor remove_stale say_stopped",
        "tell_monitor await_monitor remove_stale launch", "remove_stale say_stopped", "remove_stale say_stopped"}},
      {State::unknown, {"refuse", "refuse", "refuse", "refuse", "refuse"}},
      {State::restarting,
       {"say_restarting", "tell_monitor await_monitor remove_record say_stopped",
        "tell_monitor await_monitor remove_record launch", "say_restarting", "say_restarting"}},
      {State::failed,
       {"remove_record launch", "tell_monitor await_monitor remove_record say_stopped",
        "tell_monitor await_monitor remove_record launch", "say_stopped", "say_stopped"}},
  };
  REQUIRE(expected.size() == 8);
  for (const auto& [state, row] : expected) {
    for (int a = 0; a < 5; ++a) {
      INFO(state_name(state) << " x " << kActions[a]);
      CHECK(joined(steps(state, static_cast<Action>(a))) == row[static_cast<std::size_t>(a)]);
    }
  }
}

namespace {

// Records which effects ran, and does nothing.
class Fake : public Effects {
 public:
  std::vector<std::string> calls;
  Status tell_monitor(Subject&) override { return note("tell_monitor"); }
  void await_monitor(Subject&) override { note("await_monitor"); }
  Status clear_leftovers(Subject&) override { return note("clear_leftovers"); }
  Status remove_stale(Subject&) override { return note("remove_stale"); }
  Status remove_record(Subject&) override { return note("remove_record"); }
  void rewrite_pidfile(Subject&) override { note("rewrite_pidfile"); }
  Result<std::optional<Outcome>> reattach(Subject&) override {
    note("reattach");
    return std::optional<Outcome>();
  }
  Result<Outcome> terminate(Subject& s) override {
    note("terminate");
    return Outcome{ExitStatus::success, "stopped (pid 42)", s.now.pid};
  }
  Result<Outcome> launch(Subject&) override {
    note("launch");
    if (fail_launch) return Error{ExitStatus::not_installed, "cannot execute 'x'"};
    return Outcome{ExitStatus::success, "started (pid 43)", 43};
  }
  Result<Outcome> send(Subject& s) override {
    note("send");
    return Outcome{ExitStatus::success, "sent SIGHUP to pid 42", s.now.pid};
  }
  bool fail_launch = false;

 private:
  Status note(const char* call) {
    calls.emplace_back(call);
    return {};
  }
};

Result<Outcome> drive(State state, Action action, Fake& fake) {
  static const Context ctx{"/nonexistent"};
  Inspection now;
  now.state = state;
  now.pid = 42;
  now.monitor.pid = 7;
  now.reason = "gave up after 3 restarts";
  Subject s{ctx, "svc", nullptr, now, StatePaths{}, action};
  return run_steps(s, fake);
}

}  // namespace

TEST_CASE("lifecycle: run_steps calls the effects of the cell, in order, and says what they did", "[service][lifecycle]") {
  Fake fake;
  auto restarted = drive(State::running, Action::restart, fake);
  REQUIRE(restarted);
  CHECK(fake.calls == std::vector<std::string>{"tell_monitor", "terminate", "await_monitor", "remove_record", "launch"});
  CHECK(restarted->text == "stopped (pid 42)\nstarted (pid 43)");
  CHECK(restarted->pid == 43);
}

TEST_CASE("lifecycle: the say steps' words, and the exit codes they carry", "[service][lifecycle]") {
  Fake fake;
  CHECK(drive(State::running, Action::start, fake)->text == "already running (pid 42)");
  CHECK(drive(State::restarting, Action::start, fake)->text == "already running (monitor pid 7 is restarting it)");
  auto between = drive(State::restarting, Action::stop, fake);
  CHECK(between->text == "stopped (between restarts, monitor pid 7)");
  CHECK(between->status == ExitStatus::success);
  CHECK(drive(State::failed, Action::stop, fake)->text == "not running (had failed: gave up after 3 restarts)");
  auto inactive = drive(State::stopped, Action::reload, fake);
  CHECK(inactive->text == "not running");
  CHECK(inactive->status == ExitStatus::inactive);
  CHECK(drive(State::restarting, Action::signal, fake)->status == ExitStatus::inactive);
  auto unknown = drive(State::unknown, Action::stop, fake);
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().message.starts_with("cannot tell whether it runs"));
}

TEST_CASE("lifecycle: a restart whose start fails says what it stopped first", "[service][lifecycle]") {
  Fake fake;
  fake.fail_launch = true;
  auto r = drive(State::running, Action::restart, fake);
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "stopped (pid 42), then the start failed: cannot execute 'x'");
  CHECK(r.error().status == ExitStatus::not_installed);
}
