// The services that come after the ones a command acts on (stop warns of them).
#pragma once

#include <string>

#include "fleet/select.h"

namespace daemonctl::fleet {

/// Fills sel.dependents: each service of the config folder, not a target,
/// whose `after` names a target, with that target's label.
void find_dependents(Selection& sel, const std::string& config_dir);

}  // namespace daemonctl::fleet
