#include "fleet/select.h"

#include <algorithm>
#include <functional>
#include <map>
#include <memory_resource>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "config/catalog.h"
#include "config/load.h"
#include "config/paths.h"
#include "fleet/dependents.h"
#include "fleet/enabled.h"
#include "service/inspect.h"
#include "service/log_dir.h"
#include "fleet/parallel.h"
#include "posix/file_info.h"
#include "posix/files.h"

namespace daemonctl::fleet {
namespace {

std::string stem(const std::string& path) {
  std::string name(config::file_name(path));
  if (name.ends_with(".toml")) name.resize(name.size() - 5);
  return name;
}

Target load(const std::string& label, const std::string& file, const std::string& log_dir) {
  auto spec = config::load_service(file);
  if (!spec) return Target{label, file, nullptr, std::move(spec).error()};
  service::use_log_dir(*spec, log_dir);
  std::string name = spec->name, path = spec->file;
  return Target{std::move(name), std::move(path), std::make_unique<config::ServiceSpec>(std::move(*spec)), {}};
}

/// A file's path as a key: absolute and normalised ("" stays "").
std::string file_key(const std::string& path) {
  if (path.empty()) return path;
  auto absolute = config::absolute_path(path);
  return absolute ? *absolute : path;
}

Target unknown(const std::string& arg, Error e) { return Target{arg, "", nullptr, std::move(e)}; }

Diagnostic at_key(const config::ServiceSpec& spec, const std::string& key, std::string message) {
  auto where = spec.locations.find(key);
  if (where == spec.locations.end()) return Diagnostic{spec.file, 0, 0, std::move(message)};
  return Diagnostic{spec.file, where->second.line, where->second.column, std::move(message)};
}

class Selector {
 public:
  /// `disabled`: the config folder's disabled services, nullopt if unknown.
  Selector(const std::string& dir, const SelectOptions& opt, std::optional<std::set<std::string>> disabled)
      : dir_(dir), folder_(file_key(dir)), opt_(opt), ctx_{opt.state_dir}, disabled_(std::move(disabled)) {}

  void add_argument(const std::string& arg) {
    auto file = config::service_file(arg, dir_);
    if (!file) {
      // A name whose file is gone, or was started by path: its record.
      if (!config::names_file(arg)) {
        if (auto recorded = from_record(arg)) return add(std::move(*recorded));
      }
      return add(unknown(arg, std::move(file).error()));
    }
    add(load(config::names_file(arg) ? stem(*file) : arg, *file, opt_.log_dir));
  }

  /// --all: every service recorded in the state dir that no file names,
  /// by name. `entries`: the state dir's.
  void add_recorded(const std::vector<std::string>& entries) {
    std::vector<std::string> names;
    for (const std::string& entry : entries) {
      if (!entry.ends_with(".record")) continue;
      std::string_view name(entry.data(), entry.size() - 7);
      if (by_name_.count(name) || labels_.count(name)) continue;
      if (opt_.disabled == Disabled::skip && is_disabled(std::string(name))) continue;
      names.emplace_back(name);
    }
    std::sort(names.begin(), names.end());  // only those left: most are known by their file
    for (const std::string& name : names) {
      if (auto recorded = from_record(name)) add(std::move(*recorded));
    }
  }

  /// --all: the service files of the folder, less the disabled ones that
  /// opt.disabled leaves out.
  std::vector<std::string> wanted(std::vector<std::string> files) const {
    if (opt_.disabled == Disabled::include) return files;
    std::erase_if(files, [&](const std::string& file) {
      std::string name = stem(file);
      if (!is_disabled(name)) return false;
      return opt_.disabled == Disabled::skip || opt_.state_dir.empty() || !posix::stat_path(record_path(name));
    });
    return files;
  }

