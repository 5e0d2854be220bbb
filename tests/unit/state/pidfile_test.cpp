#include "state/pidfile.h"

#include <catch2/catch.hpp>

using namespace daemonctl;
using namespace daemonctl::state;

namespace {

constexpr pid_t kPidMax = 4194304;

std::string why(std::string_view text, pid_t pid_max = kPidMax) {
  auto pid = parse_pidfile(text, pid_max);
  REQUIRE_FALSE(pid.ok());
  CHECK(pid.error().status == ExitStatus::failure);
  return pid.error().message;
}

const std::string kRecordText =
    "phase running\npid 4242\nstarttime 123456789012\nboot_id 6c0e1f5a-2b1d-4a8e-9d7c-0a1b2c3d4e5f\npgid 4240\n";

}  // namespace

// ---- parse_pidfile ------------------------------------------------------

TEST_CASE("parse_pidfile: a pid and a newline", "[state][pidfile]") {
  auto pid = parse_pidfile("123\n", kPidMax);
  REQUIRE(pid.ok());
  CHECK(*pid == 123);
}

TEST_CASE("parse_pidfile: blanks around the pid are allowed", "[state][pidfile]") {
  auto spaced = parse_pidfile("  123  \n", kPidMax);
  REQUIRE(spaced.ok());
  CHECK(*spaced == 123);
  auto tabbed = parse_pidfile("\t77\t", kPidMax);
  REQUIRE(tabbed.ok());
  CHECK(*tabbed == 77);
  auto bare = parse_pidfile("2", kPidMax);
  REQUIRE(bare.ok());
  CHECK(*bare == 2);
}

TEST_CASE("parse_pidfile: an empty file", "[state][pidfile]") {
  CHECK(why("") == "it is empty");
  CHECK(why("\n") == "it is empty");
  CHECK(why("  \t \n\n") == "it is empty");
}

TEST_CASE("parse_pidfile: not a number", "[state][pidfile]") {
  CHECK(why("abc") == "'abc' is not a pid");
  CHECK(why("-1") == "'-1' is not a pid");
  CHECK(why("+5") == "'+5' is not a pid");
  CHECK(why("12abc") == "'12abc' is not a pid");
  CHECK(why("0x1f\n") == "'0x1f' is not a pid");
}

TEST_CASE("parse_pidfile: more than a pid", "[state][pidfile]") {
  CHECK(why("123\n456\n") == "it holds more than a pid");
  CHECK(why("123 456") == "it holds more than a pid");
}

TEST_CASE("parse_pidfile: pids out of range", "[state][pidfile]") {
  CHECK(why("0") == "pid 0 is out of range");
  CHECK(why("1\n") == "pid 1 is out of range");
  CHECK(why("32768", 32768) == "pid 32768 is out of range");
  CHECK(why("9223372036854775807") == "pid 9223372036854775807 is out of range");
  auto below = parse_pidfile("32767", 32768);
  REQUIRE(below.ok());
  CHECK(*below == 32767);
}

TEST_CASE("parse_pidfile: numbers too long to be a pid", "[state][pidfile]") {
  CHECK(why("99999999999999999999") == "'99999999999999999999' is not a pid");  // overflows
  // 10 MB of digits: refused without a crash, the message quoting only the start.
  std::string huge(10 * 1024 * 1024, '7');
  CHECK(why(huge + "\n") == "'" + std::string(20, '7') + "...' is not a pid");
}

TEST_CASE("parse_pidfile_first_line: a forking program's pidfile may hold more than the pid", "[state][pidfile]") {
  // postgres's postmaster.pid: pid, data folder, start time, port, socket folder...
  auto pg = parse_pidfile_first_line("4242\n/var/lib/postgresql/15/main\n1733300000\n5432\n/var/run/postgresql\n",
                                     kPidMax);
  REQUIRE(pg.ok());
  CHECK(*pg == 4242);
  auto bare = parse_pidfile_first_line(" 77 ", kPidMax);
  REQUIRE(bare.ok());
  CHECK(*bare == 77);
  CHECK(parse_pidfile_first_line("\n4242\n", kPidMax).error().message == "it is empty");
  CHECK(parse_pidfile_first_line("42 43\nx\n", kPidMax).error().message == "it holds more than a pid");
  CHECK(parse_pidfile_first_line("x\n42\n", kPidMax).error().message == "'x' is not a pid");
  // daemonctl's own pidfiles stay strict.
  CHECK(why("4242\n/var/lib/postgresql\n") == "it holds more than a pid");
}

// ---- format_record / parse_record ---------------------------------------

