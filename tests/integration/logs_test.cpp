// logs: the last lines of a service's log files, and -f following them
// through appends, rotation and truncation until Ctrl-C.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "harness.h"

using namespace harness;

namespace {

// A daemonctl that keeps running (logs -f), its stdout and stderr read as
// they come. Killed at the end if it still runs.
class Live {
 public:
  explicit Live(const std::vector<std::string>& args) {
    int out[2], err[2];
    if (::pipe2(out, O_CLOEXEC) < 0 || ::pipe2(err, O_CLOEXEC) < 0) throw std::runtime_error("pipe");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], 1);
      ::dup2(err[1], 2);
      ::close(0);
      ::open("/dev/null", O_RDONLY);
      sigset_t none;
      sigemptyset(&none);
      ::sigprocmask(SIG_SETMASK, &none, nullptr);
      exec_daemonctl(args);
    }
    ::close(out[1]);
    ::close(err[1]);
    out_fd_ = out[0];
    err_fd_ = err[0];
    ::fcntl(out_fd_, F_SETFL, O_NONBLOCK);
    ::fcntl(err_fd_, F_SETFL, O_NONBLOCK);
  }
  ~Live() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    close_out();
    if (err_fd_ >= 0) ::close(err_fd_);
  }
  Live(const Live&) = delete;
  Live& operator=(const Live&) = delete;

  pid_t pid() const { return pid_; }

  /// All it wrote to stdout so far.
  const std::string& out() {
    drain();
    return out_;
  }
  /// All it wrote to stderr so far.
  const std::string& err() {
    drain();
    return err_;
  }

  /// Waits until its stdout holds exactly `text`; false at the deadline.
  bool wait_out(const std::string& text, std::chrono::milliseconds timeout = 5000ms) {
    return wait_until([&] { return out() == text; }, timeout);
  }

  /// Waits until it blocks SIGINT and SIGTERM: they are events for it now.
  bool wait_signals_blocked() {
    return wait_until([&] {
      unsigned long long mask = std::strtoull(status_field(pid_, "SigBlk").c_str(), nullptr, 16);
      unsigned long long want = (1ULL << (SIGINT - 1)) | (1ULL << (SIGTERM - 1));
      return (mask & want) == want;
    });
  }

  /// Closes our end of its stdout: a reader that goes away.
  void close_out() {
    if (out_fd_ >= 0) ::close(out_fd_);
    out_fd_ = -1;
  }

  /// Its exit code (128+N if killed by signal N), waiting until `timeout`;
  /// -1 if it still runs then.
  int wait_exit(std::chrono::milliseconds timeout = 5000ms) {
    int status = 0;
    bool ended = wait_until([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; }, timeout);
    if (!ended) return -1;
    pid_ = 0;
    drain();
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  void drain() {
    char buf[4096];
    for (auto [fd, sink] : {std::pair{out_fd_, &out_}, std::pair{err_fd_, &err_}}) {
      if (fd < 0) continue;
      for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) sink->append(buf, static_cast<size_t>(n));
    }
  }

  pid_t pid_ = 0;
  int out_fd_ = -1, err_fd_ = -1;
  std::string out_, err_;
};

void append(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::app | std::ios::binary) << text;
}

void replace(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc | std::ios::binary) << text;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The inodes that process `pid` watches through inotify, from /proc/PID/fdinfo.
std::set<unsigned long> inotify_watched(pid_t pid) {
  std::set<unsigned long> inodes;
  for (const auto& [fd, target] : fds_of(pid)) {
    if (target != "anon_inode:inotify") continue;
    std::istringstream info(slurp("/proc/" + std::to_string(pid) + "/fdinfo/" + std::to_string(fd)));
    for (std::string line; std::getline(info, line);) {
      auto at = line.find(" ino:");
      if (line.rfind("inotify ", 0) == 0 && at != std::string::npos) {
        inodes.insert(std::strtoul(line.c_str() + at + 5, nullptr, 16));
      }
    }
  }
  return inodes;
}

unsigned long inode_of(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

// A service whose logs the test itself writes: logs reads paths, not the daemon.
std::string logged_service(Sandbox& box, const std::string& out, const std::string& err = "/dev/null") {
  return box.service("web", "command = [\"/bin/sleep\", \"1000\"]\nstdout = \"" + out + "\"\nstderr = \"" + err + "\"\n");
}

}  // namespace

