#include "core/commands.h"

#include "posix/lock.h"

namespace daemonctl::core {

StatePaths state_paths(const Context& ctx, const config::ServiceSpec& spec) {
  std::string base = ctx.state_dir + "/" + spec.name;
  return StatePaths{spec.pidfile.empty() ? base + ".pid" : spec.pidfile, base + ".record", base + ".lock"};
}

Result<Outcome> start(const Context& ctx, const config::ServiceSpec& spec) {
  auto lock = posix::lock_file(state_paths(ctx, spec).lock);
  if (!lock) return std::move(lock).error();
  return start_locked(ctx, spec);
}

Result<Outcome> stop(const Context& ctx, const config::ServiceSpec& spec) {
  auto lock = posix::lock_file(state_paths(ctx, spec).lock);
  if (!lock) return std::move(lock).error();
  return stop_locked(ctx, spec);
}

Result<Outcome> restart(const Context& ctx, const config::ServiceSpec& spec) {
  auto lock = posix::lock_file(state_paths(ctx, spec).lock);
  if (!lock) return std::move(lock).error();
  auto stopped = stop_locked(ctx, spec);
  if (!stopped) return stopped;
  auto started = start_locked(ctx, spec);
  if (started && stopped->text != "not running") started->text = stopped->text + "\n" + started->text;
  return started;
}

}  // namespace daemonctl::core
