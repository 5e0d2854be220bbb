#include "config/paths.h"

#include "posix/process.h"

namespace daemonctl::config {

namespace {

// Absolute, and no part of it empty or ".": normalize_path's own output.
bool normal(std::string_view path) {
  if (path.size() < 2 || path.front() != '/') return false;
  for (std::size_t slash = 0; slash != path.npos; slash = path.find('/', slash + 1)) {
    std::string_view rest = path.substr(slash + 1);
    if (rest.empty() || rest[0] == '/' || (rest[0] == '.' && (rest.size() == 1 || rest[1] == '/'))) return false;
  }
  return true;
}

}  // namespace

std::string normalize_path(std::string_view path) {
  if (normal(path)) return std::string(path);  // most are: status --all asks of every file
  std::string out;
  while (!path.empty()) {
    std::size_t slash = path.find('/');
    std::string_view part = path.substr(0, slash);
    path.remove_prefix(slash == path.npos ? path.size() : slash + 1);
    if (part.empty() || part == ".") continue;
    out += '/';
    out += part;
  }
  return out.empty() ? "/" : out;
}

std::string resolve_path(const std::string& base_dir, const std::string& path) {
  if (path.starts_with('/')) return path;
  return normalize_path(base_dir + "/" + path);
}

Result<std::string> absolute_path(const std::string& path) {
  if (path.starts_with('/')) return normalize_path(path);
  auto cwd = posix::working_directory();
  if (!cwd) return std::move(cwd).error();
  return normalize_path(*cwd + "/" + path);
}

std::string parent_dir(const std::string& absolute_path) {
  std::size_t slash = absolute_path.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : absolute_path.substr(0, slash);
}

std::string_view file_name(std::string_view path) {
  std::size_t slash = path.rfind('/');
  return slash == path.npos ? path : path.substr(slash + 1);
}

}  // namespace daemonctl::config
