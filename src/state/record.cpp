#include "state/record.h"

#include <sys/stat.h>

#include <charconv>
#include <cstdio>

#include "posix/file_info.h"

namespace daemonctl::state {
namespace {

template <class T>
bool parse_number(std::string_view s, T& out) {
  if (s.empty() || s.size() > 20) return false;
  if (s.front() == '-' && !std::is_signed_v<T>) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

// A value on one line: '\\' and newline escaped.
std::string escaped(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string unescaped(std::string_view s) {
  if (s.find('\\') == std::string_view::npos) return std::string(s);  // most values: as they are
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    out += s[++i] == 'n' ? '\n' : s[i];
  }
  return out;
}

void line(std::string& text, std::string_view key, std::string_view value) {
  text.append(key).append(" ").append(escaped(value)).append("\n");
}

std::string identity_text(const FileIdentity& id) {
  return std::to_string(id.dev) + ":" + std::to_string(id.ino) + ":" + std::to_string(id.size) + ":" +
         std::to_string(id.mtime_ns);
}

bool parse_identity(std::string_view s, FileIdentity& id) {
  std::string_view parts[4];
  for (int i = 0; i < 4; ++i) {
    auto colon = s.find(':');
    parts[i] = s.substr(0, colon);
    s = colon == std::string_view::npos ? std::string_view{} : s.substr(colon + 1);
  }
  return parse_number(parts[0], id.dev) && parse_number(parts[1], id.ino) && parse_number(parts[2], id.size) &&
         parse_number(parts[3], id.mtime_ns);
}

void format_definition(std::string& text, const Record& r) {
  line(text, "name", r.name);
  line(text, "file", r.file);
  line(text, "file_id", identity_text(r.file_id));
  for (const auto& word : r.argv) line(text, "argv", word);
  line(text, "env_digest", r.env_digest);
  line(text, "pidfile", r.pidfile);
  line(text, "forking", r.forking ? "1" : "0");
  if (r.stop) {
    line(text, "stop_signal", std::to_string(r.stop->signal));
    line(text, "stop_timeout_ns", std::to_string(r.stop->timeout_ns));
    line(text, "stop_interval_ns", std::to_string(r.stop->interval_ns));
    line(text, "stop_group", r.stop->group ? "1" : "0");
    line(text, "reload_signal", std::to_string(r.stop->reload_signal));
  }
  if (!r.user.empty()) line(text, "user", r.user);
  line(text, "stdout", r.stdout_path);
  line(text, "stderr", r.stderr_path);
  if (!r.runtime_dir.empty()) line(text, "runtime_dir", r.runtime_dir);
}

// Which instance fields were seen.
struct Seen {
  bool pid = false, start = false, boot = false, pgid = false, phase = true, inode = true;
  bool monitor = false, monitor_start = false, restarts = false;
};

// One definition key; false if `key` is not one.
// `value` is moved from when it is taken.
bool parse_definition(Record& r, std::string_view key, std::string& value) {
  auto stop = [&r]() -> RecordedStop& { return r.stop ? *r.stop : r.stop.emplace(); };
  bool ok = true;
  if (key == "name") r.name = std::move(value);
  else if (key == "file") r.file = std::move(value);
  else if (key == "file_id") ok = parse_identity(value, r.file_id);
  else if (key == "argv") r.argv.push_back(std::move(value));
  else if (key == "env_digest") r.env_digest = std::move(value);
  else if (key == "pidfile") r.pidfile = std::move(value);
  else if (key == "forking") r.forking = value == "1";
  else if (key == "stop_signal") ok = parse_number(value, stop().signal);
  else if (key == "stop_timeout_ns") ok = parse_number(value, stop().timeout_ns);
  else if (key == "stop_interval_ns") ok = parse_number(value, stop().interval_ns);
  else if (key == "stop_group") stop().group = value == "1";
  else if (key == "reload_signal") ok = parse_number(value, stop().reload_signal);
  else if (key == "user") r.user = std::move(value);
  else if (key == "stdout") r.stdout_path = std::move(value);
  else if (key == "stderr") r.stderr_path = std::move(value);
  else if (key == "runtime_dir") r.runtime_dir = std::move(value);
  else return false;
  return ok;
}

bool parse_instance(Record& r, Seen& seen, std::string_view key, std::string& value) {
  if (key == "pid") seen.pid = parse_number(value, r.pid);
  else if (key == "starttime") seen.start = parse_number(value, r.starttime);
  else if (key == "pid_inode") seen.inode = parse_number(value, r.pid_inode);
  else if (key == "boot_id") seen.boot = !(r.boot_id = std::move(value)).empty();
  else if (key == "pgid") seen.pgid = parse_number(value, r.pgid);
  else if (key == "monitor") seen.monitor = parse_number(value, r.monitor);
  else if (key == "monitor_starttime") seen.monitor_start = parse_number(value, r.monitor_starttime);
  else if (key == "restarts") seen.restarts = parse_number(value, r.restarts);
  else if (key == "phase") seen.phase = (r.phase = parse_state(value).value_or(State::unknown)) != State::unknown;
  else if (key == "last_exit") r.last_exit = std::move(value);
  return true;  // an unknown key, from a later version: ignored
}

bool well_formed(const Record& r, const Seen& seen) {
  bool phase = r.phase == State::starting || r.phase == State::running || r.phase == State::restarting ||
               r.phase == State::failed;
  if (!seen.phase || !phase || !(seen.pid && seen.start && seen.boot && seen.pgid && seen.inode) || r.pid < 0) return false;
  // Only a start that has not yet found its daemon records no pid.
  if (r.pid <= 1 && !(r.pid == 0 && r.phase == State::starting)) return false;
  if (r.monitor == 0) return true;
  return seen.monitor && seen.monitor_start && seen.restarts && r.monitor > 1 && r.restarts >= 0;
}

}  // namespace

std::string format_record(const Record& r) {
  std::string text;
  if (!r.name.empty()) format_definition(text, r);
  line(text, "phase", state_name(r.phase));
  text += "pid " + std::to_string(r.pid) + "\nstarttime " + std::to_string(r.starttime) + "\nboot_id " + r.boot_id +
          "\npgid " + std::to_string(r.pgid) + "\n";
  if (r.pid_inode != 0) text += "pid_inode " + std::to_string(r.pid_inode) + "\n";
  if (r.monitor == 0) return text;
  text += "monitor " + std::to_string(r.monitor) + "\nmonitor_starttime " + std::to_string(r.monitor_starttime) +
          "\nrestarts " + std::to_string(r.restarts) + "\n";
  if (!r.last_exit.empty()) line(text, "last_exit", r.last_exit);
  return text;
}

std::optional<Record> parse_record(std::string_view text) {
  Record r;
  Seen seen;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view row = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    auto sp = row.find(' ');
    if (sp == std::string_view::npos) return std::nullopt;
    std::string_view key = row.substr(0, sp);
    std::string value = unescaped(row.substr(sp + 1));
    if (!parse_definition(r, key, value)) parse_instance(r, seen, key, value);
  }
  if (!well_formed(r, seen)) return std::nullopt;
  return r;
}

std::optional<FileIdentity> file_identity(const std::string& path) {
  auto st = posix::stat_path(path);
  if (!st) return std::nullopt;
  return FileIdentity{st->st_dev, st->st_ino, static_cast<std::uint64_t>(st->st_size),
                      static_cast<std::int64_t>(st->st_mtim.tv_sec) * 1'000'000'000 + st->st_mtim.tv_nsec};
}

std::string environment_digest(const std::vector<std::string>& env) {
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a, 64 bits
  for (const auto& entry : env) {
    for (char c : entry + '\0') {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ull;
    }
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

}  // namespace daemonctl::state
