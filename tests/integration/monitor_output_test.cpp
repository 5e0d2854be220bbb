// A supervised daemon's rotated output goes through a FIFO in the state dir
// that the daemon's side holds open for reading too: when its monitor dies,
// the daemon gets no SIGPIPE, and what it writes meanwhile waits in the
// pipe for the monitor that `start` re-attaches.
#include <catch2/catch.hpp>

#include <csignal>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include <set>

#include "harness.h"

using namespace harness;

namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

pid_t recorded_monitor(const Sandbox& box) { return static_cast<pid_t>(std::atol(record_field(box, "svc", "monitor").c_str())); }

/// printf of lines "L<from>".."L<to>", one write each (sh's printf builtin).
std::string numbered(int from, int to) {
  return "i=" + std::to_string(from - 1) + "; while [ $i -lt " + std::to_string(to) +
         " ]; do i=$((i+1)); echo L$i; done; ";
}

}  // namespace

TEST_CASE("a killed monitor loses no output: no SIGPIPE, and what the daemon wrote meanwhile reaches the log after re-attach") {
  Sandbox box;
  std::string go = box.path("go"), done = box.path("done"), log = box.path("out.log");
  std::string script = numbered(1, 100) + "while [ ! -e " + go + " ]; do sleep 0.01; done; " + numbered(101, 300) +
                       "touch " + done + "; exec sleep 1000";
  std::string file = box.service("svc", "command = [\"/bin/sh\", \"-c\", \"" + script + "\"]\n" + box.mark_line() +
                                            "stdout = { file = \"" + log + "\", max_size = \"1MiB\" }\n" +
                                            "[restart]\npolicy = \"always\"\n");
  Run r = box.run({"start", file});
  INFO(r.err);
  REQUIRE(r.code == 0);
  pid_t daemon = pid_in(r.out);
  REQUIRE(wait_until([&] { return slurp(log).find("L100\n") != std::string::npos; }));
  // The pipe is a FIFO in the state dir, root's, 0600.
  struct stat st {};
  CHECK(::lstat((box.state_dir() + "/svc.stdout").c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));
  CHECK((st.st_mode & 07777) == 0600);

  pid_t monitor = recorded_monitor(box);
  REQUIRE(::kill(monitor, SIGKILL) == 0);
  REQUIRE(wait_until([&] { return !alive(monitor); }));
  box.write("go", "");
  // The daemon writes on, unread: it neither dies of SIGPIPE nor loses a line.
  REQUIRE(wait_until([&] { return exists(done); }));
  CHECK(alive(daemon));
  CHECK(slurp(log).find("L101\n") == std::string::npos);
  CHECK(unread_in_pipe(daemon, 1) > 0);

  Run back = box.run({"start", file});
  INFO(back.err);
  CHECK(back.code == 0);
  CHECK(back.out.find("supervised again") != std::string::npos);
  REQUIRE(wait_until([&] { return slurp(log).find("L300\n") != std::string::npos; }));
  CHECK(box.run({"stop", file}).code == 0);
  CHECK(!exists(box.state_dir() + "/svc.stdout"));

  std::vector<std::string> want;
  for (int i = 1; i <= 300; ++i) want.push_back("L" + std::to_string(i));
  std::vector<std::string> got;
  for (const std::string& line : lines(slurp(log))) {
    if (line.find("daemonctl-monitor[") == std::string::npos) got.push_back(line);
  }
  CHECK(got == want);
}

TEST_CASE("lines up to 4 KiB from several writers through a rotated log are never interleaved") {
  Sandbox box;
  std::string log = box.path("out.log");
  // Four processes, each 200 lines of 4095 bytes and a newline, one write(2) each.
  std::string program =
      "import os, sys\n"
      "for w in range(4):\n"
      "    if os.fork() == 0:\n"
      "        for i in range(200):\n"
      "            os.write(1, (chr(65 + w) * 4095 + '\\n').encode())\n"
      "        os._exit(0)\n"
      "for w in range(4): os.wait()\n"
      "open(sys.argv[1], 'w').close()\n"
      "os.execv('/bin/sleep', ['sleep', '1000'])\n";
  box.write("writers.py", program);
  std::string file = box.service("svc", "command = [\"/usr/bin/python3\", \"" + box.path("writers.py") + "\", \"" +
                                            box.path("done") + "\"]\n" + box.mark_line() +
                                            "stdout = { file = \"" + log + "\", max_size = \"64MiB\" }\n");
  Run r = box.run({"start", file});
  INFO(r.err);
  REQUIRE(r.code == 0);
  REQUIRE(wait_until([&] { return exists(box.path("done")); }));
  REQUIRE(wait_until([&] { return unread_in_pipe(pid_in(r.out), 1) == 0; }));
  CHECK(box.run({"stop", file}).code == 0);
  std::map<char, int> count;
  for (const std::string& line : lines(slurp(log))) {
    if (line.find("daemonctl-monitor[") != std::string::npos) continue;
    INFO(line.substr(0, 40));
    REQUIRE(line.size() == 4095);
    REQUIRE(line == std::string(4095, line[0]));
    ++count[line[0]];
  }
  CHECK(count == std::map<char, int>{{'A', 200}, {'B', 200}, {'C', 200}, {'D', 200}});
}

TEST_CASE("a FIFO left open to others in the state dir is made the monitor's alone before it carries output") {
  Sandbox box;
  std::string fifo = box.state_dir() + "/svc.stdout";
  REQUIRE(::mkdir(box.state_dir().c_str(), 0755) == 0);
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  REQUIRE(::chmod(fifo.c_str(), 0666) == 0);
  std::string file = box.service("svc", "command = [\"/bin/sh\", \"-c\", \"echo hello; exec sleep 1000\"]\n" +
                                            box.mark_line() + "stdout = { file = \"" + box.path("out.log") +
                                            "\", max_size = \"1MiB\" }\n");
  Run r = box.run({"start", file});
  INFO(r.err);
  REQUIRE(r.code == 0);
  struct stat st {};
  REQUIRE(::lstat(fifo.c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));
  CHECK((st.st_mode & 07777) == 0600);
  CHECK(wait_until([&] { return slurp(box.path("out.log")).find("hello\n") != std::string::npos; }));
  CHECK(box.run({"stop", file}).code == 0);
}
