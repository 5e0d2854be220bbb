// When colour and a progress line may go to a stream, and what is coloured.
#include "cli/style.h"

#include <catch2/catch.hpp>

#include <pty.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string>

using namespace daemonctl::cli;

namespace {

// Sets (or with nullopt unsets) an environment variable for its lifetime.
class EnvVar {
 public:
  EnvVar(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) ::setenv(name, value->c_str(), 1);
    else ::unsetenv(name);
  }
  ~EnvVar() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// A pseudo-terminal's slave: a terminal that is not ours.
struct Pty {
  int master = -1, slave = -1;
  Pty() { REQUIRE(::openpty(&master, &slave, nullptr, nullptr, nullptr) == 0); }
  ~Pty() {
    ::close(master);
    ::close(slave);
  }
};

}  // namespace

TEST_CASE("style: colour on a terminal, unless NO_COLOR is set and not empty", "[cli][style]") {
  Pty tty;
  EnvVar term("TERM", "xterm");
  {
    EnvVar no_colour("NO_COLOR", std::nullopt);
    CHECK(style::live(tty.slave));
    CHECK(style::colour(tty.slave));
  }
  {
    EnvVar no_colour("NO_COLOR", "");
    CHECK(style::colour(tty.slave));
  }
  {
    EnvVar no_colour("NO_COLOR", "1");
    CHECK_FALSE(style::colour(tty.slave));
    CHECK(style::live(tty.slave));  // NO_COLOR is about colour only
  }
}

TEST_CASE("style: no colour and no progress on a pipe, a dumb terminal or without TERM", "[cli][style]") {
  Pty tty;
  EnvVar no_colour("NO_COLOR", std::nullopt);
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  {
    EnvVar term("TERM", "xterm");
    CHECK_FALSE(style::live(pipe_fds[1]));
    CHECK_FALSE(style::colour(pipe_fds[1]));
  }
  for (std::optional<std::string> value : {std::optional<std::string>("dumb"), std::optional<std::string>(""),
                                           std::optional<std::string>()}) {
    EnvVar term("TERM", value);
    INFO("TERM=" << value.value_or("(unset)"));
    CHECK_FALSE(style::live(tty.slave));
    CHECK_FALSE(style::colour(tty.slave));
  }
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
}

TEST_CASE("style: state words in their colours, others as they are", "[cli][style]") {
  CHECK(style::state("running") == "\x1b[32mrunning\x1b[0m");
  CHECK(style::state("started") == "\x1b[32mstarted\x1b[0m");
  CHECK(style::state("dead") == "\x1b[31mdead\x1b[0m");
  CHECK(style::state("failed") == "\x1b[31mfailed\x1b[0m");
  CHECK(style::state("restarting") == "\x1b[33mrestarting\x1b[0m");
  CHECK(style::state("stopped") == "stopped");
  CHECK(style::state("unknown") == "unknown");
  CHECK(style::state("") == "");
  // A line: its first word only.
  CHECK(style::state_line("dead, but pidfile 'p' remains (pid 4: running)") ==
        "\x1b[31mdead\x1b[0m, but pidfile 'p' remains (pid 4: running)");
  CHECK(style::state_line("running (pid 4, up 3s)") == "\x1b[32mrunning\x1b[0m (pid 4, up 3s)");
  CHECK(style::state_line("not running") == "not running");
  CHECK(style::state_line("already running (pid 4)") == "already running (pid 4)");
}
