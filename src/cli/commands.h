// The commands behind the command line: each resolves its services, acts
// on them, prints their lines (or JSON) and returns the exit code.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/report.h"

namespace daemonctl::cli {

enum class Verb { start, stop, restart, reload, signal, status, list, check, logs, export_unit, enable, disable };

struct Options {
  bool verbose = false;
  bool quiet = false;
  bool json = false;
  std::optional<std::string> state_dir;
  std::optional<std::string> config_dir;
  std::optional<std::string> log_dir;
  std::vector<std::string> services;
  std::string service;  ///< the one SERVICE of signal, logs and export (moved into services)
  bool all = false;
  bool include_disabled = false;  ///< --all takes the disabled services too
  bool with_deps = false;
  bool dry_run = false;  ///< start, stop, restart, reload, signal, enable, disable; the others ignore it
  bool strict = false;
  unsigned jobs = 8;
  std::string signal;
  bool group = false;  ///< reload, signal: to the daemon's process group
  std::string format;  ///< export's FORMAT: only "systemd"
  std::size_t lines = 50;
  bool follow = false;
};

/// Runs `verb`; returns the exit code: 0 only if every service succeeded,
/// else the LSB code of the first failure, in the order lines are printed.
int execute(Verb verb, const Options& opt, Verbosity v);

}  // namespace daemonctl::cli
