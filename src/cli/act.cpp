// start, stop, restart, reload, signal: over many services, in dependency
// order, several at once.
#include <algorithm>
#include <functional>
#include <optional>

#include "cli/progress.h"
#include "cli/verbs.h"
#include "common/log.h"
#include "service/dry_run.h"
#include "service/inspect.h"
#include "fleet/parallel.h"

namespace daemonctl::cli {
namespace {

using enum Verb;

Result<service::Outcome> perform(Verb verb, bool dry, const service::Context& ctx, const config::ServiceSpec& spec,
                              int sig, bool group) {
  switch (verb) {
    case start: return dry ? service::dry_start(ctx, spec) : service::start(ctx, spec);
    case stop: return dry ? service::dry_stop(ctx, spec) : service::stop(ctx, spec);
    case restart: return dry ? service::dry_restart(ctx, spec) : service::restart(ctx, spec);
    case reload: return dry ? service::dry_signal(ctx, spec, 0, group) : service::send_signal(ctx, spec.name, &spec, 0, group);
    case signal: return dry ? service::dry_signal(ctx, spec, sig, group) : service::send_signal(ctx, spec.name, &spec, sig, group);
    default: break;
  }
  return Error{ExitStatus::usage, "not an action"};
}

// What the record alone allows, for a service whose file is gone, invalid,
// or elsewhere: stop it, signal it, reload it.
std::optional<Result<service::Outcome>> perform_recorded(Verb verb, bool dry, const service::Context& ctx,
                                                      const fleet::Target& t, int sig, bool group) {
  if (!t.recorded || dry) return std::nullopt;
  switch (verb) {
    case stop: return service::stop(ctx, t.label, nullptr);
    case reload: return service::send_signal(ctx, t.label, nullptr, 0, group);
    case signal: return service::send_signal(ctx, t.label, nullptr, sig, group);
    default: return std::nullopt;
  }
}

// `start web` without --with-deps starts web alone; says so if what it
// comes after does not run.
void warn_stopped_dependencies(const fleet::Selection& sel, const service::Context& ctx) {
  for (const auto& [name, dep] : sel.outside) {
    service::Inspection now = service::inspect(service::state_paths(ctx, dep), service::Handle::none, service::Lock::probe);
    if (now.state == state::State::running) continue;
    for (const fleet::Target& t : sel.targets) {
      if (t.spec && std::find(t.spec->after.begin(), t.spec->after.end(), name) != t.spec->after.end()) {
        log::warn(t.label + ": comes after '" + name + "', which is not running (start it too, or use --with-deps)");
      }
    }
  }
}

// `stop db` while web, which comes after db, runs: says so, as start warns
// the other way round.
void warn_running_dependents(const fleet::Selection& sel, const service::Context& ctx) {
  for (const auto& [target, dep] : sel.dependents) {
    service::Inspection now = service::inspect(service::state_paths(ctx, dep), service::Handle::none, service::Lock::probe);
    if (now.state != state::State::running) continue;
    log::warn(target + ": '" + dep.name + "' comes after it and still runs (stop it too, or use --all)");
  }
}

// What the progress line counts ("starting 3/12..."); nullptr: nothing
// (reload and signal are one quick signal each).
const char* counted(Verb verb) {
  switch (verb) {
    case start: return "starting";
    case stop: return "stopping";
    case restart: return "restarting";
    default: return nullptr;
  }
}

// How act runs the targets: in `after` order (stop: the other way round),
// no start after a failed one, several at once but for a dry run, reload
// and signal (one quick signal each).
fleet::Schedule schedule_for(Verb verb, const Options& opt, const fleet::Selection& sel) {
  fleet::Schedule schedule;
  schedule.deps = &sel.deps;
  schedule.skip_after_failure = verb == start || verb == restart;
  schedule.jobs = opt.dry_run || verb == reload || verb == signal ? 1 : opt.jobs;
  return schedule;
}

// What `verb` did to `t`: from its service file, else from its record
// alone, else the reason it has neither.
Result<service::Outcome> act_on(Verb verb, const Options& opt, const service::Context& ctx, const fleet::Target& t,
                                int sig) {
  if (t.spec) return perform(verb, opt.dry_run, ctx, *t.spec, sig, opt.group);
  auto recorded = perform_recorded(verb, opt.dry_run, ctx, t, sig, opt.group);
  return recorded ? std::move(*recorded) : Result<service::Outcome>(t.error);
}

// A start not made because `dep`, which the service comes after, failed.
Error not_started(Verb verb, const std::string& dep) {
  std::string what = verb == restart ? "restarted" : "started";
  return Error{ExitStatus::failure, "not " + what + ": it comes after '" + dep + "', which failed"};
}

// `r`, what was done to `t`, as a line or a JSON object; its exit status noted in `code`.
void report_result(Output& out, ExitCode& code, const fleet::Target& t, const Result<service::Outcome>& r,
                   bool dry_run) {
  if (!r) return code.note(out.failure(t.label, t.file, r.error()));
  if (r->status != ExitStatus::success && out.json()) {  // reload, signal: "not running"
    JsonObject dry;
    return code.note(out.failure(t.label, t.file, Error{r->status, r->text}, dry.boolean("dry_run", dry_run)));
  }
  JsonObject o;
  o.string("file", t.file).number("exit", static_cast<long long>(to_int(r->status)));
  if (r->pid != 0) o.number("pid", static_cast<long long>(r->pid));
  else o.null("pid");
  o.boolean("dry_run", dry_run);
  out.result(t.label, r->text, std::move(o));
  code.note(r->status);
}

// fleet::run_all the other way round, for stop: dependents first (and
// reported in that order), through indices counted from the end. A
// failed stop holds nothing back (schedule.skip_after_failure is false).
void run_reversed(std::size_t n, fleet::Schedule schedule, const std::function<bool(std::size_t)>& run,
                  const std::function<void(std::size_t, std::size_t)>& blocked,
                  const std::function<void(std::size_t)>& report) {
  auto back = [n](std::size_t k) { return n - 1 - k; };
  fleet::Dependencies dependents = fleet::reversed(*schedule.deps), mapped(n);
  for (std::size_t k = 0; k < n; ++k) {
    for (std::size_t d : dependents[back(k)]) mapped[k].push_back(back(d));
  }
  schedule.deps = &mapped;
  fleet::run_all(
      n, schedule, [&](std::size_t k) { return run(back(k)); },
      [&](std::size_t k, std::size_t d) { blocked(back(k), back(d)); }, [&](std::size_t k) { report(back(k)); });
}

}  // namespace

int act(Verb verb, const Options& opt, Output& out, const fleet::Selection& sel, const service::Context& ctx, int sig) {
  if ((verb == start || verb == restart) && !opt.dry_run) warn_stopped_dependencies(sel, ctx);
  if (verb == stop && !opt.dry_run) warn_running_dependents(sel, ctx);
  std::size_t n = sel.targets.size();
  std::vector<std::optional<Result<service::Outcome>>> results(n);
  ExitCode code;
  // On a terminal: how many are done, and any stop that keeps us waiting.
  ProgressLine progress(progress_wanted(out.verbosity(), out.json()) && !opt.dry_run);
  service::Context with_progress = ctx;
  with_progress.progress = &progress;
  if (const char* doing = counted(verb); doing && n > 1) progress.count(doing, n);

  auto run = [&](std::size_t i) {
    log::Scope scope(sel.targets[i].label);  // every -v line of this service names it
    results[i] = act_on(verb, opt, with_progress, sel.targets[i], sig);
    progress.advance();
    return results[i]->ok() && (*results[i])->status == ExitStatus::success;
  };
  auto blocked = [&](std::size_t i, std::size_t dep) {
    results[i] = not_started(verb, sel.targets[dep].label);
    progress.advance();
  };
  auto report = [&](std::size_t i) { report_result(out, code, sel.targets[i], *results[i], opt.dry_run); };
  fleet::Schedule schedule = schedule_for(verb, opt, sel);
  if (verb == stop) run_reversed(n, schedule, run, blocked, report);
  else fleet::run_all(n, schedule, run, blocked, report);
  return code.value;
}

}  // namespace daemonctl::cli
