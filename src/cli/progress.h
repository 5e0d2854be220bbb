// The progress line: what a long command is doing, on stderr when that is
// a terminal, rewritten in place ("\r") and erased when done. Never in the
// output itself, never on a pipe, never with -q or --json.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>

#include "cli/report.h"
#include "service/progress.h"

namespace daemonctl::cli {

/// True if a command should show progress: stderr can be drawn on
/// (style::live), and neither -q nor --json.
bool progress_wanted(Verbosity v, bool json);

/// The line while it lives; at most one at a time. Thread-safe.
class ProgressLine final : public service::Progress {
 public:
  /// `shown` false: draws nothing, ever (a pipe, -q, --json).
  explicit ProgressLine(bool shown);
  ~ProgressLine() override;  ///< erases the line
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  /// Shows "<verb> <done>/<total>..." ("starting 3/12..."), from 0 done.
  void count(const std::string& verb, std::size_t total);
  /// One more of the count is done.
  void advance();

  /// "<name>: waiting for pid N to exit (3s of 10s)", after the count.
  void stop_waiting(const std::string& name, pid_t pid, std::chrono::seconds waited,
                    std::chrono::nanoseconds timeout) override;
  void stop_waited(const std::string& name) override;
  void ready_waiting(const std::string& name, const std::string& what, std::chrono::seconds waited,
                     std::chrono::nanoseconds timeout) override;

 private:
  friend void around_progress(const std::function<void()>& write);
  std::string text() const;
  void draw();   ///< with the lock held: the line as text() says, if it changed
  void erase();  ///< with the lock held

  bool shown_;
  std::string verb_;
  std::size_t total_ = 0, done_ = 0;
  std::map<std::string, std::string> waits_;  ///< service name -> its waiting text
  std::string drawn_;                          ///< what the terminal shows now; "" if nothing
};

/// Runs `write` (anything printed to the terminal: a result, a message)
/// with the progress line, if one is shown, erased before and drawn again
/// after, so the two never mix on one line.
void around_progress(const std::function<void()>& write);

}  // namespace daemonctl::cli
