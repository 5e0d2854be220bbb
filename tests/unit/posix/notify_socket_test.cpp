#include "posix/notify_socket.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include <catch2/catch.hpp>

#include "temp_dir.h"

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
  testing::TempDir dir;
  auto sock = NotifySocket::bind(dir / "svc.notify", ::geteuid(), ::getegid());
  REQUIRE(sock);
  CHECK(sock->address() == dir / "svc.notify");
  CHECK_FALSE(sock->receive());  // nothing yet, and no wait
  REQUIRE(send_to(sock->address(), "STATUS=warming up\nREADY=1"));
  auto m = sock->receive();
  REQUIRE(m);
  CHECK(m->text == "STATUS=warming up\nREADY=1");
  CHECK(m->pid == ::getpid());
  CHECK(m->uid == ::geteuid());
}

TEST_CASE("NotifySocket: the socket file is 0600, replaces a stale one, and is removed with the socket", "[posix][notify]") {
  testing::TempDir dir;
  testing::write_text(dir / "svc.notify", "left by a start that died");
  {
    auto sock = NotifySocket::bind(dir / "svc.notify", ::geteuid(), ::getegid());
    REQUIRE(sock);
    struct stat st;
    REQUIRE(::lstat((dir / "svc.notify").c_str(), &st) == 0);
    CHECK(S_ISSOCK(st.st_mode));
    CHECK((st.st_mode & 07777) == 0600);
  }
  CHECK_FALSE(testing::exists(dir / "svc.notify"));
}

TEST_CASE("NotifySocket: a path too long for a socket address becomes an abstract name", "[posix][notify]") {
  testing::TempDir dir;
  auto sock = NotifySocket::bind(dir / (std::string(120, 'n') + ".notify"), ::geteuid(), ::getegid());
  REQUIRE(sock);
  CHECK(sock->address().starts_with("@daemonctl/"));
  REQUIRE(send_to(sock->address(), "READY=1"));
  auto m = sock->receive();
  REQUIRE(m);
  CHECK(m->text == "READY=1");
}

TEST_CASE("notify_field: the value of one KEY=VALUE line", "[posix][notify]") {
  CHECK(notify_field("READY=1", "READY") == "1");
  CHECK(notify_field("STATUS=a=b\nREADY=1\n", "STATUS") == "a=b");
  CHECK(notify_field("STATUS=x\nERRNO=5", "ERRNO") == "5");
  CHECK_FALSE(notify_field("NOTREADY=1", "READY"));
  CHECK_FALSE(notify_field("READY", "READY"));
  CHECK_FALSE(notify_field("", "READY"));
}
