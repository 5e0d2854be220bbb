#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>
#include <mutex>

#include "cli/style.h"
#include "config/duration.h"
#include "posix/terminal.h"

namespace daemonctl::cli {
namespace {

// One terminal, one line: every write to it (the line, results, messages)
// goes under this lock.
std::mutex g_mutex;
ProgressLine* g_line = nullptr;  // the line shown, if any

void put(const std::string& bytes) {
  std::fputs(bytes.c_str(), stderr);
  std::fflush(stderr);
}

// The terminal's width; 0 if unknown. A longer line would wrap, and "\r"
// would then rewrite only its last row.
std::size_t columns() { return posix::terminal_columns(STDERR_FILENO); }

}  // namespace

bool progress_wanted(Verbosity v, bool json) {
  return v != Verbosity::quiet && !json && style::live(STDERR_FILENO);
}

ProgressLine::ProgressLine(bool shown) : shown_(shown) {
  if (!shown_) return;
  std::lock_guard lock(g_mutex);
  g_line = this;
}

ProgressLine::~ProgressLine() {
  if (!shown_) return;
  std::lock_guard lock(g_mutex);
  erase();
  g_line = nullptr;
}

void ProgressLine::count(const std::string& verb, std::size_t total) {
  if (!shown_) return;
  std::lock_guard lock(g_mutex);
  verb_ = verb;
  total_ = total;
  done_ = 0;
  draw();
}

void ProgressLine::advance() {
  if (!shown_) return;
  std::lock_guard lock(g_mutex);
  ++done_;
  draw();
}

void ProgressLine::stop_waiting(const std::string& name, pid_t pid, std::chrono::seconds waited,
                                std::chrono::nanoseconds timeout) {
  if (!shown_) return;
  std::lock_guard lock(g_mutex);
  waits_[name] = name + ": waiting for pid " + std::to_string(pid) + " to exit (" +
                 config::format_duration(waited) + " of " + config::format_duration(timeout) + ")";
  draw();
}

void ProgressLine::ready_waiting(const std::string& name, const std::string& what, std::chrono::seconds waited,
                                 std::chrono::nanoseconds timeout) {
  if (!shown_) return;
  std::lock_guard lock(g_mutex);
  waits_[name] = name + ": waiting for " + what + " (" + config::format_duration(waited) + " of " +
                 config::format_duration(timeout) + ")";
  draw();
}

void ProgressLine::stop_waited(const std::string& name) {
  if (!shown_) return;
  std::lock_guard lock(g_mutex);
  if (waits_.erase(name) != 0) draw();
}

std::string ProgressLine::text() const {
  std::string line;
  if (total_ != 0) line = verb_ + " " + std::to_string(done_) + "/" + std::to_string(total_) + "...";
  for (const auto& [name, wait] : waits_) line += (line.empty() ? "" : "  ") + wait;
  if (std::size_t width = columns(); width > 1 && line.size() >= width) line.resize(width - 1);
  return line;
}

void ProgressLine::draw() {
  std::string now = text();
  if (now == drawn_) return;
  if (now.empty()) return erase();
  // Back to the line's start, the new text, then clear what the old one
  // left beyond it.
  put("\r" + now + "\x1b[K");
  drawn_ = now;
}

void ProgressLine::erase() {
  if (drawn_.empty()) return;
  put("\r\x1b[K");
  drawn_.clear();
}

void around_progress(const std::function<void()>& write) {
  std::lock_guard lock(g_mutex);
  if (g_line) g_line->erase();
  write();
  if (g_line) g_line->draw();
}

}  // namespace daemonctl::cli
