#include "config/walk.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "config/schema.h"
#include "config/suggest.h"
#include "config/wording.h"

namespace daemonctl::config {
namespace {

/// The known key that the unknown `key` (in `table`, "" for the top level)
/// is probably a typo of: first in the same table, else in another one, since
/// a key written below the wrong [header] is a common slip.
std::optional<std::string> suggest_key(std::string_view table, std::string_view key) {
  for (bool same_table : {true, false}) {
    std::vector<std::string> bare, qualified;
    for (const auto& q : schema_keys()) {
      std::size_t dot = q.find('.');
      std::string_view q_table = dot == q.npos ? std::string_view() : std::string_view(q).substr(0, dot);
      if ((q_table == table) != same_table) continue;
      bare.push_back(dot == q.npos ? q : q.substr(dot + 1));
      qualified.push_back(q);
    }
    if (auto match = closest(key, bare)) {
      return qualified[std::find(bare.begin(), bare.end(), *match) - bare.begin()];
    }
  }
  return std::nullopt;
}

}  // namespace

void read_keys(ReadContext& c, const Value& table, std::string_view prefix, ServiceSpec& spec) {
  for (const auto& [key, value] : table.as_table()) {
    if (const Key* known = find_key(prefix, key)) {
      known->read(c, value, key_path(prefix, key), spec);
    } else {
      report_unknown_key(c, value, "key", prefix, key);
    }
  }
}

void read_section(ReadContext& c, const Value& v, const std::string& key, ServiceSpec& spec) {
  if (!v.is_table()) return c.error(v, quote(key) + " must be a table");
  read_keys(c, v, key, spec);
}

void report_unknown_key(ReadContext& c, const Value& at, std::string_view what, std::string_view table,
                        std::string_view name) {
  std::string message = "unknown " + std::string(what) + " " + quote(key_path(table, name));
  if (auto suggestion = suggest_key(table, name)) message += ", did you mean " + quote(*suggestion) + "?";
  c.error(at, message);
}

}  // namespace daemonctl::config
