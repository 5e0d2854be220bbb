// The daemon's output as the monitor carries it, and the monitor's own
// lines: a rotated stream comes through a FIFO in the state dir, which the
// monitor reads and writes into its file (monitor/rotating_log.h); a plain
// one goes straight to the file, the monitor's own stdout or stderr, which
// the daemon shares.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "monitor/rotating_log.h"

namespace daemonctl::monitor {

class Output {
 public:
  /// Opens the FIFOs of the rotated streams; a stream whose FIFO cannot be
  /// opened goes straight to its file, unrotated, and says so in it.
  explicit Output(const state::MonitorPlan& plan);
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
  /// Removes the FIFOs, with the service's state.
  void remove_fifos();

 private:
  std::optional<RotatingLog> rotated(const state::LogPlan& log, int fd);

  const state::MonitorPlan& plan_;
  std::vector<std::string> problems_;  ///< FIFOs not opened: logged once both streams are set up
  std::optional<RotatingLog> out_, err_;
};

}  // namespace daemonctl::monitor
