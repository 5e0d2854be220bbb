#include "service/commands.h"
#include "service/effects.h"
#include "service/inspect.h"
#include "posix/lock.h"

namespace daemonctl::service {

Result<Outcome> send_signal(const Context& ctx, const std::string& name, const config::ServiceSpec* spec, int sig,
                            bool group) {
  state::StatePaths base = state_paths(ctx, name, spec);
  auto lock = posix::lock_file(base.lock);
  if (!lock) return std::move(lock).error();
  Inspection now = inspect(base);
  if (owned_elsewhere(now, spec)) {
    return Outcome{ExitStatus::inactive, "not running from this file: the name '" + name + "' runs from '" +
                                             now.record->file + "'"};
  }
  Subject s{ctx, name, spec, now, recorded_paths(base, now), sig == 0 ? Action::reload : Action::signal, sig};
  s.group = group;
  RealEffects real;
  return run_steps(s, real);
}

}  // namespace daemonctl::service
