#include "config/read_log.h"

#include <iterator>
#include <vector>

#include "config/read_value.h"
#include "config/suggest.h"
#include "config/wording.h"

namespace daemonctl::config {
namespace {

void report_unknown(ReadContext& c, const Value& item, const std::string& key, const std::string& name) {
  std::string message = "unknown key " + quote(key + "." + name);
  const std::vector<std::string> known(std::begin(kLogKeys), std::end(kLogKeys));
  if (auto match = closest(name, known)) message += ", did you mean " + quote(key + "." + *match) + "?";
  c.error(item, message);
}

void read_table(ReadContext& c, const Value& v, const std::string& key, std::string& path, Rotation& rotation) {
  bool has_file = false, has_size = false;
  for (const auto& [name, item] : v.as_table()) {
    std::string qualified = key + "." + name;
    if (name == "file") {
      has_file = true;
      if (auto p = read_path(c, item, qualified)) path = *p;
    } else if (name == "max_size") {
      has_size = true;
      if (auto size = read_size(c, item, qualified)) rotation.max_size = *size;
    } else if (name == "keep") {
      if (auto keep = read_int_in(c, item, qualified, 1, 1000)) rotation.keep = *keep;
    } else {
      report_unknown(c, item, key, name);
    }
  }
  if (!has_file || !has_size) c.error(v, quote(key) + " as a table needs 'file' and 'max_size' (or write the path alone)");
}

}  // namespace

void read_log(ReadContext& c, const Value& v, const std::string& key, std::string& path, Rotation& rotation) {
  if (v.is_table()) return read_table(c, v, key, path, rotation);
  if (!v.is_string()) {
    return c.error(v, quote(key) + " must be a path, or a table like { file = \"web.log\", max_size = \"10MiB\", keep = 5 }");
  }
  if (auto p = read_path(c, v, key)) path = *p;
}

}  // namespace daemonctl::config
