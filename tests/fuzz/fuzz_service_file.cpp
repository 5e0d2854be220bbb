// libFuzzer target: any bytes as a service file. parse_service must not
// throw, crash, leak or hit UB, and what it returns must keep the contracts
// load.h and service_spec.h promise.
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <tuple>
#include <variant>
#include <vector>

#include "config/duration.h"
#include "config/load.h"

namespace {

using daemonctl::config::Diagnostic;
using daemonctl::config::Duration;
using daemonctl::config::ServiceSpec;

void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_service_file: contract broken: %s\n", what);
  std::abort();
}

bool absolute(const std::string& path) { return path.starts_with('/'); }

bool valid_name(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '@' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool in_range(Duration d) { return d >= Duration::zero() && d <= daemonctl::config::kMaxDuration; }

void check_spec(const ServiceSpec& s) {
  require(absolute(s.file), "spec.file is absolute");
  require(valid_name(s.name), "spec.name is [A-Za-z0-9._@-]+");
  require(!s.command.empty(), "spec.command is not empty");
  require(!s.command.front().empty(), "spec.command[0] is not empty");
  require(s.pidfile.empty() || absolute(s.pidfile), "spec.pidfile is empty or absolute");
  require(absolute(s.directory), "spec.directory is absolute");
  // An empty stdout or stderr: the default log, filled in with the log dir by the command.
  auto log_path = [](const std::string& p) { return p.empty() || absolute(p); };
  require(absolute(s.stdin_path) && log_path(s.stdout_path) && log_path(s.stderr_path),
          "stdin is absolute, stdout and stderr absolute or the default log");
  require(s.umask <= 0777, "spec.umask is at most 0777");
  for (const auto& [name, value] : s.environment) {
    require(!name.empty() && name.find_first_of(std::string_view("=\0", 2)) == std::string::npos,
            "environment names are non-empty, without '=' or NUL");
    require(value.find('\0') == std::string::npos, "environment values hold no NUL");
  }
  for (const auto& word : s.command) require(word.find('\0') == std::string::npos, "command words hold no NUL");
  require(in_range(s.start.grace), "start.grace is within [0, kMaxDuration]");
  require(in_range(s.stop.interval), "stop.interval is within [0, kMaxDuration]");
  require(in_range(s.stop.timeout) && s.stop.timeout > Duration::zero(), "stop.timeout is within (0, kMaxDuration]");
  require(s.stop.signal >= 1 && s.stop.signal <= SIGRTMAX, "stop.signal is a signal number");
}

void check_diagnostics(const std::vector<Diagnostic>& diagnostics) {
  require(!diagnostics.empty(), "a failed parse has at least one diagnostic");
  for (std::size_t i = 0; i < diagnostics.size(); ++i) {
    const Diagnostic& d = diagnostics[i];
    require(d.file == "fuzz.toml", "diagnostic.file is the path given");
    require(!d.message.empty(), "diagnostic.message is not empty");
    // load_service joins the diagnostics one per line.
    require(d.message.find('\n') == std::string::npos, "diagnostic.message is one line");
    if (i > 0) {
      const Diagnostic& prev = diagnostics[i - 1];
      require(std::tie(prev.line, prev.column) <= std::tie(d.line, d.column), "diagnostics are sorted by position");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = daemonctl::config::parse_service(text, "fuzz.toml", "/srv/fuzz");
  if (auto* spec = std::get_if<ServiceSpec>(&parsed)) check_spec(*spec);
  else check_diagnostics(std::get<std::vector<Diagnostic>>(parsed));
  return 0;
}
