#include "posix/proc.h"

#include <cerrno>
#include <csignal>
#include <unistd.h>

#include <catch2/catch.hpp>

using namespace daemonctl;
using namespace daemonctl::posix;

namespace {

// Fields 3 to 52 of a real /proc/PID/stat line, each with a value of its own
// so that a parser reading the wrong field is caught: state 3, ppid 4,
// pgrp 5, session 6, tty_nr 7, ..., starttime 22.
const std::string kAfterComm =
    " S 4100 4200 4300 34817 4200 4194560 911 0 3 0 12 7 0 0 20 0 1 0 98765432 "
    "12345678 456 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 3 0 0 0 0 0 "
    "0 0 0 0 0 0 0 0\n";

const std::string kMalformed = "malformed /proc stat line";

std::string malformed_why(const std::string& line) {
  auto st = parse_stat(line);
  REQUIRE_FALSE(st.ok());
  return st.error().message;
}

}  // namespace

TEST_CASE("parse_stat: a normal line", "[posix][proc]") {
  auto st = parse_stat("4321 (nginx)" + kAfterComm);
  REQUIRE(st.ok());
  CHECK(st->state == 'S');
  CHECK(st->ppid == 4100);
  CHECK(st->pgrp == 4200);
  CHECK(st->session == 4300);
  CHECK(st->tty_nr == 34817);
  CHECK(st->starttime == 98765432u);
}

TEST_CASE("parse_stat: a comm with spaces and ')' ends at the last ')'", "[posix][proc]") {
  // What a process that calls itself "a) b) c" looks like; a parser that
  // split on the first ')' would read "b)" as the state.
  auto st = parse_stat("123 (a) b) c) S 1 2 3 0" + kAfterComm.substr(std::string(" S 4100 4200 4300 34817").size()));
  REQUIRE(st.ok());
  CHECK(st->state == 'S');
  CHECK(st->ppid == 1);
  CHECK(st->pgrp == 2);
  CHECK(st->session == 3);
  CHECK(st->tty_nr == 0);
  CHECK(st->starttime == 98765432u);
}

TEST_CASE("parse_stat: a comm that looks like fields", "[posix][proc]") {
  auto st = parse_stat("77 (x 9 9 9 Z) R" + kAfterComm.substr(2));
  REQUIRE(st.ok());
  CHECK(st->state == 'R');
  CHECK(st->ppid == 4100);
}

TEST_CASE("parse_stat: exactly 22 fields are enough", "[posix][proc]") {
  auto st = parse_stat("5 (sh) Z 1 5 5 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 777");
  REQUIRE(st.ok());
  CHECK(st->state == 'Z');
  CHECK(st->starttime == 777u);
}

TEST_CASE("parse_stat: malformed lines", "[posix][proc]") {
  CHECK(malformed_why("") == kMalformed);
  CHECK(malformed_why("4321 nginx S 1 2 3 0") == kMalformed);               // no ')'
  CHECK(malformed_why("4321 (nginx)") == kMalformed);                       // nothing after comm
  CHECK(malformed_why("4321 (nginx) S 4100 4200 4300 34817\n") == kMalformed);  // too few fields
  // 21 fields: starttime missing.
  CHECK(malformed_why("5 (sh) S 1 5 5 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0") == kMalformed);
  CHECK(malformed_why("5 (sh) SS 1 5 5 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 777") == kMalformed);  // state
  CHECK(malformed_why("5 (sh) S x 5 5 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 777") == kMalformed);   // ppid
  CHECK(malformed_why("5 (sh) S 1 x 5 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 777") == kMalformed);   // pgrp
  CHECK(malformed_why("5 (sh) S 1 5 x 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 777") == kMalformed);   // session
  CHECK(malformed_why("5 (sh) S 1 5 5 x -1 0 0 0 0 0 0 0 0 0 20 0 1 0 777") == kMalformed);   // tty_nr
  CHECK(malformed_why("5 (sh) S 1 5 5 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 7x7") == kMalformed);   // starttime
  CHECK(malformed_why("5 (sh) S 1 5 5 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 -7") == kMalformed);    // starttime < 0
}

TEST_CASE("read_stat: our own process", "[posix][proc]") {
  auto st = read_stat(::getpid());
  REQUIRE(st.ok());
  CHECK(st->state == 'R');
  CHECK(st->ppid == ::getppid());
  CHECK(st->pgrp == ::getpgrp());
  CHECK(st->session == ::getsid(0));
  CHECK(st->starttime > 0u);
}

TEST_CASE("read_stat: no such process is ESRCH", "[posix][proc]") {
  pid_t unused = pid_max() - 1;
  while (unused > 1 && !(::kill(unused, 0) < 0 && errno == ESRCH)) --unused;
  auto st = read_stat(unused);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().err == ESRCH);
}
