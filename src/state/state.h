// The lifecycle's states: one enum for the record, the monitor, status,
// list and JSON. Its words appear only at the edges (state_name, parse_state).
#pragma once

#include <optional>
#include <string_view>

namespace daemonctl::state {

enum class State {
  stopped,     ///< no record
  starting,    ///< recorded by a start that is still under way (it holds the lock)
  running,     ///< the record names a live process proven to be the one started
  dead,        ///< the record names a process that is gone (or a pid now another's)
  invalid,     ///< the record cannot be understood
  unknown,     ///< the record cannot be read
  restarting,  ///< its monitor lives, between a daemon's exit and the next start
  failed,      ///< its monitor gave up after too many restarts
};

/// The state's word: "running", "dead"... (records, status, list, JSON).
const char* state_name(State s);
/// The state a word names; nullopt for any other word.
std::optional<State> parse_state(std::string_view word);

}  // namespace daemonctl::state
