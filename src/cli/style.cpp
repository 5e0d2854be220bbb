#include "cli/style.h"

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <cstring>

#include "posix/terminal.h"

namespace daemonctl::cli::style {
namespace {

constexpr const char* kGreen = "\x1b[32m";
constexpr const char* kRed = "\x1b[31m";
constexpr const char* kYellow = "\x1b[33m";
constexpr const char* kReset = "\x1b[0m";

const char* colour_of(std::string_view word) {
  if (word == "running" || word == "started") return kGreen;
  if (word == "dead" || word == "failed") return kRed;
  if (word == "restarting") return kYellow;
  return nullptr;
}

}  // namespace

bool live(int fd) {
  const char* term = std::getenv("TERM");
  return posix::is_terminal(fd) && term && *term && std::strcmp(term, "dumb") != 0;
}

bool colour(int fd) {
  const char* no_colour = std::getenv("NO_COLOR");
  return live(fd) && !(no_colour && *no_colour);
}

bool colour_stdout() {
  static const bool on = colour(STDOUT_FILENO);
  return on;
}

std::string state(std::string_view word) {
  const char* c = colour_of(word);
  if (!c) return std::string(word);
  return c + std::string(word) + kReset;
}

std::string state_line(std::string_view line) {
  std::size_t end = 0;
  while (end < line.size() && std::isalpha(static_cast<unsigned char>(line[end]))) ++end;
  return state(line.substr(0, end)) + std::string(line.substr(end));
}

}  // namespace daemonctl::cli::style
