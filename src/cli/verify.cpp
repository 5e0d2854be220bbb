// check: every problem of every service file, located, without starting
// or creating anything.
#include <cstdio>

#include "cli/verbs.h"
#include "common/escape.h"
#include "core/check.h"

namespace daemonctl::cli {
namespace {

void print(Output& out, core::Severity severity, const Diagnostic& d) {
  const char* word = severity == core::Severity::error ? "error" : "warning";
  if (out.json()) {
    JsonObject o;
    o.string("severity", word).string("file", d.file);
    if (d.line != 0) o.number("line", static_cast<long long>(d.line)).number("column", static_cast<long long>(d.column));
    else o.null("line").null("column");
    return out.object(o.string("message", d.message));
  }
  std::string where = text::escape(d.file);
  if (d.line != 0) where += ":" + std::to_string(d.line) + ":" + std::to_string(d.column);
  std::fprintf(stdout, "%s: %s: %s\n", where.c_str(), word, text::escape(d.message).c_str());
}

}  // namespace

int verify(const Options& opt, Output& out, const Selection& sel, const std::string& state_dir) {
  bool failed = false;
  auto found = [&](core::Severity s, const Diagnostic& d) {
    if (s == core::Severity::error || opt.strict) failed = true;
    print(out, s, d);
  };
  for (const Diagnostic& d : sel.problems) found(core::Severity::error, d);
  for (const Target& t : sel.targets) {
    if (!t.spec) {
      if (t.error.diagnostics.empty()) found(core::Severity::error, Diagnostic{t.file.empty() ? t.label : t.file, 0, 0, t.error.message});
      for (const Diagnostic& d : t.error.diagnostics) found(core::Severity::error, d);
      continue;
    }
    auto findings = core::check_service(*t.spec, state_dir);
    for (const core::Finding& f : findings) found(f.severity, f.where);
    if (findings.empty() && !out.json() && out.verbosity() != Verbosity::quiet) {
      std::fprintf(stdout, "%s: ok\n", text::escape(t.label).c_str());
    }
  }
  std::fflush(stdout);
  return failed ? to_int(ExitStatus::config) : 0;
}

}  // namespace daemonctl::cli
