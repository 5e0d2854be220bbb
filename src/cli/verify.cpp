// check: every problem of every service file, located, without starting
// or creating anything.
#include <cstdio>

#include "cli/verbs.h"
#include "common/escape.h"
#include "tools/check.h"

namespace daemonctl::cli {
namespace {

/// One finding about service `name` ("" if none): a line on stdout, or with
/// JSON an object with its "severity"; a failure object (with "error") if it
/// fails the check.
void print(Output& out, const std::string& name, tools::Severity severity, const Diagnostic& d, bool fails) {
  const char* word = severity == tools::Severity::error ? "error" : "warning";
  if (out.json()) {
    JsonObject o;
    o.string("severity", word);
    if (!fails) return out.object(o.merge(located(name, d.file, d.line, d.column)).string("message", d.message));
    Error e{ExitStatus::config, d.message};
    e.diagnostics = {d};
    out.failure(name, d.file, e, o);
    return;
  }
  std::string where = text::escape(d.file);
  if (d.line != 0) where += ":" + std::to_string(d.line) + ":" + std::to_string(d.column);
  std::fprintf(stdout, "%s: %s: %s\n", where.c_str(), word, text::escape(d.message).c_str());
}

/// A service that did not load: each of its problems, or its one error.
void print_unloaded(Output& out, const fleet::Target& t) {
  if (out.json()) {
    JsonObject o;
    out.failure(t.label, t.file, t.error, o.string("severity", "error"));
    return;
  }
  if (t.error.diagnostics.empty()) {
    print(out, t.label, tools::Severity::error, Diagnostic{t.file.empty() ? t.label : t.file, 0, 0, t.error.message}, true);
  }
  for (const Diagnostic& d : t.error.diagnostics) print(out, t.label, tools::Severity::error, d, true);
}

}  // namespace

int verify(const Options& opt, Output& out, const fleet::Selection& sel, const std::string& state_dir) {
  bool failed = false;
  for (const Diagnostic& d : sel.problems) print(out, "", tools::Severity::error, d, true);
  failed = !sel.problems.empty();
  for (const fleet::Target& t : sel.targets) {
    if (!t.spec) {
      print_unloaded(out, t);
      failed = true;
      continue;
    }
    auto findings = tools::check_service(*t.spec, state_dir);
    for (const tools::Finding& f : findings) {
      bool fails = f.severity == tools::Severity::error || opt.strict;
      failed = failed || fails;
      print(out, t.label, f.severity, f.where, fails);
    }
    if (findings.empty() && !out.json() && out.verbosity() != Verbosity::quiet) {
      std::fprintf(stdout, "%s: ok\n", text::escape(t.label).c_str());
    }
  }
  std::fflush(stdout);
  return failed ? out.exit_code(ExitStatus::config) : 0;
}

}  // namespace daemonctl::cli
