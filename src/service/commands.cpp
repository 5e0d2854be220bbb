#include "service/commands.h"

#include "service/effects.h"
#include "service/inspect.h"
#include "service/launch.h"
#include "posix/lock.h"

extern char** environ;

namespace daemonctl::service {

state::StatePaths state_paths(const Context& ctx, const std::string& name, const config::ServiceSpec* spec) {
  std::string base = ctx.state_dir + "/" + name;
  bool own = spec && !spec->pidfile.empty();
  return state::StatePaths{own ? spec->pidfile : base + ".pid", base + ".record", base + ".lock"};
}

state::StatePaths state_paths(const Context& ctx, const config::ServiceSpec& spec) {
  return state_paths(ctx, spec.name, &spec);
}

std::string notify_socket_path(const Context&, const config::ServiceSpec&) {
  return "@daemonctl/notify/<random>";  // posix::NotifySocket::open draws it at each start
}

Result<Outcome> start(const Context& ctx, const config::ServiceSpec& spec) {
  auto lock = posix::lock_file(state_paths(ctx, spec).lock);
  if (!lock) return std::move(lock).error();
  return start_locked(ctx, spec, lock->get());
}

Result<Outcome> stop(const Context& ctx, const std::string& name, const config::ServiceSpec* spec) {
  auto lock = posix::lock_file(state_paths(ctx, name).lock);
  if (!lock) return std::move(lock).error();
  return stop_locked(ctx, name, spec);
}

Result<Outcome> restart(const Context& ctx, const config::ServiceSpec& spec) {
  auto lock = posix::lock_file(state_paths(ctx, spec).lock);
  if (!lock) return std::move(lock).error();
  // Everything a start checks, checked before anything is stopped.
  state::StatePaths base = state_paths(ctx, spec);
  Inspection now = inspect(base);
  if (Status mine = check_owner(now, spec, ctx); !mine) return std::move(mine).error();
  auto l = prepare_launch(spec, environ);
  if (!l) return std::move(l).error();
  std::optional<Launch> prepared(std::move(*l));
  Subject s{ctx, spec.name, &spec, now, recorded_paths(base, now), Action::restart, 0, lock->get(), &prepared};
  RealEffects real;
  return run_steps(s, real);
}

}  // namespace daemonctl::service
