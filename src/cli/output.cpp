#include "cli/output.h"

#include <cstdio>

namespace daemonctl::cli {

const char* status_word(ExitStatus s) {
  switch (s) {
    case ExitStatus::success: return "success";
    case ExitStatus::failure: return "failure";
    case ExitStatus::usage: return "usage";
    case ExitStatus::not_running: return "not-running";
    case ExitStatus::privilege: return "privilege";
    case ExitStatus::not_installed: return "not-installed";
    case ExitStatus::config: return "config";
    case ExitStatus::inactive: return "inactive";
  }
  return "failure";
}

Output::~Output() {
  if (!json_) return;
  std::fputs(first_ ? "[]\n" : "\n]\n", stdout);
  std::fflush(stdout);
}

void Output::object(const JsonObject& o) { object(o.text()); }

void Output::object(std::string_view text) {
  std::fputs(first_ ? "[\n" : ",\n", stdout);
  std::fwrite(text.data(), 1, text.size(), stdout);
  first_ = false;
}

void Output::result(const std::string& name, const std::string& text, JsonObject o) {
  if (!json_) return print_result(name, text, verbosity_);
  JsonObject full;
  full.string("name", name);
  object(full.merge(o).string("message", text));
}

int Output::failure(const std::string& name, const std::string& file, const Error& e, const JsonObject& extra) {
  const int code = exit_code(e.status);
  // A file's diagnostics name it already: file:line:col.
  if (!json_) {
    print_error(e.diagnostics.empty() ? name : std::string(), e);
    return code;
  }
  auto one = [&](const std::string& where, unsigned line, unsigned column, const std::string& message) {
    JsonObject o;
    o.string("error", status_word(e.status)).number("exit", static_cast<long long>(code));
    o.merge(located(name, where, line, column)).merge(extra);
    if (!e.details.empty()) o.strings("details", e.details);
    object(o.string("message", message));
  };
  if (e.diagnostics.empty()) {
    one(file, 0, 0, e.message);
  } else {
    for (const Diagnostic& d : e.diagnostics) one(d.file, d.line, d.column, d.message);
  }
  return code;
}

JsonObject located(const std::string& name, const std::string& file, unsigned line, unsigned column) {
  JsonObject o;
  if (!name.empty()) o.string("name", name);
  else o.null("name");
  if (!file.empty()) o.string("file", file);
  else o.null("file");
  if (line != 0) o.number("line", static_cast<long long>(line)).number("column", static_cast<long long>(column));
  else o.null("line").null("column");
  return o;
}

}  // namespace daemonctl::cli
