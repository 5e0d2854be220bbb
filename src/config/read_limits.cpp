#include "config/read_limits.h"

#include "config/walk.h"
#include "config/wording.h"

namespace daemonctl::config {

std::optional<std::vector<Limit>> read_limits(ReadContext& c, const Value& v, const std::string& key) {
  if (!v.is_table()) {
    c.error(v, quote(key) + " must be a table");
    return std::nullopt;
  }
  std::vector<Limit> limits;
  for (const auto& [name, value] : v.as_table()) {
    std::string qualified = key + "." + name;
    auto resource = limit_resource(name);
    if (!resource) {
      report_unknown_key(c, value, "limit", key, name);
      continue;
    }
    std::string text;
    if (value.is_integer() && value.as_integer() >= 0) text = std::to_string(value.as_integer());
    else if (value.is_string()) text = value.as_string().str;
    else {
      c.error(value, quote(qualified) + " must be a number of at least 0, \"infinity\" or \"SOFT:HARD\"");
      continue;
    }
    std::string why;
    if (auto limit = parse_limit(text, *resource, &why)) limits.push_back(*limit);
    else c.error(value, "invalid " + quote(qualified) + ": " + why);
  }
  return limits;
}

}  // namespace daemonctl::config
