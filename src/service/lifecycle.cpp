#include "service/lifecycle.h"

#include <array>

namespace daemonctl::service {
namespace {

using enum Step;
using Steps = std::vector<Step>;

constexpr std::size_t kStates = 8, kActions = 5;

// kTable[state][action], in the order of the enums: State (stopped,
// starting, running, dead, invalid, unknown, restarting, failed) and Action
// (start, stop, restart, reload, signal). A start under way ("starting")
// is only ever seen by a command that does not hold the lock: acting on
// one, a command holds it, and sees a start that died as running or dead.
const std::array<std::array<Steps, kActions>, kStates>& table() {
  static const Steps kStopRunning{tell_monitor, terminate, await_monitor, remove_record};
  static const Steps kStopDead{tell_monitor, await_monitor, remove_stale, say_stopped};
  static const Steps kStopRestarting{tell_monitor, await_monitor, remove_record, say_stopped};
  static const std::array<std::array<Steps, kActions>, kStates> kTable = {{
      // stopped
      {{{clear_leftovers, launch}, {clear_leftovers, say_stopped}, {clear_leftovers, launch}, {say_stopped},
        {say_stopped}}},
      // starting
      {{{rewrite_pidfile, reattach, say_running}, kStopRunning, {tell_monitor, terminate, await_monitor, remove_record, launch},
        {send}, {send}}},
      // running
      {{{rewrite_pidfile, reattach, say_running}, kStopRunning, {tell_monitor, terminate, await_monitor, remove_record, launch},
        {send}, {send}}},
      // dead
      {{{tell_monitor, await_monitor, remove_stale, launch}, kStopDead,
        {tell_monitor, await_monitor, remove_stale, launch}, {remove_stale, say_stopped},
        {remove_stale, say_stopped}}},
      // invalid
      {{{tell_monitor, await_monitor, remove_stale, launch}, kStopDead,
        {tell_monitor, await_monitor, remove_stale, launch}, {remove_stale, say_stopped},
        {remove_stale, say_stopped}}},
      // unknown: a live monitor is left alone, nothing is stopped or started
      {{{refuse}, {refuse}, {refuse}, {refuse}, {refuse}}},
      // restarting
      {{{say_restarting}, kStopRestarting, {tell_monitor, await_monitor, remove_record, launch}, {say_restarting},
        {say_restarting}}},
      // failed: a fresh start, with fresh counts
      {{{remove_record, launch}, {tell_monitor, await_monitor, remove_record, say_stopped},
        {tell_monitor, await_monitor, remove_record, launch}, {say_stopped}, {say_stopped}}},
  }};
  return kTable;
}

}  // namespace

const std::vector<Step>& steps(state::State s, Action action) {
  return table()[static_cast<std::size_t>(s)][static_cast<std::size_t>(action)];
}

std::string_view step_name(Step step) {
  switch (step) {
    case refuse: return "refuse";
    case rewrite_pidfile: return "rewrite_pidfile";
    case reattach: return "reattach";
    case say_running: return "say_running";
    case say_restarting: return "say_restarting";
    case say_stopped: return "say_stopped";
    case tell_monitor: return "tell_monitor";
    case await_monitor: return "await_monitor";
    case clear_leftovers: return "clear_leftovers";
    case remove_stale: return "remove_stale";
    case remove_record: return "remove_record";
    case terminate: return "terminate";
    case launch: return "launch";
    case send: return "send";
  }
  return "?";
}

}  // namespace daemonctl::service
