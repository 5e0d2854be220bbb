// Services by name: the config folder, and which file a SERVICE argument means.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace daemonctl::config {

/// --config-dir, else $DAEMONCTL_CONFIG_DIR, else /etc/daemonctl for root,
/// else ${XDG_CONFIG_HOME:-$HOME/.config}/daemonctl.
std::string choose_config_dir(const std::optional<std::string>& flag);

/// A SERVICE argument names a file if it holds a '/' or ends in ".toml";
/// anything else is a service name.
bool names_file(std::string_view arg);

/// The file of SERVICE `arg`: `arg` itself if it names a file, else
/// `<dir>/<arg>.toml`. An unknown name is an Error (status not_installed)
/// naming the folder searched and the closest names in it.
Result<std::string> service_file(const std::string& arg, const std::string& dir);

/// Every "<name>.toml" in `dir`, as paths, sorted by name. A missing or
/// unreadable folder is an Error (status config) saying how to choose another.
Result<std::vector<std::string>> service_files(const std::string& dir);

}  // namespace daemonctl::config
