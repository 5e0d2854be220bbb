// Terminal safety: text from a service or a file name (argv, STATUS=,
// MAINPID=, paths, service names, log lines) reaches the operator's
// terminal with its control characters escaped ("\x1b"), in every command;
// JSON escapes them its own way ("\u001b"). Only `logs` to a pipe is raw.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <regex>

#include "harness.h"
#include "tty.h"

using namespace harness;

namespace {

// ESC ] 0 ; ... BEL sets the terminal's title; CSI (U+009B) is ESC [ to a
// terminal that obeys C1 controls.
const std::string kTitle = "\x1b]0;pwned\x07", kTitleShown = "\\x1b]0;pwned\\x07";
const std::string kCsi = "\xc2\x9b", kCsiShown = "\\xc2\\x9b";

/// An argv whose last two words hold controls: sh ignores them.
const std::string kArgvService =
    R"(command = ["/bin/sh", "-c", "exec sleep 1000", "\u001b]0;pwned\u0007", "\u009b31m"])" "\n";

/// True if `text` holds a C0 control but newline and tab (list's separator
/// on a pipe), or DEL, or a C1 control.
bool has_control(const std::string& text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return true;
    if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xa0) return true;
  }
  return false;
}


}  // namespace

TEST_CASE("an argv holding ESC, BEL and a C1 control is escaped by list, on a pipe and on a terminal") {
  Sandbox box;
  box.service("svc", kArgvService + box.mark_line());
  Run started = box.run_in_folder({"start", "svc"});
  REQUIRE(started.code == 0);
  const std::string command = "/bin/sh -c 'exec sleep 1000' '" + kTitleShown + "' '" + kCsiShown + "31m'\n";
  Run piped = box.run_in_folder({"list"});
  INFO(piped.out << piped.err);
  CHECK(piped.code == 0);
  CHECK(piped.out.rfind("svc\trunning\t" + std::to_string(pid_in(started.out)) + "\t", 0) == 0);
  CHECK(piped.out.ends_with("\t" + command));
  CHECK_FALSE(has_control(piped.out + piped.err));
  // On a terminal: the state in colour, the argv escaped all the same.
  Run tty = daemonctl_on_tty(box.args({"--config-dir", box.dir(), "list"}), Ttys{true, false});
  INFO(tty.out);
  CHECK(tty.out.find("svc   \x1b[32mrunning\x1b[0m  ") != std::string::npos);
  CHECK(tty.out.ends_with("  " + command));
  CHECK(tty.out.find(kTitle) == std::string::npos);
  CHECK(tty.out.find(kCsi) == std::string::npos);
  Run status = box.run_in_folder({"-v", "status", "svc"});
  CHECK(status.code == 0);
  CHECK_FALSE(has_control(status.out + status.err));
}

TEST_CASE("start --dry-run shows an argv holding ESC, BEL and a C1 control escaped") {
  Sandbox box;
  box.service("svc", kArgvService + box.mark_line());
  Run r = box.run_in_folder({"start", "--dry-run", "svc"});
  INFO(r.out << r.err);
  CHECK(r.code == 0);
  CHECK(r.out.find("svc: would start: exec /bin/sh with argv [\"/bin/sh\", \"-c\", \"exec sleep 1000\", \"" +
                   kTitleShown + "\", \"" + kCsiShown + "31m\"]\n") != std::string::npos);
  CHECK_FALSE(has_control(r.out + r.err));
}

TEST_CASE("a STATUS= and a MAINPID= holding ESC reach the warning and the error escaped") {
  REQUIRE(::access("/usr/bin/systemd-notify", X_OK) == 0);  // scripts/deps installs systemd
  Sandbox box;
  box.service("svc", R"x(command = ["/bin/sh", "-c", "systemd-notify MAINPID=\"$(printf '\\033[2J')\" --status=\"$(printf '\\033]0;pwned\\007')\"; exec sleep 1000"])x"
                     "\n" + box.mark_line() + "[ready]\nnotify = true\ntimeout = \"1s\"\n");
  Run r = box.run_in_folder({"start", "svc"});
  INFO(r.err);
  CHECK(r.code == 1);
  std::regex expected(
      "daemonctl: warning: svc: MAINPID=\\\\x1b\\[2J ignored: daemonctl keeps to pid [0-9]+, the one it started\n"
      "daemonctl: error: svc: not ready within 1s: no READY=1 on the notify socket \\(last STATUS=\\\\x1b\\]0;pwned"
      "\\\\x07\\)\n  see: daemonctl logs svc\n");
  CHECK(std::regex_match(r.err, expected));
  CHECK_FALSE(has_control(r.out + r.err));
  CHECK(pids_with_env(box.mark()).empty());
}

