#include "fleet/dependents.h"

#include <set>

#include "config/catalog.h"
#include "config/load.h"

namespace daemonctl::fleet {

void find_dependents(Selection& sel, const std::string& config_dir) {
  auto files = config::service_files(config_dir);
  if (!files) return;
  std::set<std::string> chosen;
  for (const Target& t : sel.targets) chosen.insert(t.label);
  for (const std::string& file : *files) {
    auto spec = config::load_service(file);
    if (!spec || chosen.count(spec->name)) continue;
    for (const std::string& dep : spec->after) {
      if (chosen.count(dep)) sel.dependents.emplace_back(dep, *spec);
    }
  }
}

}  // namespace daemonctl::fleet
