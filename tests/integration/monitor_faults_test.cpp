// The monitor survives faults and loses no output unsaid: a full disk, output
// without newlines, a FIFO put over its log, a relative state dir; and it
// tells what happens to the service in the service's own log.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <sstream>

#include "harness.h"

using namespace harness;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

long size_of(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? static_cast<long>(st.st_size) : -1;
}

pid_t monitor_of(const Sandbox& box) { return static_cast<pid_t>(std::atol(record_field(box, "svc", "monitor").c_str())); }

/// A tmpfs of `size` at `dir`, in a mount namespace of this test process's
/// own (the daemonctl it runs, and so the monitor, inherit it); unmounted at the end.
struct SmallDisk {
  std::string dir;
  SmallDisk(const std::string& at, const std::string& size) : dir(at) {
    REQUIRE(::mkdir(dir.c_str(), 0755) == 0);
    REQUIRE(::unshare(CLONE_NEWNS) == 0);
    REQUIRE(::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0);
    REQUIRE(::mount("tmpfs", dir.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0);
  }
  ~SmallDisk() { ::umount2(dir.c_str(), MNT_DETACH); }
  /// Writes `leaf` until the disk is full.
  void fill(const std::string& leaf) const {
    int fd = ::open((dir + "/" + leaf).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    REQUIRE(fd >= 0);
    std::string block(4096, '0');
    while (::write(fd, block.data(), block.size()) > 0) {
    }
    ::close(fd);
  }
};

constexpr std::size_t kLineSize = 110;  // "L%07d " + 100 digits + '\n'

/// Lines `from`..`to` of the numbered service, then waiting for the file `next`.
std::string numbered(int from, int to, const std::string& then) {
  return "i=" + std::to_string(from - 1) + "; while [ $i -lt " + std::to_string(to) +
         " ]; do i=$((i+1)); printf 'L%07d %0100d\\\\n' $i 0; done; " + then + "; ";
}

std::string wait_for(const std::string& path) { return "while [ ! -e " + path + " ]; do sleep 0.01; done"; }

}  // namespace

TEST_CASE("a full disk under a rotated log: whole lines only, and the loss is counted where it happened") {
  Sandbox box;
  SmallDisk disk(box.path("disk"), "256k");
  std::string script = numbered(1, 100, wait_for(box.path("go"))) + numbered(101, 1500, "touch " + box.path("done")) +
                       wait_for(box.path("go2")) + "; " + numbered(1501, 1600, "exec sleep 1000");
  std::string file = box.service("svc", "command = [\"/bin/sh\", \"-c\", \"" + script + "\"]\n" + box.mark_line() +
                                            "stdout = { file = \"" + disk.dir + "/out.log\", max_size = \"1MiB\" }\n");
  Run r = box.run({"start", file});
  INFO(r.err);
  REQUIRE(r.code == 0);
  std::string log = disk.dir + "/out.log";
  REQUIRE(wait_until([&] { return slurp(log).find("L0000100 ") != std::string::npos; }));
  disk.fill("filler");
  box.write("go", "");
  REQUIRE(wait_until([&] { return exists(box.path("done")); }));
  // The monitor has read the rest of it (and dropped what the disk refused).
  REQUIRE(wait_until([&] { return unread_in_pipe(pid_in(r.out), 1) == 0; }));
  REQUIRE(::unlink((disk.dir + "/filler").c_str()) == 0);
  box.write("go2", "");
  REQUIRE(wait_until([&] { return slurp(log).find("L0001600 ") != std::string::npos; }));
  CHECK(box.run({"stop", file}).code == 0);

  // Every line whole and in order; each gap announced, with its size, where it is.
  int expected = 1, losses = 0, pending_loss = 0;
  for (const std::string& line : lines_of(slurp(log))) {
    INFO(line);
    if (line.find(" daemonctl-monitor[") != std::string::npos) continue;
    if (line.starts_with("daemonctl-monitor: ")) {
      int n = 0;
      REQUIRE(std::sscanf(line.c_str(), "daemonctl-monitor: %*d bytes (%d lines) lost", &n) == 1);
      CHECK(line == "daemonctl-monitor: " + std::to_string(n * kLineSize) + " bytes (" + std::to_string(n) +
                        " lines) lost: No space left on device");
      pending_loss = n;
      ++losses;
      continue;
    }
    REQUIRE(line.size() == kLineSize - 1);
    char want[16];
    std::snprintf(want, sizeof want, "L%07d ", expected + pending_loss);
    REQUIRE(line == want + std::string(100, '0'));
    expected += pending_loss + 1;
    pending_loss = 0;
  }
  CHECK(expected == 1601);
  CHECK(losses >= 1);
}

TEST_CASE("rotated output without a newline is cut at max_size, and keep is kept") {
  Sandbox box;
  std::string file = box.service(
      "svc", "command = [\"/bin/sh\", \"-c\", \"head -c 20000000 /dev/zero | tr '\\\\0' x; echo; echo done; exec sleep "
             "1000\"]\n" + box.mark_line() + "stdout = { file = \"" + box.path("out.log") +
                 "\", max_size = \"64KiB\", keep = 2 }\nstderr = \"" + box.path("err.log") + "\"\n");
  Run r = box.run({"start", file});
  INFO(r.err);
  REQUIRE(r.code == 0);
  REQUIRE(wait_until([&] { return slurp(box.path("out.log")).find("done\n") != std::string::npos; }, 20000ms));
  for (const char* leaf : {"out.log", "out.log.1", "out.log.2"}) {
    INFO(leaf);
    CHECK(size_of(box.path(leaf)) > 0);
    CHECK(size_of(box.path(leaf)) <= 2 * 65536);  // max_size and one read
  }
  CHECK_FALSE(exists(box.path("out.log.3")));
  CHECK(box.run({"stop", file}).code == 0);
}

TEST_CASE("a monitor line after output without a newline starts a line of its own") {
  auto check = [](const std::string& log_setting) {
    Sandbox box;
    std::string log = box.path("svc.log");
    std::string file = box.service(
        "svc", "command = [\"/bin/sh\", \"-c\", \"printf partial-no-newline; sleep 0.2; exit 3\"]\n" + box.mark_line() +
                   "stdout = " + log_setting + "\nstderr = " + log_setting + "\n[restart]\npolicy = \"on-failure\"\n"
                   "delay = \"0s\"\nlimit = 1\n");
    Run r = box.run({"start", file});
    INFO(r.err);
    REQUIRE(r.code == 0);
    REQUIRE(wait_until([&] { return slurp(log).find("giving up") != std::string::npos; }));
    std::string text = slurp(log);
    INFO(text);
    std::size_t partial = text.find("partial-no-newline\n");
    REQUIRE(partial != std::string::npos);
    // "2026-12-04T20:44:40Z daemonctl-monitor[...]" on the next line
    CHECK(text.find(" daemonctl-monitor[", partial) == partial + 19 + 20);
  };
  SECTION("a plain file") { check("\"svc.log\""); }
  SECTION("a rotated file") { check("{ file = \"svc.log\", max_size = \"1MiB\" }"); }
}

TEST_CASE("with only stdout set, the monitor logs exits, failed restarts and its giving up there") {
  Sandbox box;
  // It runs once: it removes itself, so that the restart cannot exec it.
  std::string program = box.write("once.sh", "#!/bin/sh\nrm -- \"$0\"\nexit 3\n");
  REQUIRE(::chmod(program.c_str(), 0755) == 0);
  std::string file = box.service("svc", "command = [\"" + program + "\"]\n" + box.mark_line() +
                                            "stdout = \"out.log\"\n[restart]\npolicy = \"always\"\ndelay = \"0s\"\n"
                                            "limit = 1\n");
  REQUIRE(box.run({"start", file}).code == 0);
  std::string log = box.path("out.log");
  REQUIRE(wait_until([&] { return slurp(log).find("giving up") != std::string::npos; }));
  std::string text = slurp(log);
  INFO(text);
  CHECK(text.find("svc: started pid ") != std::string::npos);
  CHECK(text.find(" exited with status 3\n") != std::string::npos);
  CHECK(text.find("svc: restarting in 0ms (restart 1 of 1 within 60s)\n") != std::string::npos);
  CHECK(text.find("svc: cannot execute '" + program + "': No such file or directory\n") != std::string::npos);
  CHECK(text.find("svc: giving up: 1 restart within 60s; last cannot execute '" + program) != std::string::npos);
  Run status = box.run({"status", file});
  CHECK(status.out.find(" gave up after 1 restart; last cannot execute '") != std::string::npos);
}

TEST_CASE("a restarted daemon gets no NOTIFY_SOCKET of the start that is over") {
  Sandbox box;
  std::string file = box.service(
      "svc", "command = [\"/bin/sh\", \"-c\", \"systemd-notify --ready; exec sleep 1000\"]\n" + box.mark_line() +
                 "[restart]\npolicy = \"always\"\ndelay = \"0s\"\n[ready]\nnotify = true\ntimeout = \"10s\"\n");
  Run r = box.run({"start", file});
  INFO(r.err);
  REQUIRE(r.code == 0);
  pid_t first = pid_in(r.out);
  // Ready is said before the shell execs sleep: its environment is read
  // once the exec is over (during it, /proc/PID/environ may read empty).
  auto exec_done = [](pid_t pid) { return slurp("/proc/" + std::to_string(pid) + "/cmdline").starts_with("sleep"); };
  REQUIRE(wait_until([&] { return exec_done(first); }));
  CHECK(environ_of(first).count("NOTIFY_SOCKET") == 1);
  REQUIRE(::kill(first, SIGKILL) == 0);
  pid_t second = 0;
  REQUIRE(wait_until([&] {
    second = box.pidfile_pid("svc");
    return second != 0 && second != first && exec_done(second);
  }));
  CHECK(environ_of(second).count("NOTIFY_SOCKET") == 0);
  CHECK(box.run({"stop", file}).code == 0);
}

TEST_CASE("a relative state dir works for a supervised service") {
  Sandbox box;
  std::string file = box.service(
      "svc", "command = [\"/bin/sleep\", \"1000\"]\n" + box.mark_line() + "[restart]\npolicy = \"always\"\n");
  char cwd[4096];
  REQUIRE(::getcwd(cwd, sizeof cwd));
  REQUIRE(::chdir(box.dir().c_str()) == 0);
  Run start = daemonctl({"--state-dir", "state", "start", file});
  Run status = daemonctl({"status", file}, with_env({"DAEMONCTL_STATE_DIR=state"}));
  Run stop = daemonctl({"--state-dir", "state", "stop", file});
  REQUIRE(::chdir(cwd) == 0);
  INFO(start.err);
  CHECK(start.code == 0);
  CHECK(status.code == 0);
  CHECK(status.out.find("running (pid " + std::to_string(pid_in(start.out))) != std::string::npos);
  CHECK(stop.code == 0);
  CHECK(pids_with_env(box.mark()).empty());
}

TEST_CASE("under a monitor, a death before ready or within the grace is reported with its exit status") {
  Sandbox box;
  std::string argv = GENERATE(as<std::string>{}, "[\"/bin/sh\", \"-c\", \"exit 7\"]",
                              "[\"/bin/sh\", \"-c\", \"sleep 0.3; exit 7\"]");
  std::string base = "command = " + argv + "\n" + box.mark_line() + "[restart]\npolicy = \"always\"\ndelay = \"1s\"\n";
  SECTION("within the grace") {
    Run r = box.run({"start", box.service("svc", base + "[start]\ngrace = \"1s\"\n")});
    CHECK(r.code == 1);
    CHECK(r.err.find(" exited with status 7 within the start grace of 1s\n") != std::string::npos);
  }
  SECTION("before ready") {
    Run r = box.run({"start", box.service("svc", base + "[ready]\nfile = \"" + box.path("never") + "\"\n")});
    CHECK(r.code == 1);
    CHECK(r.err.find(" exited with status 7 before it was ready\n") != std::string::npos);
  }
  CHECK(pids_with_env(box.mark()).empty());
}

TEST_CASE("a FIFO put over a rotated log is not opened: the monitor says why, writes on, and supervises") {
  Sandbox box;
  std::string log = box.path("out.log");
  std::string file = box.service(
      "svc", "command = [\"/bin/sh\", \"-c\", \"while :; do echo tick; sleep 0.02; done\"]\n" + box.mark_line() +
                 "stdout = { file = \"" + log + "\", max_size = \"1MiB\" }\n[restart]\npolicy = \"always\"\n"
                 "delay = \"0s\"\n");
  Run r = box.run({"start", file});
  REQUIRE(r.code == 0);
  pid_t monitor = monitor_of(box);
  REQUIRE(monitor > 0);
  std::string fifo = box.path("fifo");
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  REQUIRE(::rename(fifo.c_str(), log.c_str()) == 0);
  // The file it replaced is gone from the folder; the monitor still has it.
  std::string held = "/proc/" + std::to_string(monitor) + "/fd/1";
  std::string why = "cannot reopen '" + log + "': it is a FIFO, not a regular file; writing on to the file still open\n";
  REQUIRE(wait_until([&] {
    std::string text = slurp(held);
    std::size_t at = text.find(why);
    return at != std::string::npos && text.find("tick\n", at) != std::string::npos;
  }));
  REQUIRE(::kill(pid_in(r.out), SIGKILL) == 0);
  REQUIRE(wait_until([&] {
    pid_t now = box.pidfile_pid("svc");
    return now != 0 && now != pid_in(r.out);
  }));
  auto begin = std::chrono::steady_clock::now();
  CHECK(box.run({"stop", file}).code == 0);
  CHECK(std::chrono::steady_clock::now() - begin < 1s);
  CHECK(wait_until([&] { return pids_with_env(box.mark()).empty(); }));  // a last `sleep 0.02` may linger
  struct stat st;
  REQUIRE(::lstat(log.c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));
}

TEST_CASE("a monitor past its file size limit lives on (EFBIG, not SIGXFSZ) and still supervises") {
  Sandbox box;
  std::string log = box.path("out.log");
  std::string file = box.service("svc", "command = [\"/bin/sh\", \"-c\", \"" + numbered(1, 100, "exec sleep 1000") +
                                            "\"]\n" + box.mark_line() + "stdout = { file = \"" + log +
                                            "\", max_size = \"1MiB\" }\n[restart]\npolicy = \"always\"\n"
                                            "delay = \"0s\"\n");
  // Inherited by daemonctl, and so by the monitor.
  struct rlimit old;
  REQUIRE(::getrlimit(RLIMIT_FSIZE, &old) == 0);
  struct rlimit small = {4096, old.rlim_max};  // the soft limit only: ours to raise again
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
  Run r = box.run({"start", file});
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &old) == 0);
  INFO(r.err);
  REQUIRE(r.code == 0);
  pid_t monitor = monitor_of(box);
  REQUIRE(wait_until([&] { return size_of(log) == 4096; }));
  // It has read all 100 lines, so tried to write past the limit: alive all the same.
  REQUIRE(wait_until([&] { return unread_in_pipe(pid_in(r.out), 1) == 0; }));
  CHECK(alive(monitor));
  // The daemon does not inherit the monitor's ignoring of SIGXFSZ.
  CHECK((std::stoull(status_field(pid_in(r.out), "SigIgn"), nullptr, 16) & (1ULL << (SIGXFSZ - 1))) == 0);
  REQUIRE(::kill(pid_in(r.out), SIGKILL) == 0);
  REQUIRE(wait_until([&] {
    pid_t now = box.pidfile_pid("svc");
    return now != 0 && now != pid_in(r.out);
  }));
  CHECK(box.run({"stop", file}).code == 0);
  CHECK(wait_until([&] { return pids_with_env(box.mark()).empty(); }));
}
