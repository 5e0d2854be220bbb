#include "service/commands.h"
#include "service/effects.h"
#include "service/inspect.h"

namespace daemonctl::service {

Result<Outcome> stop_locked(const Context& ctx, const std::string& name, const config::ServiceSpec* spec) {
  state::StatePaths base = state_paths(ctx, name, spec);
  Inspection now = inspect(base);
  if (owned_elsewhere(now, spec)) {
    return Outcome{ExitStatus::success, "not running from this file: the name '" + name + "' runs from '" +
                                            now.record->file + "'"};
  }
  Subject s{ctx, name, spec, now, recorded_paths(base, now), Action::stop};
  RealEffects real;
  return run_steps(s, real);
}

}  // namespace daemonctl::service
