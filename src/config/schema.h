// The schema of a service file: every key, and how its value is read into
// a ServiceSpec. The defaults are ServiceSpec's (service_spec.h); what each
// reader accepts is said where it is declared (read_*.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/read_context.h"
#include "config/service_spec.h"

namespace daemonctl::config {

/// Reads a value into `spec`, or reports why it cannot; `key` is its path
/// ("stop.signal"), for messages.
using KeyReader = void (*)(ReadContext& c, const Value& v, const std::string& key, ServiceSpec& spec);

struct Key {
  std::string_view path;  ///< "name", "stop", "stop.signal"
  KeyReader read;
};

/// The path of the key `name` in `table`: "stop.signal", or "name" at the
/// top level (table "").
std::string key_path(std::string_view table, std::string_view name);

/// The row of the key `name` in `table` ("" for the top level, "stop" for
/// [stop]); nullptr if there is none. A quoted name with a dot is no path.
const Key* find_key(std::string_view table, std::string_view name);

/// The paths of the schema's rows, top level first, then each limit
/// ("limits.nofile"): the keys an unknown key may be a typo of.
std::vector<std::string> schema_keys();

}  // namespace daemonctl::config
