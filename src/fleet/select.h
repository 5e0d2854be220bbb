// Which services a command acts on, and in which order: SERVICE arguments
// and --all resolved to files, loaded, with their dependencies.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "config/service_spec.h"
#include "fleet/order.h"
#include "service/commands.h"

namespace daemonctl::fleet {

/// One service a command acts on: loaded, or why it could not be.
struct Target {
  std::string label;  ///< the service's name; the argument (or file stem) when its file failed
  std::string file;   ///< the file, as resolved ("" for an unknown name); recorded only: the recorded one
  /// The service as its file says; null when it did not load (or was not
  /// parsed: `current`). Held by pointer: a Target of 1,000 is small.
  std::unique_ptr<config::ServiceSpec> spec;
  Error error;  ///< when !spec
  /// The state dir records an instance of `label`: stop, status, signal and
  /// reload work from the record even without a loadable file.
  bool recorded = false;
  /// Whether --all takes it (fleet/enabled.h); nullopt when it is no file of
  /// the config folder (a file elsewhere, a record whose file is gone) or
  /// the disabled/ folder cannot be read.
  std::optional<bool> enabled = std::nullopt;
  /// SelectOptions::trust_records: its file was not parsed, because its
  /// record was made from this very file, unchanged since (same device,
  /// inode, size and mtime). `recorded` is then true, and `status` holds
  /// what status_info found, taken with the record in one pass.
  bool current = false;
  std::string recorded_pidfile{};  ///< current: the pidfile its record names
  std::unique_ptr<Result<service::StatusInfo>> status{};
  /// What SelectOptions::render made of it, on the thread that took `status`.
  std::optional<std::string> rendered{};
};

/// What a caller prints of a target: nullopt if it cannot tell yet.
using Render = std::function<std::optional<std::string>(const Target&)>;

struct Selection {
  std::vector<Target> targets;  ///< in dependency order: each after those it names in `after`
  fleet::Dependencies deps;      ///< deps[i]: the targets i comes after
  /// `after` names not among the targets but in the config folder, each
  /// once, with its service (start without --with-deps checks that they run).
  std::vector<std::pair<std::string, config::ServiceSpec>> outside;
  /// With SelectOptions::dependents: services of the config folder, not
  /// among the targets, that come after one of them: (that target's label,
  /// the service). A stop warns of those still running.
  std::vector<std::pair<std::string, config::ServiceSpec>> dependents;
  /// What makes the set unusable: unknown dependencies, a cycle, one name
  /// declared by two files. Located where the service files say it.
  std::vector<Diagnostic> problems;
};

/// What --all does with the disabled services of the config folder.
enum class Disabled {
  include,      ///< takes them too (--include-disabled; list, status and check without SERVICE)
  if_recorded,  ///< takes those the state dir records: they run, or ran (stop, reload, status)
  skip,         ///< leaves them out, even running (start, restart)
};

struct SelectOptions {
  bool all = false;             ///< every service of the config folder, besides the arguments
  Disabled disabled = Disabled::include;
  bool with_deps = false;       ///< add the services named in `after`, recursively
  bool check_deps = false;      ///< an `after` naming no service is a problem (start, restart, check)
  bool keep_arg_order = false;  ///< no dependency order (status, list: as given, or by name)
  bool dependents = false;      ///< fill Selection::dependents (stop of named services)
  /// --all of status and list: a file of the folder whose record was made
  /// from it, and which has not changed since, is not parsed: the record
  /// says all they show (Target::current). A clash of its name or pidfile
  /// with another file's has it parsed after all, to say where.
  bool trust_records = false;
  /// With trust_records, if set: called on the thread that took a target's
  /// status, for Target::rendered (status and list print 1,000 of them:
  /// made on both cores, not after on one).
  Render render{};
  /// Where records are: a name without a file is a Target if recorded there,
  /// and --all adds every recorded service. "": records are not looked at.
  std::string state_dir;
  /// Where the default logs are: a stream without a path gets <log_dir>/<name>.log.
  std::string log_dir;
};

/// Resolves and loads the services. Only a config folder (or its disabled/
/// folder) that --all cannot read is an Error; files that fail to load
/// become failed Targets.
Result<Selection> select(const std::vector<std::string>& args, const std::string& config_dir,
                         const SelectOptions& opt);

}  // namespace daemonctl::fleet
