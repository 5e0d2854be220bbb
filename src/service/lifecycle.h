// The lifecycle as one table: for each state a service can be found in
// and each action asked of it, the steps to take, in order (s6-supervise's
// actions[state][event]). start, stop, restart, reload and signal run these
// steps, and so does --dry-run, with other effects (service/effects.h).
#pragma once

#include <string_view>
#include <vector>

#include "state/state.h"

namespace daemonctl::service {

enum class Action { start, stop, restart, reload, signal };

enum class Step {
  refuse,          ///< the state cannot be told: an error, nothing done
  rewrite_pidfile, ///< the record proves the daemon: daemonctl's pidfile written again if it is off
  reattach,        ///< its monitor gone, a new one takes the running daemon in hand
  say_running,     ///< "already running (pid N)"
  say_restarting,  ///< its monitor is between two daemons: say so
  say_stopped,     ///< "not running" (and why, when it had failed)
  tell_monitor,    ///< a live monitor is told to stand down, so it restarts nothing
  await_monitor,   ///< ...and its exit awaited
  clear_leftovers, ///< a stale pidfile (no record) or a record cut short removed
  remove_stale,    ///< a dead or invalid instance's pidfile and record removed, with a warning
  remove_record,   ///< the record (and pidfile) of what no longer runs removed
  terminate,       ///< the daemon ended with its recorded stop settings
  launch,          ///< a new instance started from the service file
  send,            ///< the signal sent to the proven daemon
};

/// The steps of `action` on a service found in state `s`.
const std::vector<Step>& steps(state::State s, Action action);

/// "remove_stale": for tests and messages.
std::string_view step_name(Step step);

}  // namespace daemonctl::service