TEST_CASE("logs -n 3 prints the last 3 lines of a running daemon's log") {
  Sandbox box;
  std::string file = box.service("ticker",
                                 "command = [\"/bin/sh\", \"-c\", \"i=0; while :; do i=$((i+1)); echo line $i; "
                                 "sleep 0.05; done\"]\nstdout = \"ticker.log\"\n" +
                                     box.mark_line());
  Run started = box.run({"start", file});
  REQUIRE(started.code == 0);
  REQUIRE(wait_until([&] { return lines_of(slurp(box.path("ticker.log"))).size() >= 5; }));
  Run r = box.run({"logs", file, "-n", "3"});
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.code == 0);
  CHECK(r.err == "");
  auto lines = lines_of(r.out);
  REQUIRE(lines.size() == 3);
  int first = std::atoi(lines[0].c_str() + 5);
  CHECK(first >= 3);
  CHECK(r.out == "line " + std::to_string(first) + "\nline " + std::to_string(first + 1) + "\nline " +
                     std::to_string(first + 2) + "\n");
  CHECK(box.run({"stop", file}).code == 0);
}

TEST_CASE("logs prints the last 50 lines without -n, all of a shorter log") {
  Sandbox box;
  std::string text;
  for (int i = 1; i <= 60; ++i) text += "line " + std::to_string(i) + "\n";
  box.write("out.log", text);
  Run r = box.run({"logs", logged_service(box, "out.log")});
  CHECK(r.code == 0);
  CHECK(r.out == text.substr(text.find("line 11\n")));
  box.write("short.log", "a\nb");
  Run all = box.run({"logs", logged_service(box, "short.log"), "-n", "10"});
  CHECK(all.code == 0);
  CHECK(all.out == "a\nb");
}

TEST_CASE("logs labels each line when stdout and stderr are two files") {
  Sandbox box;
  box.write("out.log", "o1\no2\no3\n");
  box.write("err.log", "e1\ne2\n");
  Run r = box.run({"logs", logged_service(box, "out.log", "err.log"), "-n", "2"});
  INFO("stderr: " << r.err);
  CHECK(r.code == 0);
  CHECK(r.out == "stdout: o2\nstdout: o3\nstderr: e1\nstderr: e2\n");
}

TEST_CASE("logs of a service whose stdout is /dev/null fails with exit 6 and says why") {
  Sandbox box;
  std::string file = logged_service(box, "/dev/null");
  Run r = box.run({"logs", file});
  CHECK(r.code == 6);
  CHECK(r.out == "");
  CHECK(r.err == "daemonctl: error: web: stdout goes to '/dev/null': no log to show (set 'stdout' in " + file +
                     ")\n");
}

TEST_CASE("logs of a log not written yet prints nothing and succeeds") {
  Sandbox box;
  Run r = box.run({"logs", logged_service(box, "later.log")});
  CHECK(r.code == 0);
  CHECK(r.out == "");
  CHECK(r.err == "");
}

TEST_CASE("logs -f prints new lines as they are appended, and ends with exit 0 on SIGINT") {
  Sandbox box;
  std::string log = box.write("out.log", "old 1\nold 2\n");
  Live live(box.args({"logs", logged_service(box, "out.log"), "-n", "1", "-f"}));
  REQUIRE(live.wait_out("old 2\n"));
  REQUIRE(live.wait_signals_blocked());
  append(log, "new 1\n");
  REQUIRE(live.wait_out("old 2\nnew 1\n"));
  append(log, "new 2\nnew 3\n");
  REQUIRE(live.wait_out("old 2\nnew 1\nnew 2\nnew 3\n"));
  ::kill(live.pid(), SIGINT);
  CHECK(live.wait_exit() == 0);
  CHECK(live.out() == "old 2\nnew 1\nnew 2\nnew 3\n");
  CHECK(live.err() == "");
}

TEST_CASE("logs -f ends with exit 0 on SIGTERM") {
  Sandbox box;
  box.write("out.log", "x\n");
  Live live(box.args({"logs", logged_service(box, "out.log"), "-f"}));
  REQUIRE(live.wait_out("x\n"));
  REQUIRE(live.wait_signals_blocked());
  ::kill(live.pid(), SIGTERM);
  CHECK(live.wait_exit() == 0);
}

