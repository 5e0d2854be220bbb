#include "fleet/enabled.h"

#include <cerrno>

#include "posix/file_info.h"
#include "posix/files.h"

namespace daemonctl::fleet {

std::string disabled_dir(const std::string& config_dir) { return config_dir + "/disabled"; }

Result<std::set<std::string>> disabled_services(const std::string& config_dir) {
  std::string dir = disabled_dir(config_dir);
  std::set<std::string> names;
  auto entries = posix::list_dir(dir);
  if (!entries) {
    if (entries.error().err == ENOENT) return names;
    return std::move(entries).error();
  }
  for (std::string& e : *entries) {
    if (e.front() != '.') names.insert(std::move(e));
  }
  return names;
}

Result<bool> set_enabled(const std::string& config_dir, const std::string& name, bool enabled) {
  std::string marker = disabled_dir(config_dir) + "/" + name;
  auto st = posix::lstat_path(marker);
  bool marked = st.ok();
  if (!marked && st.error().err != ENOENT) return std::move(st).error();
  if (!marked == enabled) return false;  // already so
  if (enabled) {
    if (Status removed = posix::remove_file(marker); !removed) return std::move(removed).error();
    return true;
  }
  if (Status made = posix::make_dirs(disabled_dir(config_dir), 0755); !made) return std::move(made).error();
  if (Status written = posix::write_file_atomic(marker, "", 0644); !written) return std::move(written).error();
  return true;
}

}  // namespace daemonctl::fleet
