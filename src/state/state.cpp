#include "state/state.h"

#include <array>
#include <utility>

namespace daemonctl::state {
namespace {

constexpr std::array<std::pair<State, const char*>, 8> kNames = {{
    {State::stopped, "stopped"},
    {State::starting, "starting"},
    {State::running, "running"},
    {State::dead, "dead"},
    {State::invalid, "invalid"},
    {State::unknown, "unknown"},
    {State::restarting, "restarting"},
    {State::failed, "failed"},
}};

}  // namespace

const char* state_name(State s) {
  for (const auto& [state, name] : kNames) {
    if (state == s) return name;
  }
  return "unknown";
}

std::optional<State> parse_state(std::string_view word) {
  for (const auto& [state, name] : kNames) {
    if (word == name) return state;
  }
  return std::nullopt;
}

}  // namespace daemonctl::state