TEST_CASE("logs -f follows a rotated log: the old file to its end, then the new one from its start") {
  Sandbox box;
  std::string log = box.write("out.log", "before\n");
  Live live(box.args({"logs", logged_service(box, "out.log"), "-f"}));
  REQUIRE(live.wait_out("before\n"));
  // As logrotate does: rename; the daemon still writes to the old file a while.
  REQUIRE(::rename(log.c_str(), box.path("out.log.1").c_str()) == 0);
  append(box.path("out.log.1"), "late in old\n");
  REQUIRE(live.wait_out("before\nlate in old\n"));
  replace(log, "new 1\n");
  REQUIRE(live.wait_out("before\nlate in old\nnew 1\n"));
  append(log, "new 2\n");
  REQUIRE(live.wait_out("before\nlate in old\nnew 1\nnew 2\n"));
  append(box.path("out.log.1"), "not shown: the old file is left once a new one takes the name\n");
  append(log, "new 3\n");
  REQUIRE(live.wait_out("before\nlate in old\nnew 1\nnew 2\nnew 3\n"));
  ::kill(live.pid(), SIGINT);
  CHECK(live.wait_exit() == 0);
  CHECK(live.out() == "before\nlate in old\nnew 1\nnew 2\nnew 3\n");
}

TEST_CASE("logs -f reads a rotated log to its end before the new one, however fast the rotation") {
  Sandbox box;
  std::string log = box.write("out.log", "before\n");
  Live live(box.args({"logs", logged_service(box, "out.log"), "-f"}));
  REQUIRE(live.wait_out("before\n"));
  // Stopped, it sees the whole rotation at once when it goes on.
  REQUIRE(::kill(live.pid(), SIGSTOP) == 0);
  REQUIRE(wait_until([&] { return stat_of(live.pid()).state == 'T'; }));
  REQUIRE(::rename(log.c_str(), box.path("out.log.1").c_str()) == 0);
  append(box.path("out.log.1"), "late in old\n");
  replace(log, "new 1\n");
  REQUIRE(::kill(live.pid(), SIGCONT) == 0);
  REQUIRE(live.wait_out("before\nlate in old\nnew 1\n"));
  ::kill(live.pid(), SIGINT);
  CHECK(live.wait_exit() == 0);
}

TEST_CASE("logs -f reads a truncated log again from its start") {
  Sandbox box;
  std::string log = box.write("out.log", "a long first line\n");
  Live live(box.args({"logs", logged_service(box, "out.log"), "-f"}));
  REQUIRE(live.wait_out("a long first line\n"));
  replace(log, "short\n");
  REQUIRE(live.wait_out("a long first line\nshort\n"));
  CHECK(wait_until([&] { return live.err() == "daemonctl: warning: '" + log + "': file truncated\n"; }));
  ::kill(live.pid(), SIGINT);
  CHECK(live.wait_exit() == 0);
}

TEST_CASE("logs -f waits for a log that does not exist yet") {
  Sandbox box;
  Live live(box.args({"logs", logged_service(box, "later.log"), "-f"}));
  REQUIRE(live.wait_signals_blocked());
  box.write("later.log", "at last\n");
  REQUIRE(live.wait_out("at last\n"));
  ::kill(live.pid(), SIGINT);
  CHECK(live.wait_exit() == 0);
}

TEST_CASE("logs -f with two files labels the lines of each as they come") {
  Sandbox box;
  box.write("out.log", "o1\n");
  box.write("err.log", "e1\n");
  Live live(box.args({"logs", logged_service(box, "out.log", "err.log"), "-f"}));
  REQUIRE(live.wait_out("stdout: o1\nstderr: e1\n"));
  append(box.path("err.log"), "e2\n");
  REQUIRE(live.wait_out("stdout: o1\nstderr: e1\nstderr: e2\n"));
  append(box.path("out.log"), "o2\n");
  REQUIRE(live.wait_out("stdout: o1\nstderr: e1\nstderr: e2\nstdout: o2\n"));
  ::kill(live.pid(), SIGINT);
  CHECK(live.wait_exit() == 0);
}

