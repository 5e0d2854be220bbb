// daemonctl's own messages on stderr: "daemonctl: <level>: <message>".
// A thin seam over spdlog, which only log.cpp includes. Every message is
// one line, its control characters escaped (common/escape.h).
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace daemonctl::log {

enum class Level { debug, info, warning, error };

/// Runs `write` (a message going to stderr); lets a progress line on the
/// terminal get out of the way around it.
using Around = std::function<void(const std::function<void()>& write)>;

/// Sets up the stderr logger; messages below `min` are dropped. `colour`:
/// the level word is coloured (the caller decides; see cli/style.h).
/// `around` (may be empty) wraps every message.
void setup(Level min, bool colour, Around around = {});

/// While one lives, this thread's debug lines (-v) begin with "NAME: ", the
/// service being acted on, if they do not already: every -v line names its
/// service, even from code that does not know it (a signal sent, a wait).
class Scope {
 public:
  explicit Scope(std::string name);
  ~Scope();
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  std::string saved_;
};

void debug(std::string_view message);
void warn(std::string_view message);
void error(std::string_view message);

}  // namespace daemonctl::log
