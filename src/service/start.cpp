// start: over what the state dir records of the name, through the
// lifecycle's steps (service/lifecycle.h); the launch itself is launch_run.cpp.
#include "service/commands.h"
#include "service/effects.h"
#include "service/inspect.h"
#include "posix/files.h"

namespace daemonctl::service {

// The record of `spec`'s name, if its instance lives, must come from
// spec's own file; and no other service's record may hold its pidfile.
Status check_owner(const Inspection& now, const config::ServiceSpec& spec, const Context& ctx) {
  bool alive = now.state == state::State::running || now.state == state::State::starting || now.state == state::State::restarting;
  if (alive && owned_elsewhere(now, &spec)) {
    return Error{ExitStatus::failure, "the name '" + spec.name + "' is taken: it runs from '" + now.record->file +
                                          "', and '" + spec.file + "' declares it too; stop it first, or rename one"};
  }
  if (spec.pidfile.empty()) return {};  // <state dir>/<name>.pid: unique as the name
  auto names = posix::list_dir(ctx.state_dir);
  for (const std::string& entry : names ? *names : std::vector<std::string>{}) {
    if (!entry.ends_with(".record") || entry == spec.name + ".record") continue;
    auto other = read_record(state::StatePaths{"", ctx.state_dir + "/" + entry, ""});
    if (other && other->pidfile == spec.pidfile) {
      return Error{ExitStatus::failure, "pidfile '" + spec.pidfile + "' is the pidfile of service '" + other->name +
                                            "' (from '" + other->file + "'): give each service its own"};
    }
  }
  return {};
}

Status check_owner(const Context& ctx, const config::ServiceSpec& spec) {
  state::StatePaths paths = state_paths(ctx, spec);
  Inspection now = inspect(paths, Handle::none);
  return check_owner(now, spec, ctx);
}

Result<Outcome> start_locked(const Context& ctx, const config::ServiceSpec& spec, int lock_fd) {
  state::StatePaths base = state_paths(ctx, spec);
  Inspection now = inspect(base);
  if (Status mine = check_owner(now, spec, ctx); !mine) return std::move(mine).error();
  Subject s{ctx, spec.name, &spec, now, recorded_paths(base, now), Action::start, 0, lock_fd};
  RealEffects real;
  return run_steps(s, real);
}

}  // namespace daemonctl::service
