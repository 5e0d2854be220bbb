#include "posix/signal_name.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <csignal>

namespace daemonctl::posix {
namespace {

struct NamedSignal {
  std::string_view name;  ///< without the SIG prefix
  int number;
};

// The first entry for a number is the name signal_name() gives it.
const NamedSignal kSignals[] = {
    {"HUP", SIGHUP},       {"INT", SIGINT},       {"QUIT", SIGQUIT},     {"ILL", SIGILL},
    {"TRAP", SIGTRAP},     {"ABRT", SIGABRT},     {"BUS", SIGBUS},       {"FPE", SIGFPE},
    {"KILL", SIGKILL},     {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},     {"USR2", SIGUSR2},
    {"PIPE", SIGPIPE},     {"ALRM", SIGALRM},     {"TERM", SIGTERM},
#ifdef SIGSTKFLT
    {"STKFLT", SIGSTKFLT},
#endif
    {"CHLD", SIGCHLD},     {"CONT", SIGCONT},     {"STOP", SIGSTOP},     {"TSTP", SIGTSTP},
    {"TTIN", SIGTTIN},     {"TTOU", SIGTTOU},     {"URG", SIGURG},       {"XCPU", SIGXCPU},
    {"XFSZ", SIGXFSZ},     {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},     {"WINCH", SIGWINCH},
    {"IO", SIGIO},         {"POLL", SIGPOLL},
#ifdef SIGPWR
    {"PWR", SIGPWR},
#endif
    {"SYS", SIGSYS},
};

/// A decimal number of at most 3 digits, nothing else; nullopt otherwise.
std::optional<int> small_number(std::string_view text) {
  if (text.empty() || text.size() > 3) return std::nullopt;
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

bool in_range(int sig) { return sig >= 1 && sig <= SIGRTMAX; }

/// "RTMIN", "RTMIN+3", "RTMAX", "RTMAX-2" -> the real-time signal number.
std::optional<int> parse_realtime(std::string_view name) {
  const bool from_min = name.starts_with("RTMIN");
  if (!from_min && !name.starts_with("RTMAX")) return std::nullopt;
  const int base = from_min ? SIGRTMIN : SIGRTMAX;
  name.remove_prefix(5);
  if (name.empty()) return base;
  if (name.front() != (from_min ? '+' : '-')) return std::nullopt;
  auto offset = small_number(name.substr(1));
  if (!offset) return std::nullopt;
  int sig = from_min ? base + *offset : base - *offset;
  if (sig < SIGRTMIN || sig > SIGRTMAX) return std::nullopt;
  return sig;
}

}  // namespace

std::optional<int> parse_signal(std::string_view text) {
  if (!text.empty() && std::isdigit(static_cast<unsigned char>(text.front()))) {
    auto sig = small_number(text);
    if (sig && in_range(*sig)) return sig;
    return std::nullopt;
  }
  std::string name(text);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  std::string_view bare = name;
  if (bare.starts_with("SIG")) bare.remove_prefix(3);
  for (const auto& s : kSignals) {
    if (s.name == bare) return s.number;
  }
  return parse_realtime(bare);
}

std::string signal_name(int sig) {
  for (const auto& s : kSignals) {
    if (s.number == sig) return "SIG" + std::string(s.name);
  }
  if (sig == SIGRTMIN) return "SIGRTMIN";
  if (sig == SIGRTMAX) return "SIGRTMAX";
  if (sig > SIGRTMIN && sig < SIGRTMAX) {
    // Like kill -l: the lower half counts up from RTMIN, the upper half down from RTMAX.
    if (sig - SIGRTMIN <= (SIGRTMAX - SIGRTMIN) / 2) return "SIGRTMIN+" + std::to_string(sig - SIGRTMIN);
    return "SIGRTMAX-" + std::to_string(SIGRTMAX - sig);
  }
  return "SIG" + std::to_string(sig);
}

}  // namespace daemonctl::posix
