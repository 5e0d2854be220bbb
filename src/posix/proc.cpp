#include "posix/proc.h"

#include <array>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <charconv>
#include <climits>
#include <cstdlib>
#include <string_view>
#include <time.h>
#include <unistd.h>
#include <vector>

#include "posix/files.h"

namespace daemonctl::posix {
namespace {

std::string proc_path(pid_t pid, const char* leaf) {
  return "/proc/" + std::to_string(pid) + "/" + leaf;
}

template <class T>
bool to_number(std::string_view s, T& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

Result<ProcStat> parse_stat(std::string_view text) {
  // "pid (comm) state ppid pgrp session tty_nr ..." - comm is whatever the
  // process chose, so the fields start after the *last* ')'.
  auto close = text.rfind(')');
  if (close == std::string_view::npos) return Error{ExitStatus::failure, "malformed /proc stat line"};
  std::array<std::string_view, 20> fields;  // fields[0] is field 3 (state), [19] field 22 (starttime)
  std::size_t count = 0;
  auto blank = [](char c) { return c == ' ' || c == '\n'; };
  for (std::size_t i = close + 1; count < fields.size();) {
    while (i < text.size() && blank(text[i])) ++i;
    if (i == text.size()) break;
    std::size_t start = i;
    while (i < text.size() && !blank(text[i])) ++i;
    fields[count++] = text.substr(start, i - start);
  }
  ProcStat st;
  if (count < fields.size() || fields[0].size() != 1 || !to_number(fields[1], st.ppid) ||
      !to_number(fields[2], st.pgrp) || !to_number(fields[3], st.session) ||
      !to_number(fields[4], st.tty_nr) || !to_number(fields[19], st.starttime)) {
    return Error{ExitStatus::failure, "malformed /proc stat line"};
  }
  st.state = fields[0][0];
  return st;
}

Result<ProcStat> read_stat(pid_t pid) {
  // One read: the kernel writes the whole line at once (it is far shorter
  // than the buffer), and status of many services reads many of these.
  std::string path = proc_path(pid, "stat");
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    Error e = sys_error("cannot open '" + path + "'");
    if (e.err == ENOENT) e.err = ESRCH;
    return e;
  }
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) < 0 && errno == EINTR) {
  }
  int err = errno;
  ::close(fd);
  if (n < 0) return sys_error("cannot read '" + path + "'", err == ENOENT ? ESRCH : err);
  if (static_cast<std::size_t>(n) == sizeof buf) return Error{ExitStatus::failure, "'" + path + "' is too long", EFBIG};
  return parse_stat(std::string_view(buf, static_cast<std::size_t>(n)));
}

namespace {

// Live (not zombie) processes whose /proc/PID/stat satisfies `wanted`.
template <class Wanted>
std::vector<pid_t> live_processes(Wanted wanted) {
  std::vector<pid_t> found;
  DIR* dir = ::opendir("/proc");
  if (!dir) return found;
  while (struct dirent* e = ::readdir(dir)) {
    pid_t pid = 0;
    if (!to_number(std::string_view(e->d_name), pid) || pid <= 1) continue;
    auto st = read_stat(pid);
    if (st && st->state != 'Z' && st->state != 'X' && wanted(*st)) found.push_back(pid);
  }
  ::closedir(dir);
  return found;
}

}  // namespace

std::vector<pid_t> group_members(pid_t pgid, pid_t session) {
  return live_processes([&](const ProcStat& st) { return st.pgrp == pgid && st.session == session; });
}

const std::string& boot_id() {
  // Fixed until the next boot: read once (status --all asks for every service).
  static const std::string id = [] {
    auto text = read_file("/proc/sys/kernel/random/boot_id", 128);
    if (!text) return std::string();
    std::string value = *text;
    while (!value.empty() && (value.back() == '\n' || value.back() == ' ')) value.pop_back();
    return value;
  }();
  return id;
}

namespace {

Result<std::string> link_target(const std::string& path) {
  char buf[PATH_MAX];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof buf);
  if (n < 0) return sys_error("readlink '" + path + "'");
  return std::string(buf, static_cast<size_t>(n));
}

}  // namespace

Result<std::string> exe_path(pid_t pid) { return link_target(proc_path(pid, "exe")); }

Result<std::string> own_exe_path() { return link_target("/proc/self/exe"); }

pid_t pid_max() {
  static const pid_t value = [] {
    auto text = read_file("/proc/sys/kernel/pid_max", 64);
    pid_t v = 0;
    if (text) {
      std::string_view s(*text);
      while (!s.empty() && s.back() == '\n') s.remove_suffix(1);
      if (to_number(s, v) && v > 0) return v;
    }
    return pid_t{4194304};
  }();
  return value;
}

double uptime_seconds() {
  // CLOCK_BOOTTIME is what /proc/uptime shows, without a file to read.
  struct timespec ts{};
  ::clock_gettime(CLOCK_BOOTTIME, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double boot_time() {
  static const double btime = [] {
    auto text = read_file("/proc/stat", 1 << 20);
    if (!text) return 0.0;
    auto at = text->find("\nbtime ");
    return at == std::string::npos ? 0.0 : std::strtod(text->c_str() + at + 7, nullptr);
  }();
  return btime;
}

long clock_ticks_per_second() {
  static const long ticks = ::sysconf(_SC_CLK_TCK);
  return ticks;
}

}  // namespace daemonctl::posix
