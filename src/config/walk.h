// Walking the document: each key of a table to its reader in the schema,
// each unknown key reported with the known key it is probably a typo of.
#pragma once

#include <string>
#include <string_view>

#include "config/read_context.h"
#include "config/service_spec.h"

namespace daemonctl::config {

/// Reads every key of `table` (at `prefix`: "" for the top level, "stop"
/// for [stop]) into `spec`, in the table's order.
void read_keys(ReadContext& c, const Value& table, std::string_view prefix, ServiceSpec& spec);

/// A schema reader for [start], [stop]... (the key): a table of the keys
/// below it.
void read_section(ReadContext& c, const Value& v, const std::string& key, ServiceSpec& spec);

/// "unknown <what> 'table.name', did you mean 'stop.signal'?", at `at`: the
/// suggestion is the closest known key in the same table, else in another.
void report_unknown_key(ReadContext& c, const Value& at, std::string_view what, std::string_view table,
                        std::string_view name);

}  // namespace daemonctl::config
