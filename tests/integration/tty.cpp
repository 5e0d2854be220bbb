#include "tty.h"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <stdexcept>

#include "posix/pidfd.h"

namespace harness {
namespace {

struct Channel {
  int read = -1, write = -1;
};

// A raw pseudo-terminal (read: its master, write: its slave) or a pipe.
Channel channel(bool tty) {
  Channel c;
  if (!tty) {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) < 0) throw std::runtime_error("pipe");
    return {p[0], p[1]};
  }
  if (::openpty(&c.read, &c.write, nullptr, nullptr, nullptr) < 0) throw std::runtime_error("openpty");
  struct termios t {};
  ::tcgetattr(c.write, &t);
  ::cfmakeraw(&t);
  ::tcsetattr(c.write, TCSANOW, &t);
  ::fcntl(c.read, F_SETFD, FD_CLOEXEC);
  ::fcntl(c.write, F_SETFD, FD_CLOEXEC);
  return c;
}

// Appends what `fd` holds now to `sink`; false at its end (EOF, or EIO for
// a terminal nobody holds open).
bool drain(int fd, std::string& sink) {
  for (;;) {
    char buf[4096];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      sink.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    return n < 0 && (errno == EAGAIN || errno == EINTR);
  }
}

}  // namespace

Run daemonctl_on_tty(const std::vector<std::string>& args, Ttys ttys, const RunOptions& opt) {
  Channel out = channel(ttys.out), err = channel(ttys.err);
  Run run;
  run.pid = ::fork();
  if (run.pid == 0) {
    ::dup2(out.write, 1);
    ::dup2(err.write, 2);
    ::close(0);
    ::open("/dev/null", O_RDONLY);
    ::unsetenv("NO_COLOR");
    ::setenv("TERM", "xterm", 1);
    for (const auto& e : opt.env_extra) ::putenv(const_cast<char*>(e.c_str()));
    exec_daemonctl(args);
  }
  auto proc = daemonctl::posix::Pidfd::open(run.pid);
  if (!proc) throw std::runtime_error("pidfd_open");
  // Our copies of the terminals stay open until the end, so that what
  // daemonctl wrote is still there to read after it exits (a terminal's
  // master reads EIO, not the rest, once no one holds its slave).
  if (!ttys.out) ::close(out.write);
  if (!ttys.err) ::close(err.write);
  ::fcntl(out.read, F_SETFL, O_NONBLOCK);
  ::fcntl(err.read, F_SETFL, O_NONBLOCK);
  auto deadline = std::chrono::steady_clock::now() + opt.timeout;
  struct pollfd fds[3] = {{out.read, POLLIN, 0}, {err.read, POLLIN, 0}, {proc->fd(), POLLIN, 0}};
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ::kill(run.pid, SIGKILL);
      break;
    }
    if (::poll(fds, 3, static_cast<int>(left.count())) < 0 && errno != EINTR) break;
    if (fds[0].fd >= 0 && !drain(fds[0].fd, run.out)) fds[0].fd = -1;
    if (fds[1].fd >= 0 && !drain(fds[1].fd, run.err)) fds[1].fd = -1;
    if (fds[2].revents & POLLIN) break;  // exited
  }
  drain(out.read, run.out);
  drain(err.read, run.err);
  for (int fd : {out.read, err.read, ttys.out ? out.write : -1, ttys.err ? err.write : -1}) {
    if (fd >= 0) ::close(fd);
  }
  int status = 0;
  while (::waitpid(run.pid, &status, 0) < 0 && errno == EINTR) {
  }
  run.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return run;
}

}  // namespace harness
