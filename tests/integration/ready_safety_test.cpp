// [ready] against a local user who is not the service: a listener of theirs
// on the port makes no service ready, the ready command runs as the service's
// user and leaves nothing behind, and the notify socket works whatever the
// state dir's mode, under a name no one can guess, taking no word from others.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <future>
#include <regex>

#include "harness.h"

using namespace harness;

namespace {


/// A listener on 127.0.0.1:`port` run as nobody: a process of someone else.
struct ForeignListener {
  pid_t pid = 0;
  explicit ForeignListener(int port) {
    pid = spawn_child({"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", LISTEN_AFTER_BIN, "0",
                       std::to_string(port)});
  }
  ~ForeignListener() {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
};

/// Whether 127.0.0.1:`port` is in state LISTEN in /proc/net/tcp.
bool listening(int port) {
  char hex[32];
  std::snprintf(hex, sizeof hex, "0100007F:%04X 00000000:0000 0A", port);
  return slurp("/proc/net/tcp").find(hex) != std::string::npos;
}

std::string tcp_service(const Sandbox& box, const std::string& command, int port, const std::string& timeout) {
  return "command = " + command + "\n" + box.mark_line() + "[ready]\ntcp = \"127.0.0.1:" + std::to_string(port) +
         "\"\ntimeout = \"" + timeout + "\"\n";
}

/// After a failed start: no pidfile, no record, no process of the sandbox.
void nothing_left(const Sandbox& box) {
  CHECK_FALSE(exists(box.state_dir() + "/svc.pid"));
  CHECK_FALSE(exists(box.state_dir() + "/svc.record"));
  CHECK(pids_with_env(box.mark()).empty());
}

/// Sends `text` to the abstract NOTIFY_SOCKET `address` ("@name") from a
/// child running as nobody; true if the datagram was sent.
bool send_as_nobody(const std::string& address, const std::string& text) {
  pid_t pid = ::fork();
  if (pid == 0) {
    // Raw system calls: only this thread exists in the child.
    if (::syscall(SYS_setgroups, 0, nullptr) < 0 || ::syscall(SYS_setresgid, kNobody, kNobody, kNobody) < 0 ||
        ::syscall(SYS_setresuid, kNobody, kNobody, kNobody) < 0) {
      ::_exit(2);
    }
    int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path + 1, address.data() + 1, address.size() - 1);
    auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address.size());
    bool sent = ::sendto(fd, text.data(), text.size(), 0, reinterpret_cast<sockaddr*>(&addr), len) ==
                static_cast<ssize_t>(text.size());
    ::_exit(sent ? 0 : 1);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

const std::regex kNotifyName("@daemonctl/notify/[0-9a-f]{32}");

}  // namespace

TEST_CASE("ready.tcp: another user's listener on the port does not make a service that never listens ready") {
  Sandbox box;
  int port = free_port();
  ForeignListener foreign(port);
  REQUIRE(wait_until([&] { return listening(port); }));
  std::string file = box.service("svc", tcp_service(box, "[\"/bin/sleep\", \"1000\"]", port, "500ms"));
  Run r = box.run({"start", file});
  CHECK(r.code == 1);
  CHECK(r.err == "daemonctl: error: svc: not ready within 500ms: no TCP listener of the service on 127.0.0.1:" +
                     std::to_string(port) + " (the port is held by another process)\n  see: daemonctl logs svc\n");
  nothing_left(box);
}

TEST_CASE("ready.tcp: a service that dies because another process holds its port is not started") {
  Sandbox box;
  int port = free_port();
  ForeignListener foreign(port);
  REQUIRE(wait_until([&] { return listening(port); }));
  // listen_after exits 1 when its bind fails: EADDRINUSE.
  std::string file = box.service(
      "svc", tcp_service(box, "[\"" LISTEN_AFTER_BIN "\", \"0\", \"" + std::to_string(port) + "\"]", port, "10s"));
  Run r = box.run({"start", file});
  CHECK(r.code == 1);
  CHECK(r.out.find("started") == std::string::npos);
  CHECK(r.err.find(" exited with status 1 before it was ready (the port 127.0.0.1:" + std::to_string(port) +
                   " is held by another process)\n") != std::string::npos);
  nothing_left(box);
}

TEST_CASE("ready.tcp: a listener in the daemon's process group makes it ready") {
  Sandbox box;
  int port = free_port();
  // The shell is the daemon; its child, in its process group, listens.
  std::string listener = std::string(LISTEN_AFTER_BIN) + " 200 " + std::to_string(port);
  std::string file =
      box.service("svc", tcp_service(box, "[\"/bin/sh\", \"-c\", \"" + listener + " & wait\"]", port, "10s") +
                             "[stop]\ngroup = true\n");
  Run r = box.run({"start", file});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(listening(port));
  CHECK(box.run({"stop", file}).code == 0);
  CHECK(pids_with_env(box.mark()).empty());
}

TEST_CASE("ready.tcp: a daemon that dies is not ready, though its group still listens") {
  Sandbox box;
  int port = free_port();
  // The shell is the daemon; its child listens, then kills it at once.
  std::string listener = std::string(LISTEN_AFTER_BIN) + " 100 " + std::to_string(port) + " kill-parent";
  std::string file =
      box.service("svc", tcp_service(box, "[\"/bin/sh\", \"-c\", \"" + listener + " & wait\"]", port, "10s"));
  Run r = box.run({"start", file});
  CHECK(r.code == 1);
  CHECK(r.err.find(" was killed by SIGKILL before it was ready\n") != std::string::npos);
  CHECK_FALSE(exists(box.state_dir() + "/svc.pid"));
}

TEST_CASE("ready.command runs as the service's user, in a session of its own with no terminal") {
  Sandbox box;
  REQUIRE(::chmod(box.dir().c_str(), 0755) == 0);
  std::string shared = box.path("shared");
  REQUIRE(::mkdir(shared.c_str(), 0777) == 0);
  REQUIRE(::chmod(shared.c_str(), 0777) == 0);
  // uid, gid, pid, session and terminal of the command's shell.
  std::string probe = "echo $(id -u) $(id -g) $(cut -d' ' -f1,6,7 /proc/$$/stat) > " + shared + "/ids";
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\nuser = \"nobody\"\n" + box.mark_line() +
                                            "[ready]\ncommand = [\"/bin/sh\", \"-c\", \"" + probe +
                                            "\"]\ntimeout = \"10s\"\n");
  Run r = box.run({"start", file});
  INFO(r.err);
  REQUIRE(r.code == 0);
  std::string ids = slurp(shared + "/ids");
  INFO(ids);
  int uid = -1, gid = -1, pid = 0, session = -1, tty = -1;
  REQUIRE(std::sscanf(ids.c_str(), "%d %d %d %d %d", &uid, &gid, &pid, &session, &tty) == 5);
  CHECK(uid == 65534);
  CHECK(gid == 65534);
  CHECK(tty == 0);  // no terminal to type into (TIOCSTI) or write escapes to
  CHECK(session != stat_of(::getpid()).session);
  CHECK(session != stat_of(pid_in(r.out)).session);
  CHECK(box.run({"stop", file}).code == 0);
}

