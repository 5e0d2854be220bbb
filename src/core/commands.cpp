#include "core/commands.h"

namespace daemonctl::core {

StatePaths state_paths(const Context& ctx, const config::ServiceSpec& spec) {
  std::string base = ctx.state_dir + "/" + spec.name;
  return StatePaths{spec.pidfile.empty() ? base + ".pid" : spec.pidfile, base + ".record"};
}

Result<Outcome> restart(const Context& ctx, const config::ServiceSpec& spec) {
  auto stopped = stop(ctx, spec);
  if (!stopped) return stopped;
  auto started = start(ctx, spec);
  if (started && stopped->text != "not running") started->text = stopped->text + "\n" + started->text;
  return started;
}

}  // namespace daemonctl::core
