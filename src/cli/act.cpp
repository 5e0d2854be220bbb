// start, stop, restart, reload, signal: over many services, in dependency
// order, several at once.
#include <algorithm>
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

}  // namespace

int act(Verb verb, const Options& opt, Output& out, const fleet::Selection& sel, const service::Context& ctx, int sig) {
  if ((verb == start || verb == restart) && !opt.dry_run) warn_stopped_dependencies(sel, ctx);
  if (verb == stop && !opt.dry_run) warn_running_dependents(sel, ctx);
  std::size_t n = sel.targets.size();
  fleet::Schedule schedule;
  schedule.deps = &sel.deps;
  schedule.skip_after_failure = verb == start || verb == restart;
  schedule.jobs = opt.dry_run || verb == reload || verb == signal ? 1 : opt.jobs;
  std::vector<std::optional<Result<service::Outcome>>> results(n);
  ExitCode code;
  // On a terminal: how many are done, and any stop that keeps us waiting.
  ProgressLine progress(progress_wanted(out.verbosity(), out.json()) && !opt.dry_run);
  service::Context with_progress = ctx;
  with_progress.progress = &progress;
  if (const char* doing = counted(verb); doing && n > 1) progress.count(doing, n);

  auto run = [&](std::size_t i) {
    const fleet::Target& t = sel.targets[i];
    log::Scope scope(t.label);  // every -v line of this service names it
    auto recorded = t.spec ? std::nullopt : perform_recorded(verb, opt.dry_run, with_progress, t, sig, opt.group);
    results[i] = t.spec ? perform(verb, opt.dry_run, with_progress, *t.spec, sig, opt.group)
                        : recorded ? std::move(*recorded) : Result<service::Outcome>(t.error);
    progress.advance();
    return results[i]->ok() && (*results[i])->status == ExitStatus::success;
  };
  auto blocked = [&](std::size_t i, std::size_t dep) {
    std::string what = verb == restart ? "restarted" : "started";
    results[i] = Error{ExitStatus::failure,
                       "not " + what + ": it comes after '" + sel.targets[dep].label + "', which failed"};
    progress.advance();
  };
  auto report = [&](std::size_t i) {
    const fleet::Target& t = sel.targets[i];
    const Result<service::Outcome>& r = *results[i];
    if (!r) return code.note(out.failure(t.label, t.file, r.error()));
    if (r->status != ExitStatus::success && out.json()) {  // reload, signal: "not running"
      JsonObject dry;
      return code.note(out.failure(t.label, t.file, Error{r->status, r->text}, dry.boolean("dry_run", opt.dry_run)));
    }
    JsonObject o;
    o.string("file", t.file).number("exit", static_cast<long long>(to_int(r->status)));
    if (r->pid != 0) o.number("pid", static_cast<long long>(r->pid));
    else o.null("pid");
    o.boolean("dry_run", opt.dry_run);
    out.result(t.label, r->text, std::move(o));
    code.note(r->status);
  };
  if (verb == stop) {
    // The other way round: dependents first (and reported in that order);
    // a failed stop holds nothing back.
    auto back = [n](std::size_t k) { return n - 1 - k; };
    fleet::Dependencies dependents = fleet::reversed(sel.deps), mapped(n);
    for (std::size_t k = 0; k < n; ++k) {
      for (std::size_t d : dependents[back(k)]) mapped[k].push_back(back(d));
    }
    schedule.deps = &mapped;
    fleet::run_all(
        n, schedule, [&](std::size_t k) { return run(back(k)); },
        [&](std::size_t k, std::size_t d) { blocked(back(k), back(d)); }, [&](std::size_t k) { report(back(k)); });
    return code.value;
  }
  fleet::run_all(n, schedule, run, blocked, report);
  return code.value;
}

}  // namespace daemonctl::cli