TEST_CASE("ready.command: what it leaves running is killed, whether it passes, fails or times out") {
  const char* endings[] = {"exit 0", "exit 1", "exec sleep 1000"};
  for (const char* ending : endings) {
    DYNAMIC_SECTION(ending) {
      Sandbox box;
      std::string probe_mark = "PROBE_MARK=" + box.dir();
      std::string file = box.service(
          "svc", "command = [\"/bin/sleep\", \"1000\"]\n" + box.mark_line() +
                     "[ready]\ncommand = [\"/bin/sh\", \"-c\", \"env " + probe_mark + " sleep 1000 & " + ending +
                     "\"]\ntimeout = \"500ms\"\n");
      Run r = box.run({"start", file});
      INFO(r.err);
      CHECK(r.code == (std::string(ending) == "exit 0" ? 0 : 1));
      CHECK(pids_with_env(probe_mark).empty());
      if (r.code == 0) CHECK(box.run({"stop", file}).code == 0);
    }
  }
}

TEST_CASE("ready.notify works for a service of another user with a state dir only root can enter") {
  REQUIRE(::access("/usr/bin/systemd-notify", X_OK) == 0);
  Sandbox box;
  REQUIRE(::mkdir(box.state_dir().c_str(), 0700) == 0);
  std::string file = box.service("svc", "command = [\"/bin/sh\", \"-c\", \"systemd-notify --ready; exec sleep 1000\"]\n"
                                        "user = \"nobody\"\n" + box.mark_line() +
                                            "[ready]\nnotify = true\ntimeout = \"10s\"\n");
  Run r = box.run({"start", file});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(box.run({"stop", file}).code == 0);
}

TEST_CASE("ready.notify: each start binds a name of its own, not made from a pid") {
  Sandbox box;
  std::string file = box.service("svc", "command = [\"/bin/sh\", \"-c\", \"echo $NOTIFY_SOCKET > " +
                                            box.path("name") + "; exec sleep 1000\"]\n" + box.mark_line() +
                                            "[ready]\nnotify = true\ntimeout = \"300ms\"\n");
  std::vector<std::string> names;
  for (int i = 0; i < 2; ++i) {
    Run r = box.run({"start", file});
    CHECK(r.code == 1);  // never ready: it does not notify
    std::string name = slurp(box.path("name"));
    if (!name.empty()) name.pop_back();
    INFO(name);
    CHECK(std::regex_match(name, kNotifyName));
    CHECK(name.find(std::to_string(r.pid)) == std::string::npos);
    names.push_back(name);
  }
  CHECK(names[0] != names[1]);
}

TEST_CASE("ready.notify: READY=1 from another user reaches the socket and is ignored, with one warning") {
  Sandbox box;
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\n" + box.mark_line() +
                                            "[ready]\nnotify = true\ntimeout = \"3s\"\n");
  auto start = std::async(std::launch::async, [&] { return daemonctl(box.args({"start", file})); });
  std::string address;
  REQUIRE(wait_until([&] {
    auto pids = pids_with_env(box.mark());
    if (pids.size() == 1) address = environ_of(pids[0])["NOTIFY_SOCKET"];
    return !address.empty();
  }));
  CHECK(std::regex_match(address, kNotifyName));
  for (int i = 0; i < 3; ++i) CHECK(send_as_nobody(address, "READY=1"));
  Run r = start.get();
  CHECK(r.code == 1);
  const std::string warning = "svc: ignoring notify messages from uid 65534\n";
  auto first = r.err.find(warning);
  CHECK(first != std::string::npos);
  CHECK(r.err.find(warning, first + 1) == std::string::npos);
  CHECK(r.err.find("svc: not ready within 3s: no READY=1 on the notify socket\n") != std::string::npos);
  nothing_left(box);
}
