#include "posix/notify_socket.h"

#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

namespace daemonctl::posix {

namespace {

// 128 bits from the kernel's CSPRNG, as 32 lower-case hex digits.
Result<std::string> random_hex() {
  unsigned char bytes[16];
  std::size_t got = 0;
  while (got < sizeof bytes) {
    ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_error("getrandom");
    got += static_cast<std::size_t>(n);
  }
  static const char digits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char b : bytes) {
    hex += digits[b >> 4];
    hex += digits[b & 15];
  }
  return hex;
}

}  // namespace

Result<NotifySocket> NotifySocket::open() {
  UniqueFd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd) return sys_error("cannot create the notify socket");
  int on = 1;
  if (::setsockopt(fd.get(), SOL_SOCKET, SO_PASSCRED, &on, sizeof on) < 0) return sys_error("SO_PASSCRED");
  for (int attempt = 0;; ++attempt) {
    auto hex = random_hex();
    if (!hex) return std::move(hex).error();
    std::string name = "daemonctl/notify/" + *hex;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path + 1, name.data(), name.size());  // sun_path[0] == 0: abstract
    auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), len) == 0) return NotifySocket(std::move(fd), "@" + name);
    // Taken: by chance one in 2^128, so another try; anything else is final.
    if (errno != EADDRINUSE || attempt == 2) return sys_error("cannot bind the notify socket '@" + name + "'");
  }
}

std::optional<NotifySocket::Message> NotifySocket::receive() const {
  char buf[4096];
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred))];
  iovec iov{buf, sizeof buf};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  while ((n = ::recvmsg(fd_.get(), &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {
  }
  if (n < 0) return std::nullopt;
  Message m;
  m.text.assign(buf, static_cast<std::size_t>(n));
  m.uid = static_cast<uid_t>(-1);  // no credentials: trusted by no one
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
      ucred cred;
      std::memcpy(&cred, CMSG_DATA(c), sizeof cred);
      m.pid = cred.pid;
      m.uid = cred.uid;
    } else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      // fds sent along (sd_pid_notify_with_fds): not wanted, never kept.
      auto fds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (std::size_t i = 0; i < fds; ++i) {
        int passed;
        std::memcpy(&passed, CMSG_DATA(c) + i * sizeof(int), sizeof passed);
        ::close(passed);
      }
    }
  }
  return m;
}

std::optional<std::string> notify_field(const std::string& text, const std::string& key) {
  std::size_t at = 0;
  while (at <= text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + at, end - at);
    if (line.size() > key.size() && line.starts_with(key) && line[key.size()] == '=') {
      return std::string(line.substr(key.size() + 1));
    }
    at = end + 1;
  }
  return std::nullopt;
}

}  // namespace daemonctl::posix
