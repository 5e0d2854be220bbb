#include "posix/signal_name.h"

#include <csignal>

#include <catch2/catch.hpp>

using daemonctl::posix::parse_signal;
using daemonctl::posix::signal_name;

TEST_CASE("parse_signal: names with or without SIG, any case", "[config]") {
  CHECK(parse_signal("TERM") == SIGTERM);
  CHECK(parse_signal("SIGTERM") == SIGTERM);
  CHECK(parse_signal("term") == SIGTERM);
  CHECK(parse_signal("SigHup") == SIGHUP);
  CHECK(parse_signal("KILL") == SIGKILL);
  CHECK(parse_signal("USR1") == SIGUSR1);
  CHECK(parse_signal("WINCH") == SIGWINCH);
  CHECK(parse_signal("IO") == SIGIO);
  CHECK(parse_signal("POLL") == SIGIO);
  CHECK(parse_signal("SYS") == SIGSYS);
}

TEST_CASE("parse_signal: real-time signals", "[config]") {
  CHECK(parse_signal("RTMIN") == SIGRTMIN);
  CHECK(parse_signal("SIGRTMIN+2") == SIGRTMIN + 2);
  CHECK(parse_signal("rtmax") == SIGRTMAX);
  CHECK(parse_signal("RTMAX-1") == SIGRTMAX - 1);
  CHECK(parse_signal("RTMIN+" + std::to_string(SIGRTMAX - SIGRTMIN)) == SIGRTMAX);
  CHECK(parse_signal("RTMIN+" + std::to_string(SIGRTMAX - SIGRTMIN + 1)) == std::nullopt);
  CHECK(parse_signal("RTMAX-" + std::to_string(SIGRTMAX - SIGRTMIN + 1)) == std::nullopt);
  CHECK(parse_signal("RTMIN-1") == std::nullopt);
  CHECK(parse_signal("RTMAX+1") == std::nullopt);
  CHECK(parse_signal("RTMIN+") == std::nullopt);
}

TEST_CASE("parse_signal: numbers from 1 to SIGRTMAX", "[config]") {
  CHECK(parse_signal("15") == 15);
  CHECK(parse_signal("1") == 1);
  CHECK(parse_signal(std::to_string(SIGRTMAX)) == SIGRTMAX);
  CHECK(parse_signal(std::to_string(SIGRTMAX + 1)) == std::nullopt);
  CHECK(parse_signal("0") == std::nullopt);
  CHECK(parse_signal("-1") == std::nullopt);
  CHECK(parse_signal("+15") == std::nullopt);
  CHECK(parse_signal("15x") == std::nullopt);
  CHECK(parse_signal("99999999999") == std::nullopt);
}

TEST_CASE("parse_signal: rejects anything else", "[config]") {
  CHECK(parse_signal("") == std::nullopt);
  CHECK(parse_signal("TERN") == std::nullopt);
  CHECK(parse_signal("SIG") == std::nullopt);
  CHECK(parse_signal("SIGSIGTERM") == std::nullopt);
  CHECK(parse_signal(" TERM") == std::nullopt);
  CHECK(parse_signal("SIG15") == std::nullopt);
}

TEST_CASE("signal_name: SIG names, real-time ones as kill -l writes them", "[config]") {
  CHECK(signal_name(SIGTERM) == "SIGTERM");
  CHECK(signal_name(9) == "SIGKILL");
  CHECK(signal_name(SIGIO) == "SIGIO");
  CHECK(signal_name(SIGRTMIN) == "SIGRTMIN");
  CHECK(signal_name(SIGRTMIN + 1) == "SIGRTMIN+1");
  CHECK(signal_name(SIGRTMAX - 1) == "SIGRTMAX-1");
  CHECK(signal_name(SIGRTMAX) == "SIGRTMAX");
  CHECK(signal_name(0) == "SIG0");
  CHECK(signal_name(SIGRTMAX + 1) == "SIG" + std::to_string(SIGRTMAX + 1));
}

TEST_CASE("signal_name: every name parses back to its number", "[config]") {
  for (int sig = 1; sig <= SIGRTMAX; ++sig) {
    std::string name = signal_name(sig);
    if (name == "SIG" + std::to_string(sig)) continue;  // unnamed, reserved by libc
    INFO(name);
    CHECK(parse_signal(name) == sig);
  }
}
