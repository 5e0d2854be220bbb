// Which services of a config folder `--all` takes: every one, but those
// disabled by a marker in <config dir>/disabled/.
//
// A service is enabled until `daemonctl disable` says otherwise, as in
// supervisor: a file in the config folder was put there by the admin (the
// package ships examples elsewhere), so that is already the wish to run it,
// and a folder set up before enable/disable existed starts as it did. The
// marker is an empty file named as the service ("web" for web.toml), so that
// `ls <config dir>/disabled` is the list; no package writes to the config
// folder, so markers survive upgrades.
#pragma once

#include <set>
#include <string>

#include "common/result.h"

namespace daemonctl::fleet {

/// "<config dir>/disabled".
std::string disabled_dir(const std::string& config_dir);

/// The names marked disabled in `config_dir`: the entries of its disabled/
/// folder (of any type, links too), those starting with a dot skipped. No
/// folder: none. A folder that cannot be read is an Error.
Result<std::set<std::string>> disabled_services(const std::string& config_dir);

/// Enables (removes the marker of) or disables (creates an empty marker,
/// mode 0644, and the disabled/ folder if missing, 0755) service `name`, a
/// name as a file stem (no '/', no leading dot). Returns whether anything
/// changed: false if it already was so.
Result<bool> set_enabled(const std::string& config_dir, const std::string& name, bool enabled);

}  // namespace daemonctl::fleet