  /// Takes the files on both cores (parsing 1,000 service files is most of
  /// `status --all`), then adds them in order. `beside`, if set, is one more
  /// task for the two threads (listing the state dir): a third would only
  /// take a core from them.
  void add_files(const std::vector<std::string>& files, const std::function<void()>& beside) {
    const std::size_t first = beside ? 1 : 0;
    std::vector<Target> loaded(files.size());
    sel_.targets.reserve(sel_.targets.size() + files.size());
    for (auto* names : {&by_name_, &files_}) names->reserve(names->size() + files.size());
    fleet::Schedule schedule;
    schedule.jobs = files.size() >= 32 ? 2 : 1;
    fleet::run_all(
        first + files.size(), schedule,
        [&](std::size_t task) {
          if (task < first) return beside(), true;
          loaded[task - first] = take_file(files[task - first]);
          return true;
        },
        [](std::size_t, std::size_t) {},
        [&](std::size_t task) {
          if (task >= first) add(std::move(loaded[task - first]));
        });
  }

  /// --with-deps: every `after` name, loaded from the config folder, until none is missing.
  void close_over_dependencies() {
    for (std::size_t i = 0; i < sel_.targets.size(); ++i) {
      if (!sel_.targets[i].spec) continue;
      const std::vector<std::string> after = sel_.targets[i].spec->after;  // add() grows the targets
      for (const std::string& dep : after) {
        if (find(dep) != kNone) continue;
        auto file = config::service_file(dep, dir_);
        if (file) add(load(dep, *file, opt_.log_dir));  // an unknown one is reported by link()
      }
    }
  }

  Selection finish() && {
    mark_recorded();
    mark_enabled();
    link();
    if (!opt_.keep_arg_order) order();
    return std::move(sel_);
  }

 private:
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

  std::string record_path(const std::string& name) const { return opt_.state_dir + "/" + name + ".record"; }

  /// A Target for service `name` from its record alone, if there is one.
  std::optional<Target> from_record(const std::string& name) const {
    if (opt_.state_dir.empty()) return std::nullopt;
    auto record = service::read_record(state::StatePaths{"", record_path(name), ""});
    if (!record && posix::lstat_path(record_path(name))) {  // invalid: still shown, and stopped
      Target t{name, "", nullptr, Error{ExitStatus::config, "its record cannot be read"}};
      t.recorded = true;
      return t;
    }
    if (!record) return std::nullopt;
    Error why{ExitStatus::config, record->file.empty() ? "no service file"
                                                       : "its service file '" + record->file + "' is not loaded"};
    Target t{name, record->file, nullptr, std::move(why)};
    t.recorded = true;
    return t;
  }

  /// With trust_records: the Target of `file` from the record of its stem,
  /// if that record was made from this file as it is now (not parsed), with
  /// its status.
  std::optional<Target> from_current_record(const std::string& file) const {
    if (!opt_.trust_records || opt_.state_dir.empty()) return std::nullopt;
    std::string name = stem(file);
    service::FolderCache cache;
    service::KnownRecord known;
    auto text = service::read_record_text(state::StatePaths{"", record_path(name), ""}, &known.mtime_ns);
    auto record = text ? state::parse_record(*text) : std::nullopt;
    if (!record || record->name != name || record->file.empty()) return std::nullopt;
    auto id = state::file_identity(file);
    if (!id || !(*id == record->file_id) || record->file != file_key(file)) return std::nullopt;
    Target t{name, record->file, nullptr, Error{}};
    t.recorded = true;
    t.current = true;
    t.recorded_pidfile = record->pidfile;
    known.record = std::move(*record);
    known.file_unchanged = true;
    t.status = std::make_unique<Result<service::StatusInfo>>(
        service::status_info(ctx_, name, nullptr, &known));
    return t;
  }

  /// A file of the config folder: from its record if that is current,
  /// else parsed; rendered if it has its status.
  Target take_file(const std::string& file) const {
    auto current = from_current_record(file);
    Target t = current ? std::move(*current) : load(stem(file), file, opt_.log_dir);
    t.enabled = enabled_of(t);
    if (opt_.render && t.status) t.rendered = opt_.render(t);
    return t;
  }

  /// A Target from its record whose name or pidfile another target has:
  /// parsed after all, so that the clash is said where its file says it.
  Target parsed_if_clashing(Target t) const {
    if (by_name_.count(t.label) == 0 && pidfiles_.count(t.recorded_pidfile) == 0) return t;
    return load(t.label, t.file, opt_.log_dir);
  }