TEST_CASE("a service file whose name or program holds ESC is escaped by check and list") {
  Sandbox box;
  box.write("\x1b[31mx.toml", "command = [\"/bin/sleep\", \"1000\"]\n");
  box.service("prog", R"(command = ["/no/such\u001b]0;x\u0007"])" "\n");
  const std::string bad = box.dir() + "/\\x1b[31mx.toml";
  const std::string invalid = "invalid name '\\x1b[31mx' (from the file name): use only letters, digits and . _ @ -";
  Run check = box.run_in_folder({"check"});
  INFO(check.out << check.err);
  CHECK(check.code == 6);
  CHECK(check.out == bad + ": error: " + invalid + "\n" + box.dir() +
                         "/prog.toml:1:11: error: cannot execute '/no/such\\x1b]0;x\\x07': No such file or directory\n");
  Run list = box.run_in_folder({"list"});
  INFO(list.out << list.err);
  CHECK(list.err == "daemonctl: error: " + bad + ": " + invalid + "\n");
  Run start = box.run_in_folder({"start", "prog"});
  CHECK(start.err == "daemonctl: error: prog: cannot execute '/no/such\\x1b]0;x\\x07': No such file or directory\n");
  CHECK_FALSE(has_control(check.out + check.err + list.out + list.err + start.err));
}

TEST_CASE("list --json is valid JSON with the controls of argv and file names in JSON escapes") {
  Sandbox box;
  box.service("svc", kArgvService + box.mark_line());
  box.write("\x1b[31mx.toml", "command = [\"/bin/sleep\", \"1000\"]\n");
  Run r = box.run_in_folder({"--json", "list"});
  INFO(r.out << r.err);
  CHECK(r.err.empty());
  CHECK_FALSE(has_control(r.out));
  CHECK(r.out.find("\"\\u001b]0;pwned\\u0007\", \"\\u009b31m\"]") != std::string::npos);
  CHECK(with_python(box, r.out, R"(
bad, svc = data
assert bad["name"] == "\x1b[31mx" and bad["file"].endswith("/\x1b[31mx.toml"), bad
assert svc["argv"][3:] == ["\x1b]0;pwned\x07", "\x9b31m"], svc
print("ok")
)") == "ok\n");
}

TEST_CASE("export systemd escapes the controls of argv and paths in its lines and comments") {
  Sandbox box;
  box.service("svc", R"(command = ["/bin/sh", "-c", "exec sleep 1000", "\u009b31m\u001b]0;x\u0007"])" "\n"
                     R"(stdout = "out\u001b[2J.log")" "\n");
  Run r = box.run_in_folder({"export", "systemd", "svc"});
  INFO(r.out << r.err);
  CHECK(r.code == 0);
  // In double quotes, systemd reads \xNN back as the very bytes.
  CHECK(r.out.find("\nExecStart=/bin/sh -c \"exec sleep 1000\" \"\\xc2\\x9b31m\\x1b]0;x\\x07\"\n") != std::string::npos);
  CHECK(r.out.find("\n# stdout = '" + box.dir() + "/out\\x1b[2J.log': a unit file cannot hold this path") !=
        std::string::npos);
  CHECK_FALSE(has_control(r.out + r.err));
}

TEST_CASE("logs escapes control characters on a terminal, keeping newlines and tabs, and is raw on a pipe") {
  Sandbox box;
  const std::string log = kTitle + " caf\xc3\xa9\tx\r\n" + kCsi + "2J\xff\n";
  box.write("out.log", log);
  box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\nstdout = \"out.log\"\n");
  Run tty = daemonctl_on_tty({"--config-dir", box.dir(), "logs", "svc"}, Ttys{true, false});
  CHECK(tty.code == 0);
  CHECK(tty.out == kTitleShown + " caf\xc3\xa9\tx\\x0d\n" + kCsiShown + "2J\\xff\n");
  Run piped = box.run_in_folder({"logs", "svc"});
  CHECK(piped.code == 0);
  CHECK(piped.out == log);
}