TEST_CASE("logs -f ends with exit 0 when its reader goes away, without waiting for a new line") {
  Sandbox box;
  box.write("out.log", "x\n");
  Live live(box.args({"logs", logged_service(box, "out.log"), "-f"}));
  REQUIRE(live.wait_out("x\n"));
  live.close_out();
  CHECK(live.wait_exit() == 0);
  CHECK(live.err() == "");
}

TEST_CASE("logs -f watches the log's folder and file with inotify, not only a timer") {
  Sandbox box;
  std::string log = box.write("out.log", "x\n");
  Live live(box.args({"logs", logged_service(box, "out.log"), "-f"}));
  REQUIRE(live.wait_out("x\n"));
  CHECK(wait_until([&] {
    auto watched = inotify_watched(live.pid());
    return watched.count(inode_of(box.dir())) && watched.count(inode_of(log));
  }));
  // After a rotation, the new file's.
  REQUIRE(::rename(log.c_str(), box.path("out.log.1").c_str()) == 0);
  replace(log, "y\n");
  REQUIRE(live.wait_out("x\ny\n"));
  CHECK(wait_until([&] { return inotify_watched(live.pid()).count(inode_of(log)) == 1; }));
}

TEST_CASE("logs -f follows a rotated service log across the monitor's rotations, every line once, in order") {
  Sandbox box;
  // The service waits for `go`, then writes 400 numbered lines in bursts;
  // 1000-byte files: a rotation every hundred lines or so.
  std::string file = box.service(
      "svc", "command = [\"/bin/sh\", \"-c\", \"while [ ! -e go ]; do sleep 0.01; done; i=0; while [ $i -lt 400 ]; do "
             "i=$((i+1)); echo line $i; [ $((i % 40)) = 0 ] && sleep 0.05; done; exec sleep 1000\"]\n" +
                 box.mark_line() + "directory = \"" + box.dir() + "\"\nstdout = { file = \"" + box.path("out.log") +
                 "\", max_size = 1000, keep = 2 }\n");
  Run r = box.run({"start", file});
  INFO(r.err);
  REQUIRE(r.code == 0);
  Live live(box.args({"logs", file, "-f"}));
  REQUIRE(live.wait_signals_blocked());
  box.write("go", "");
  REQUIRE(wait_until([&] { return live.out().find("line 400\n") != std::string::npos; }));
  CHECK(exists(box.path("out.log.2")));  // it did rotate, more than once
  std::vector<std::string> lines;
  for (const auto& line : lines_of(live.out())) {
    if (line.starts_with("line ")) lines.push_back(line);
  }
  REQUIRE(lines.size() == 400);
  for (std::size_t i = 0; i < lines.size(); ++i) REQUIRE(lines[i] == "line " + std::to_string(i + 1));
  ::kill(live.pid(), SIGINT);
  CHECK(live.wait_exit() == 0);
  CHECK(box.run({"stop", file}).code == 0);
}

TEST_CASE("a monitor writing a rotated log opens a new file when logrotate renames it away") {
  Sandbox box;
  std::string file = box.service(
      "svc", "command = [\"/bin/sh\", \"-c\", \"while :; do for f in say.*; do [ -e $f ] && cat $f && rm $f; done; "
             "sleep 0.01; done\"]\n" +
                 box.mark_line() + "directory = \"" + box.dir() + "\"\nstdout = { file = \"" + box.path("out.log") +
                 "\", max_size = \"1MiB\" }\n");
  REQUIRE(box.run({"start", file}).code == 0);
  box.write("tmp", "first\n");
  REQUIRE(::rename(box.path("tmp").c_str(), box.path("say.1").c_str()) == 0);
  REQUIRE(wait_until([&] { return slurp(box.path("out.log")).find("first\n") != std::string::npos; }));
  // As logrotate does without copytruncate: rename, then (maybe) create.
  REQUIRE(::rename(box.path("out.log").c_str(), box.path("out.log.old").c_str()) == 0);
  box.write("tmp", "second\n");
  REQUIRE(::rename(box.path("tmp").c_str(), box.path("say.2").c_str()) == 0);
  REQUIRE(wait_until([&] { return slurp(box.path("out.log")).find("second\n") != std::string::npos; }));
  CHECK(slurp(box.path("out.log.old")).find("second") == std::string::npos);
  CHECK(box.run({"stop", file}).code == 0);
}
