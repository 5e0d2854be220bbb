// The keys a service file may hold, for documentation and its tests.
#pragma once

#include <string>
#include <vector>

namespace daemonctl::config {

/// Every key the loader accepts, nested ones as paths: the top-level keys
/// and tables ("stop"), the keys of each table ("stop.signal"), each limit
/// ("limits.nofile"), and the keys of `stdout` and `stderr` written as
/// tables ("stdout.max_size").
std::vector<std::string> service_file_keys();

}  // namespace daemonctl::config