  void mark_recorded() {
    if (opt_.state_dir.empty()) return;
    for (Target& t : sel_.targets) {
      if (!t.recorded) t.recorded = posix::stat_path(record_path(t.label)).ok();
    }
  }

  bool is_disabled(const std::string& name) const { return disabled_ && disabled_->count(name) != 0; }

  /// Whether `t` is enabled, if it is a file of the config folder.
  std::optional<bool> enabled_of(const Target& t) const {
    if (!disabled_ || t.file.empty() || !t.file.ends_with(".toml")) return std::nullopt;
    if (posix::dirname(file_key(t.file)) != folder_) return std::nullopt;
    std::string name = stem(t.file);
    if (name.empty() || name.front() == '.' || (!t.spec && !t.current && !posix::stat_path(t.file))) return std::nullopt;
    return !is_disabled(name);
  }

  /// The targets whose file was not loaded on both cores (add_files).
  void mark_enabled() {
    for (Target& t : sel_.targets) {
      if (!t.enabled) t.enabled = enabled_of(t);
    }
  }

  void add(Target t) {
    if (t.current && files_.count(t.file)) return;  // the same file twice (its record's path is its key)
    if (t.current) t = parsed_if_clashing(std::move(t));
    labels_.emplace(t.label);
    if (t.current) return add_current(std::move(t));
    if (t.recorded) return sel_.targets.push_back(std::move(t));  // no file of its own to load twice
    std::string file = file_key(t.file);
    if (!file.empty() && !files_.emplace(file, sel_.targets.size()).second) return;  // the same file twice
    if (t.spec && !t.spec->pidfile.empty()) {
      auto [at, fresh] = pidfiles_.emplace(t.spec->pidfile, t.spec->file);
      if (!fresh) {
        sel_.problems.push_back(at_key(*t.spec, "pidfile", "pidfile '" + t.spec->pidfile + "' is also the pidfile of '" +
                                                                std::string(at->second) + "'"));
      }
    }
    if (t.spec) {
      auto [it, fresh] = by_name_.emplace(t.label, sel_.targets.size());
      if (!fresh) {
        const Target& first = sel_.targets[it->second];
        sel_.problems.push_back(at_key(*t.spec, "name", "service name '" + t.label + "' is also declared by '" +
                                                            first.file + "'"));
        files_.erase(files_.find(file));  // emplaced above
        return;
      }
    }
    sel_.targets.push_back(std::move(t));
  }

  /// A file's Target from its record: it takes its path, name and pidfile,
  /// as a parsed one does. (A record's pidfile is also a default one: one
  /// that another file names is a clash all the same.)
  void add_current(Target t) {
    files_.emplace(t.file, sel_.targets.size());
    by_name_.emplace(t.label, sel_.targets.size());
    pidfiles_.emplace(t.recorded_pidfile, t.file);
    sel_.targets.push_back(std::move(t));
  }

  /// The target an `after` name means: the service declaring that name, else
  /// the one loaded from `<config dir>/<name>.toml` (its file may declare
  /// another name, or fail to load).
  std::size_t find(const std::string& name) const {
    if (auto it = by_name_.find(name); it != by_name_.end()) return it->second;
    auto file = config::service_file(name, dir_);
    if (!file) return kNone;
    auto it = files_.find(file_key(*file));
    return it == files_.end() ? kNone : it->second;
  }

  // Dependencies among the targets; the others checked to exist.
  void link() {
    sel_.deps.assign(sel_.targets.size(), {});
    for (std::size_t i = 0; i < sel_.targets.size(); ++i) {
      if (!sel_.targets[i].spec) continue;
      const config::ServiceSpec& spec = *sel_.targets[i].spec;
      for (const std::string& dep : spec.after) {
        if (std::size_t at = find(dep); at != kNone) {
          sel_.deps[i].push_back(at);
          continue;
        }
        if (!opt_.check_deps) continue;
        auto file = config::service_file(dep, dir_);
        if (!file) {
          sel_.problems.push_back(at_key(spec, "after", "unknown dependency '" + dep + "': " + file.error().message));
          continue;
        }
        bool known = std::any_of(sel_.outside.begin(), sel_.outside.end(), [&](const auto& o) { return o.first == dep; });
        if (known) continue;
        if (auto outside = config::load_service(*file)) {
          service::use_log_dir(*outside, opt_.log_dir);
          sel_.outside.emplace_back(dep, std::move(*outside));
        }
      }
    }
  }

