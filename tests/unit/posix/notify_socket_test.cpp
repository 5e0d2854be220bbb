#include "posix/notify_socket.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include <catch2/catch.hpp>

using namespace daemonctl;
using namespace daemonctl::posix;

namespace {

/// Sends `text` to NOTIFY_SOCKET address `address`, as sd_notify does.
bool send_to(const std::string& address, const std::string& text) {
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, address.data(), address.size());
  if (address[0] == '@') addr.sun_path[0] = '\0';
  auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address.size() + (address[0] == '@' ? 0 : 1));
  bool sent = ::sendto(fd, text.data(), text.size(), 0, reinterpret_cast<sockaddr*>(&addr), len) ==
              static_cast<ssize_t>(text.size());
  ::close(fd);
  return sent;
}

}  // namespace

TEST_CASE("NotifySocket: a message arrives with the sender's pid and uid", "[posix][notify]") {
  auto sock = NotifySocket::open();
  REQUIRE(sock);
  CHECK_FALSE(sock->receive());  // nothing yet, and no wait
  REQUIRE(send_to(sock->address(), "STATUS=warming up\nREADY=1"));
  auto m = sock->receive();
  REQUIRE(m);
  CHECK(m->text == "STATUS=warming up\nREADY=1");
  CHECK(m->pid == ::getpid());
  CHECK(m->uid == ::geteuid());
}

TEST_CASE("NotifySocket: an abstract name with 128 random bits, another for each socket", "[posix][notify]") {
  auto a = NotifySocket::open();
  auto b = NotifySocket::open();
  REQUIRE(a);
  REQUIRE(b);
  const std::string prefix = "@daemonctl/notify/";
  CHECK(a->address().starts_with(prefix));
  CHECK(a->address().size() == prefix.size() + 32);
  CHECK(a->address().find_first_not_of("0123456789abcdef", prefix.size()) == std::string::npos);
  CHECK(a->address().find(std::to_string(::getpid())) == std::string::npos);
  CHECK(a->address() != b->address());
}

TEST_CASE("NotifySocket: the name is free again once the socket is closed", "[posix][notify]") {
  std::string address;
  {
    auto sock = NotifySocket::open();
    REQUIRE(sock);
    address = sock->address();
  }
  CHECK_FALSE(send_to(address, "READY=1"));  // ECONNREFUSED: no one is bound there
}

TEST_CASE("notify_field: the value of one KEY=VALUE line", "[posix][notify]") {
  CHECK(notify_field("READY=1", "READY") == "1");
  CHECK(notify_field("STATUS=a=b\nREADY=1\n", "STATUS") == "a=b");
  CHECK(notify_field("STATUS=x\nERRNO=5", "ERRNO") == "5");
  CHECK_FALSE(notify_field("NOTREADY=1", "READY"));
  CHECK_FALSE(notify_field("READY", "READY"));
  CHECK_FALSE(notify_field("", "READY"));
}