TEST_CASE("format_record: one 'key value' line per field", "[state][pidfile]") {
  Record r{.pid = 4242, .starttime = 123456789012u, .boot_id = "6c0e1f5a-2b1d-4a8e-9d7c-0a1b2c3d4e5f", .pgid = 4240};
  CHECK(format_record(r) == kRecordText);
}

TEST_CASE("parse_record: reads what format_record writes", "[state][pidfile]") {
  Record r{.pid = 4242, .starttime = 123456789012u, .boot_id = "6c0e1f5a-2b1d-4a8e-9d7c-0a1b2c3d4e5f", .pgid = 4240};
  auto back = parse_record(format_record(r));
  REQUIRE(back.has_value());
  CHECK(back->pid == r.pid);
  CHECK(back->starttime == r.starttime);
  CHECK(back->boot_id == r.boot_id);
  CHECK(back->pgid == r.pgid);
}

TEST_CASE("parse_record: the last newline is optional", "[state][pidfile]") {
  auto r = parse_record(kRecordText.substr(0, kRecordText.size() - 1));
  REQUIRE(r.has_value());
  CHECK(r->pgid == 4240);
}

TEST_CASE("parse_record: every field is required", "[state][pidfile]") {
  CHECK_FALSE(parse_record("").has_value());
  for (const char* key : {"pid ", "starttime ", "boot_id ", "pgid "}) {
    std::string text = kRecordText;
    auto at = text.find(key);
    REQUIRE(at != std::string::npos);
    text.erase(at, text.find('\n', at) + 1 - at);
    INFO("without " << key << ": " << text);
    CHECK_FALSE(parse_record(text).has_value());
  }
}

TEST_CASE("parse_record: garbage values are refused", "[state][pidfile]") {
  auto with = [](const std::string& key, const std::string& value) {
    std::string text = kRecordText;
    auto at = text.find(key + " ");
    auto end = text.find('\n', at);
    text.replace(at, end - at, key + " " + value);
    return text;
  };
  CHECK(parse_record(with("pid", "4243")).has_value());  // the helper itself works
  CHECK_FALSE(parse_record(with("pid", "abc")).has_value());
  CHECK_FALSE(parse_record(with("pid", "-5")).has_value());
  CHECK_FALSE(parse_record(with("pid", "12x")).has_value());
  CHECK_FALSE(parse_record(with("pid", "99999999999")).has_value());  // over pid_t
  CHECK_FALSE(parse_record(with("pid", "")).has_value());
  CHECK_FALSE(parse_record(with("starttime", "1.5")).has_value());
  CHECK_FALSE(parse_record(with("starttime", "")).has_value());
  CHECK_FALSE(parse_record(with("boot_id", "")).has_value());
  CHECK_FALSE(parse_record(with("pgid", "x")).has_value());
  CHECK_FALSE(parse_record(kRecordText + "garbage\n").has_value());  // a line with no space
}

TEST_CASE("parse_record: pid 0 and 1 are refused", "[state][pidfile]") {
  Record r{.pid = 1, .starttime = 5, .boot_id = "b", .pgid = 1};
  CHECK_FALSE(parse_record(format_record(r)).has_value());
  r.pid = 0;
  CHECK_FALSE(parse_record(format_record(r)).has_value());
  r.pid = 2;
  CHECK(parse_record(format_record(r)).has_value());
}

TEST_CASE("record: a monitor's lines round-trip", "[state][pidfile]") {
  Record r{.pid = 4242, .starttime = 99, .boot_id = "b00t", .pgid = 4242};
  r.monitor = 4240;
  r.monitor_starttime = 97;
  r.restarts = 3;
  r.last_exit = "exited with status 1";
  r.phase = State::restarting;
  auto back = parse_record(format_record(r));
  REQUIRE(back);
  CHECK(back->monitor == 4240);
  CHECK(back->monitor_starttime == 97);
  CHECK(back->restarts == 3);
  CHECK(back->last_exit == "exited with status 1");
  CHECK(back->phase == State::restarting);
}

TEST_CASE("record: a monitor without its proof or with an unknown phase is no record", "[state][pidfile]") {
  std::string base = "pid 4242\nstarttime 99\nboot_id b\npgid 4242\n";
  CHECK(parse_record(base + "monitor 4240\nmonitor_starttime 97\nrestarts 0\nphase running\n"));
  CHECK_FALSE(parse_record(base + "monitor 4240\nrestarts 0\nphase running\n"));
  CHECK_FALSE(parse_record(base + "monitor 4240\nmonitor_starttime 97\nrestarts 0\nphase sleeping\n"));
  CHECK_FALSE(parse_record(base + "monitor 1\nmonitor_starttime 97\nrestarts 0\nphase running\n"));
  CHECK(parse_record(base)->monitor == 0);
}