  // Dependency order; a cycle is a problem, and the services on it (or
  // behind it) come last, unordered among themselves, so that a stop can
  // still stop them.
  void order() {
    fleet::Ordering o = fleet::order_what_can_be(sel_.deps);
    if (!o.cycle.empty()) {
      std::vector<std::string> names;
      for (const Target& t : sel_.targets) names.push_back(t.label);
      const Target& first = sel_.targets[o.cycle.front()];
      sel_.problems.push_back(at_key(*first.spec, "after", "dependency cycle: " + fleet::describe_cycle(o.cycle, names)));
    }
    std::vector<std::size_t> position(o.order.size());
    for (std::size_t k = 0; k < o.order.size(); ++k) position[o.order[k]] = k;
    Selection sorted;
    for (std::size_t old : o.order) {
      sorted.targets.push_back(std::move(sel_.targets[old]));
      std::vector<std::size_t> deps;
      for (std::size_t d : sel_.deps[old]) {
        if (position[old] < o.ordered || position[d] < o.ordered) deps.push_back(position[d]);
      }
      sorted.deps.push_back(std::move(deps));
    }
    sorted.outside = std::move(sel_.outside);
    sorted.problems = std::move(sel_.problems);
    sel_ = std::move(sorted);
  }

  const std::string& dir_;
  const std::string folder_;  ///< dir_ as a key (file_key)
  const SelectOptions& opt_;
  const service::Context ctx_;  ///< for status_info
  std::optional<std::set<std::string>> disabled_;
  Selection sel_;
  // Looked up, never walked in order: hashed, by any kind of string, and
  // kept in one arena (--all of 1,000 files inserts into each once per file,
  // on one core; a node is a pointer bump, and all go at once).
  struct Key {  // the hash and the equality
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    bool operator()(std::string_view a, std::string_view b) const noexcept { return a == b; }
  };
  template <class Value>
  using Map = std::pmr::unordered_map<std::pmr::string, Value, Key, Key>;
  std::pmr::monotonic_buffer_resource arena_;
  Map<std::size_t> by_name_{&arena_};
  Map<std::size_t> files_{&arena_};             ///< normalised path -> target
  std::pmr::unordered_set<std::pmr::string, Key, Key> labels_{&arena_};  ///< every target's label
  Map<std::pmr::string> pidfiles_{&arena_};     ///< an explicit pidfile -> the file that names it
};

}  // namespace

Result<Selection> select(const std::vector<std::string>& args, const std::string& config_dir,
                         const SelectOptions& opt) {
  auto disabled = fleet::disabled_services(config_dir);
  // Unknown, only --all needs it: anything else shows "enabled" as unknown.
  if (!disabled && opt.all && opt.disabled != Disabled::include) {
    Error e = std::move(disabled).error();
    e.message = "disabled services: " + e.message;
    return e;
  }
  // --all: the state dir is listed while the files load (with many
  // services, as long as the config folder); its records without a file
  // come last.
  std::optional<Result<std::vector<std::string>>> recorded;
  std::function<void()> list_records;
  if (opt.all && !opt.state_dir.empty()) list_records = [&] { recorded = posix::list_dir(opt.state_dir); };
  Selector s(config_dir, opt, disabled ? std::optional(std::move(*disabled)) : std::nullopt);
  for (const std::string& arg : args) s.add_argument(arg);
  if (opt.all) {
    auto files = config::service_files(config_dir);
    if (!files) return std::move(files).error();
    s.add_files(s.wanted(std::move(*files)), list_records);
  }
  if (recorded && *recorded) s.add_recorded(**recorded);
  if (opt.with_deps) s.close_over_dependencies();
  Selection sel = std::move(s).finish();
  if (opt.dependents) find_dependents(sel, config_dir);
  return sel;
}

}  // namespace daemonctl::fleet
