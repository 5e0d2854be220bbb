// The daemon's output as the monitor carries it, and the monitor's own
// lines: a rotated stream comes through a pipe the monitor reads and writes
// into its file (monitor/rotating_log.h); a plain one goes straight to the
// file, the monitor's own stdout or stderr, which the daemon shares.
#pragma once

#include <optional>
#include <string>

#include "monitor/rotating_log.h"

namespace daemonctl::monitor {

class Output {
 public:
  /// Opens the pipes of the rotated streams; one that cannot be made is
  /// written straight to its file instead.
  explicit Output(const Plan& plan);
  ~Output() { flush(); }
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  /// The daemon's fds 1 and 2.
  int daemon_stdout() const { return out_ ? out_->write_end() : 1; }
  int daemon_stderr() const;
  /// Some of the daemon's output comes through the monitor.
  bool carried() const { return out_ || err_; }
  /// For poll: the read ends of the pipes (-1: none).
  int stdout_pipe() const { return out_ ? out_->read_end() : -1; }
  int stderr_pipe() const { return err_ ? err_->read_end() : -1; }

  /// One line of the monitor's own, "2026-11-27T14:40:00Z
  /// daemonctl-monitor[12]: web: WHAT", to stderr's file, or to stdout's
  /// when stderr goes nowhere.
  void log(const std::string& what);
  /// Writes what the pipes hold now, and logs why a log could not be reopened.
  void drain();
  /// Retries what waits to be written (a full disk).
  void flush();
  /// Something waits to be written: flush again later.
  bool waiting() const { return (out_ && out_->waiting()) || (err_ && err_->waiting()); }

 private:
  const Plan& plan_;
  std::optional<RotatingLog> out_, err_;
};

}  // namespace daemonctl::monitor
