// How export systemd writes values: command words, environment assignments,
// paths and time spans, each as systemd 252 reads it back.
#include "tools/systemd_syntax.h"

#include <catch2/catch.hpp>

using namespace daemonctl::tools;
using namespace daemonctl::state;
using namespace std::chrono_literals;

// ---- systemd_exec_word --------------------------------------------------

TEST_CASE("systemd_exec_word: a plain word stays as it is", "[tools][systemd]") {
  CHECK(systemd_exec_word("--port=8080") == "--port=8080");
  CHECK(systemd_exec_word("/srv/a_b.c,d:e+f@g") == "/srv/a_b.c,d:e+f@g");
}

TEST_CASE("systemd_exec_word: the empty word is two quotes", "[tools][systemd]") {
  CHECK(systemd_exec_word("") == "\"\"");
}

TEST_CASE("systemd_exec_word: a word with blanks is double-quoted", "[tools][systemd]") {
  CHECK(systemd_exec_word("hello world") == "\"hello world\"");
}

TEST_CASE("systemd_exec_word: double quotes and backslashes are escaped", "[tools][systemd]") {
  CHECK(systemd_exec_word("say \"hi\"") == R"("say \"hi\"")");
  CHECK(systemd_exec_word(R"(C:\dir\)") == R"("C:\\dir\\")");
}

TEST_CASE("systemd_exec_word: single quotes are kept inside double quotes", "[tools][systemd]") {
  CHECK(systemd_exec_word("it's") == "\"it's\"");
}

TEST_CASE("systemd_exec_word: a dollar is doubled, so systemd expands no variable", "[tools][systemd]") {
  CHECK(systemd_exec_word("$HOME") == "\"$$HOME\"");
  CHECK(systemd_exec_word("${A}b$") == "\"$${A}b$$\"");
}

TEST_CASE("systemd_exec_word: a percent sign is doubled, so systemd expands no specifier", "[tools][systemd]") {
  CHECK(systemd_exec_word("100%") == "\"100%%\"");
  CHECK(systemd_exec_word("%n") == "\"%%n\"");
}

TEST_CASE("systemd_exec_word: newline, tab and other control bytes are C escapes", "[tools][systemd]") {
  CHECK(systemd_exec_word("a\nb\tc") == R"("a\nb\tc")");
  CHECK(systemd_exec_word(std::string("x\x01y\x7f", 4)) == R"("x\x01y\x7f")");
  // C1 controls and bytes that are not UTF-8 too: systemd reads the bytes back.
  CHECK(systemd_exec_word("\xc2\x9b" "31m\xff") == R"("\xc2\x9b31m\xff")");
}

TEST_CASE("systemd_exec_word: a lone semicolon is quoted, not a command separator", "[tools][systemd]") {
  CHECK(systemd_exec_word(";") == "\";\"");
}

TEST_CASE("systemd_exec_word: UTF-8 is kept, quoted", "[tools][systemd]") {
  CHECK(systemd_exec_word("caf\xc3\xa9") == "\"caf\xc3\xa9\"");
}

// ---- systemd_exec_path --------------------------------------------------

TEST_CASE("systemd_exec_path: a plain path stays, a dollar is kept, a percent doubled", "[tools][systemd]") {
  CHECK(systemd_exec_path("/usr/bin/python3") == "/usr/bin/python3");
  CHECK(systemd_exec_path("/opt/$x/run") == "\"/opt/$x/run\"");
  CHECK(systemd_exec_path("/opt/my app/100%") == "\"/opt/my app/100%%\"");
}

// ---- environment --------------------------------------------------------

TEST_CASE("systemd_env_name_ok: letters, digits and underscores, no leading digit", "[tools][systemd]") {
  CHECK(systemd_env_name_ok("PATH"));
  CHECK(systemd_env_name_ok("_a1"));
  CHECK_FALSE(systemd_env_name_ok(""));
  CHECK_FALSE(systemd_env_name_ok("1A"));
  CHECK_FALSE(systemd_env_name_ok("MY-VAR"));
  CHECK_FALSE(systemd_env_name_ok("A.B"));
}

TEST_CASE("systemd_env_value_ok: tab and newline pass, other control bytes do not", "[tools][systemd]") {
  CHECK(systemd_env_value_ok("a b\tc\nd"));
  CHECK(systemd_env_value_ok(""));
  CHECK_FALSE(systemd_env_value_ok("a\x01"));
  CHECK_FALSE(systemd_env_value_ok("\x1b[0m"));
}

TEST_CASE("systemd_env_assignment: quoted, with backslash, quote and percent escaped, dollar kept",
          "[tools][systemd]") {
  CHECK(systemd_env_assignment("A", "b c") == "\"A=b c\"");
  CHECK(systemd_env_assignment("Q", R"(say "\x")") == R"("Q=say \"\\x\"")");
  CHECK(systemd_env_assignment("P", "100%") == "\"P=100%%\"");
  CHECK(systemd_env_assignment("D", "$HOME") == "\"D=$HOME\"");
  CHECK(systemd_env_assignment("N", "a\nb") == R"("N=a\nb")");
  CHECK(systemd_env_assignment("E", "") == "\"E=\"");
}

// ---- systemd_path -------------------------------------------------------

TEST_CASE("systemd_path: a path is written as it is, with percent doubled", "[tools][systemd]") {
  CHECK(systemd_path("/var/log/web.log") == "/var/log/web.log");
  CHECK(systemd_path("/srv/my app/100%.log") == "/srv/my app/100%%.log");
}

TEST_CASE("systemd_path: control bytes and blanks at either end cannot be written", "[tools][systemd]") {
  CHECK_FALSE(systemd_path("/tmp/a\nb"));
  CHECK_FALSE(systemd_path("/tmp/a\tb"));
  CHECK_FALSE(systemd_path("/tmp/a\xc2\x9b"));  // a C1 control
  CHECK_FALSE(systemd_path("/tmp/a\xff"));      // not UTF-8
  CHECK(systemd_path("/tmp/caf\xc3\xa9") == "/tmp/caf\xc3\xa9");
  CHECK_FALSE(systemd_path("/tmp/a "));
  CHECK_FALSE(systemd_path(""));
}

// ---- systemd_timespan ---------------------------------------------------

TEST_CASE("systemd_timespan: zero is 0", "[tools][systemd]") { CHECK(systemd_timespan(0s) == "0"); }

TEST_CASE("systemd_timespan: parts from hours down to microseconds, largest first", "[tools][systemd]") {
  CHECK(systemd_timespan(100ms) == "100ms");
  CHECK(systemd_timespan(10s) == "10s");
  CHECK(systemd_timespan(1500ms) == "1s 500ms");
  CHECK(systemd_timespan(90s) == "1min 30s");
  CHECK(systemd_timespan(1h + 2min + 3s) == "1h 2min 3s");
  CHECK(systemd_timespan(1500us) == "1ms 500us");
  CHECK(systemd_timespan(8760h) == "8760h");
}

TEST_CASE("systemd_timespan: rounds up to microseconds, so a short duration never becomes 0",
          "[tools][systemd]") {
  CHECK(systemd_timespan(1ns) == "1us");
  CHECK(systemd_timespan(1001ns) == "2us");
}
