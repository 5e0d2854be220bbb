// status and list: what runs, as lines, a table, or JSON objects.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <optional>

#include "cli/style.h"
#include "cli/verbs.h"
#include "common/escape.h"
#include "service/inspect.h"
#include "service/log_tail.h"
#include "fleet/parallel.h"
#include "posix/terminal.h"

namespace daemonctl::cli {
namespace {

/// "2026-11-25T09:14:03Z".
std::string iso8601(double epoch_seconds) {
  using namespace std::chrono;
  sys_seconds t{seconds{static_cast<long long>(epoch_seconds)}};
  sys_days day = floor<days>(t);
  year_month_day date{day};
  hh_mm_ss time{t - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02lldZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<long long>(time.seconds().count()));
  return buf;
}

/// A word a shell reads as itself, and that escape() leaves as it is: none
/// of these characters, no control character, and no byte escape() changes.
bool shell_plain(std::string_view word) {
  static constexpr auto kSpecial = [] {
    std::array<bool, 256> special{};
    for (unsigned char c : std::string_view(" '\"\\$`*?;&|<>()")) special[c] = true;
    for (unsigned c = 0; c < 0x20; ++c) special[c] = true;
    special[0x7f] = true;
    return special;
  }();
  auto byte = [](char c) { return static_cast<unsigned char>(c); };
  if (word.empty() || std::any_of(word.begin(), word.end(), [&](char c) { return kSpecial[byte(c)]; })) return false;
  return std::all_of(word.begin(), word.end(), [&](char c) { return byte(c) < 0x80; }) || text::escape(word) == word;
}

/// The argv as one line, escaped (common/escape.h) also for JSON: words
/// with spaces, quotes or escaped characters in single quotes.
std::string command_line(const std::vector<std::string>& argv) {
  std::string line;
  for (const std::string& word : argv) {
    if (!line.empty()) line += ' ';
    if (shell_plain(word)) {
      line += word;
      continue;
    }
    line += '\'';
    for (char c : text::escape(word)) {
      if (c == '\'') line += "'\\''";
      else line += c;
    }
    line += '\'';
  }
  return line;
}

/// What the command runs: the recorded program and arguments if it was
/// started, else the file's command.
const std::vector<std::string>& what_runs(const fleet::Target& t, const service::StatusInfo& s) {
  static const std::vector<std::string> none;
  if (!s.argv.empty()) return s.argv;
  return t.spec ? t.spec->command : none;
}

/// What is off with the service's file, beside its state: "" if nothing.
std::string file_note(const fleet::Target& t, const service::StatusInfo& s) {
  if (s.file.empty()) return {};  // not recorded: the file is what there is
  if (s.file_gone) return "file removed";
  if (!t.spec && !t.error.diagnostics.empty()) return "file invalid: " + t.error.diagnostics.front().to_string();
  if (!t.spec && !t.current) return "started from '" + s.file + "'";
  if ((t.spec ? t.spec->file : t.file) != s.file) return "started from '" + s.file + "'";
  if (s.file_changed) return "changed since start; restart to apply";
  return {};
}

std::string with_notes(std::string text, const fleet::Target& t, const service::StatusInfo& s) {
  for (const std::string& note : {file_note(t, s), s.note}) {
    if (!note.empty()) text += "; " + note;
  }
  return text;
}

JsonObject status_object(const fleet::Target& t, const service::StatusInfo& s) {
  JsonObject o;
  o.string("name", t.label).string("state", state::state_name(s.state));
  if (t.enabled) o.boolean("enabled", *t.enabled);
  else o.null("enabled");
  bool has_pid = s.state == state::State::running || s.state == state::State::dead;
  if (has_pid) o.number("pid", static_cast<long long>(s.pid));
  else o.null("pid");
  if (s.state == state::State::running) {
    o.string("started_at", iso8601(s.started_at)).number("uptime_s", static_cast<long long>(s.uptime));
  } else {
    o.null("started_at").null("uptime_s");
  }
  o.string("pidfile", s.pidfile).string("file", t.file).string("command", command_line(what_runs(t, s)));
  o.strings("argv", what_runs(t, s));
  if (std::string note = with_notes("", t, s); note.empty()) o.null("note");
  else o.string("note", note.substr(2));
  if (s.reason.empty()) o.null("reason");
  else o.string("reason", s.reason);
  if (s.monitor != 0) {
    o.number("monitor_pid", static_cast<long long>(s.monitor)).boolean("monitor_alive", s.monitor_alive);
    o.number("restarts", static_cast<long long>(s.restarts));
    if (s.last_exit.empty()) o.null("last_exit");
    else o.string("last_exit", s.last_exit);
  }
  return o.number("exit", static_cast<long long>(to_int(s.status)));
}

/// status SERVICE's text: its line with its notes, and with -v why a dead
/// one died, in its own words.
std::string status_text(const fleet::Target& t, const service::StatusInfo& info, Verbosity v) {
  std::string text = with_notes(info.text, t, info);
  if (v == Verbosity::verbose && info.state == state::State::dead) {
    for (const std::string& line : service::output_details(t.label, info.stdout_path, info.stderr_path)) {
      text += "\n  " + line;
    }
  }
  return text;
}

/// What status and list print of one target: its JSON object, or its
/// status lines.
std::string rendered(const fleet::Target& t, const service::StatusInfo& info, bool json, Verbosity v) {
  return json ? status_object(t, info).text() : result_lines(t.label, status_text(t, info, v), v);
}

using Row = std::function<void(const fleet::Target&, const service::StatusInfo&)>;

/// status_info of every target, a few at once if many are left. In order: a
/// failure is an error (LSB 4); else what rendered() makes of it, printed,
/// or, for a table without JSON, `row(target, info)`. Returns the exit code.
int gather(const fleet::Selection& sel, const service::Context& ctx, Output& out, const Row& row) {
  // Not a terminal: written 64 KiB at a time (list --json of 1,000 is
  // 300 KiB), not stdio's 4.
  static char buffer[1 << 16];
  if (!posix::is_terminal(STDOUT_FILENO)) std::setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
  // The status the selection took with a record is there already, most
  // often rendered too (fleet::SelectOptions::render); what is left to take
  // goes on both cores.
  auto left = std::count_if(sel.targets.begin(), sel.targets.end(), [](const auto& t) { return !t.status; });
  std::vector<std::optional<Result<service::StatusInfo>>> infos(left != 0 ? sel.targets.size() : 0);
  ExitCode code;
  auto info_of = [&](std::size_t i) -> const Result<service::StatusInfo>& {
    return sel.targets[i].status ? *sel.targets[i].status : *infos[i];
  };
  fleet::Schedule schedule;
  schedule.jobs = left >= 32 ? 2 : 1;
  fleet::run_all(
      sel.targets.size(), schedule,
      [&](std::size_t i) {
        const fleet::Target& t = sel.targets[i];
        const config::ServiceSpec* spec = t.spec ? &*t.spec : nullptr;
        service::FolderCache cache;
        if (!t.status) {
          infos[i] = spec || t.recorded ? service::status_info(ctx, t.label, spec) : Result<service::StatusInfo>(t.error);
        }
        return true;
      },
      [](std::size_t, std::size_t) {},
      [&](std::size_t i) {
        const fleet::Target& t = sel.targets[i];
        const Result<service::StatusInfo>& info = info_of(i);
        if (!info) return code.note(out.failure(t.label, t.file, info.error()));
        code.note(info->status);
        if (row && !out.json()) return row(t, *info);
        std::string shown = t.rendered ? *t.rendered : rendered(t, *info, out.json(), out.verbosity());
        if (out.json()) out.object(shown);
        else print_lines(shown);
      });
  return code.value;
}

}  // namespace

fleet::Render renderer(bool table, const Output& out) {
  if (table && !out.json()) return nullptr;
  return [json = out.json(), v = out.verbosity()](const fleet::Target& t) -> std::optional<std::string> {
    if (!t.status || !*t.status) return std::nullopt;
    return rendered(t, **t.status, json, v);
  };
}

int show_status(const Options&, Output& out, const fleet::Selection& sel, const service::Context& ctx) {
  return gather(sel, ctx, out, nullptr);
}

int show_table(const Options&, Output& out, const fleet::Selection& sel, const service::Context& ctx) {
  std::vector<std::vector<std::string>> rows;
  int code = gather(sel, ctx, out, [&](const fleet::Target& t, const service::StatusInfo& info) {
    bool running = info.state == state::State::running;
    // Escaped before widths are taken and colour goes on.
    std::string notes = with_notes("", t, info);
    rows.push_back({text::escape(t.label), state::state_name(info.state),
                    running || info.state == state::State::dead ? std::to_string(info.pid) : "-",
                    running ? service::format_uptime(info.uptime) : "-", !t.enabled ? "-" : *t.enabled ? "yes" : "no",
                    command_line(what_runs(t, info)) + (notes.empty() ? "" : "  (" + text::escape(notes.substr(2)) + ")")});
  });
  if (out.json() || out.verbosity() == Verbosity::quiet) return code;
  // Aligned with a header for a terminal; tab-separated, no header, for a pipe.
  bool terminal = posix::is_terminal(STDOUT_FILENO);
  if (terminal) rows.insert(rows.begin(), {"NAME", "STATE", "PID", "UPTIME", "ENABLED", "COMMAND"});
  std::vector<std::size_t> width(6, 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  // The state in colour (only ever on a terminal: below the header), padded
  // by its width uncoloured.
  const bool colour = style::colour_stdout();
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const auto& row = rows[r];
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      line += colour && c == 1 && r != 0 ? style::state(row[c]) : row[c];
      if (c + 1 == row.size()) break;
      line += terminal ? std::string(width[c] - row[c].size() + 2, ' ') : "\t";
    }
    std::fprintf(stdout, "%s\n", line.c_str());
  }
  std::fflush(stdout);
  return code;
}

}  // namespace daemonctl::cli
