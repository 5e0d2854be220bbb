#include "service/log_tail.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <string_view>

#include "common/escape.h"
#include "posix/file_info.h"
#include "posix/io.h"
#include "posix/safe_path.h"

namespace daemonctl::service {
namespace {

constexpr off_t kMaxBytes = 16 * 1024;
constexpr std::size_t kMaxWidth = 200;
constexpr std::size_t kDetailLines = 10;

// The regular file at `path`, opened as `logs` opens it: no link another
// user put there followed, only a regular file read in their folder.
posix::UniqueFd open_log(const std::string& path, struct stat& st) {
  if (path.empty() || path == "/dev/null") return {};
  auto opened = posix::open_entry(path, O_RDONLY | O_NONBLOCK);
  if (!opened) return {};
  auto info = posix::stat_fd(opened->fd.get(), path);
  if (!info || !S_ISREG(info->st_mode)) return {};
  st = *info;
  return std::move(opened->fd);
}

// Bytes [from, end) of `fd`; shorter if the file shrinks meanwhile.
std::string read_range(int fd, off_t from, off_t end) {
  std::string text(static_cast<std::size_t>(end - from), '\0');
  text.resize(posix::read_fully_at(fd, text.data(), text.size(), from).bytes);
  return text;
}

}  // namespace

LogMark mark_log(const std::string& path) {
  struct stat st;
  posix::UniqueFd fd = open_log(path, st);
  if (!fd) return {};
  return LogMark{st.st_dev, st.st_ino, st.st_size};
}

LogMark mark_log(const std::string& path, int fd) {
  auto st = fd >= 0 ? posix::stat_fd(fd, path) : Result<struct stat>(Error{});
  if (!st || !S_ISREG(st->st_mode)) return mark_log(path);
  return LogMark{st->st_dev, st->st_ino, st->st_size};
}

std::string output_log(const std::string& stdout_path, const std::string& stderr_path) {
  for (const std::string* path : {&stderr_path, &stdout_path}) {
    if (!path->empty() && *path != "/dev/null") return *path;
  }
  return {};
}

std::vector<std::string> last_output(const std::string& path, std::size_t lines, const LogMark& mark) {
  struct stat st;
  posix::UniqueFd fd = open_log(path, st);
  if (!fd || lines == 0) return {};
  bool same = mark.ino == st.st_ino && mark.dev == st.st_dev && mark.size <= st.st_size;
  off_t from = std::max(same ? mark.size : 0, st.st_size - kMaxBytes);
  std::string text = read_range(fd.get(), from, st.st_size);
  std::string_view rest = text;
  // Cut by the byte limit: the first line is a piece of one.
  if (from > (same ? mark.size : 0)) rest.remove_prefix(std::min(rest.size(), rest.find('\n') + 1));
  std::vector<std::string> found;
  while (!rest.empty()) {
    std::size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl == rest.npos ? rest.size() : nl + 1);
    found.push_back(text::escape(line, kMaxWidth));
  }
  if (found.size() > lines) found.erase(found.begin(), found.end() - static_cast<std::ptrdiff_t>(lines));
  return found;
}

std::vector<std::string> output_details(const std::string& name, const std::string& stdout_path,
                                        const std::string& stderr_path, const LogMark& mark) {
  std::string log = output_log(stdout_path, stderr_path);
  if (log.empty()) return {};
  std::vector<std::string> lines = last_output(log, kDetailLines, mark);
  // Nothing on stderr: what went to stdout, if that is another file.
  if (lines.empty() && log != stdout_path) lines = last_output(output_log(stdout_path, ""), kDetailLines, mark);
  std::vector<std::string> details;
  for (const std::string& line : lines) details.push_back("| " + line);
  details.push_back("see: daemonctl logs " + name);
  return details;
}

Error with_last_output(Error e, const config::ServiceSpec& spec, const LogMark& mark) {
  e.details = output_details(spec.name, spec.stdout_path, spec.stderr_path, mark);
  return e;
}

}  // namespace daemonctl::service
