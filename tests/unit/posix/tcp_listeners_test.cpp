#include "posix/tcp_listeners.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "posix/unique_fd.h"

using namespace daemonctl::posix;

namespace {

const std::string kHeader =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

/// One line of /proc/net/tcp or tcp6.
std::string line(const std::string& local, const std::string& state, const std::string& inode) {
  return "   0: " + local + " 00000000:0000 " + state + " 00000000:00000000 00:00000000 00000000     0        0 " +
         inode + " 1 0000000000000000 100 0 0 10 0\n";
}

const std::string kAny6 = "00000000000000000000000000000000";
const std::string kLoop6 = "00000000000000000000000001000000";  // ::1, word by word in host order
const std::string kMapped = "0000000000000000FFFF00000100007F";  // ::ffff:127.0.0.1

}  // namespace

TEST_CASE("parse_listeners: a LISTEN socket on the address and port", "[posix][tcp]") {
  std::string table = kHeader + line("0100007F:1F90", "0A", "111") + line("0100007F:1F91", "0A", "222") +
                      line("0100007F:1F90", "01", "333") + line("0200007F:1F90", "0A", "444");
  CHECK(parse_listeners(table, false, "127.0.0.1", 8080) == std::vector<ino_t>{111});
  CHECK(parse_listeners(table, false, "127.0.0.1", 8081) == std::vector<ino_t>{222});
  CHECK(parse_listeners(table, false, "127.0.0.2", 8080) == std::vector<ino_t>{444});
  CHECK(parse_listeners(table, false, "127.0.0.1", 8082).empty());
}

TEST_CASE("parse_listeners: a wildcard serves its family, and :: serves IPv4 too", "[posix][tcp]") {
  std::string v4 = kHeader + line("00000000:1F90", "0A", "5");
  CHECK(parse_listeners(v4, false, "127.0.0.1", 8080) == std::vector<ino_t>{5});
  CHECK(parse_listeners(v4, false, "::1", 8080).empty());
  std::string v6 = kHeader + line(kAny6 + ":1F90", "0A", "6") + line(kLoop6 + ":1F91", "0A", "7") +
                   line(kMapped + ":1F92", "0A", "8");
  CHECK(parse_listeners(v6, true, "::1", 8080) == std::vector<ino_t>{6});
  CHECK(parse_listeners(v6, true, "127.0.0.1", 8080) == std::vector<ino_t>{6});
  CHECK(parse_listeners(v6, true, "::1", 8081) == std::vector<ino_t>{7});
  CHECK(parse_listeners(v6, true, "127.0.0.1", 8081).empty());
  CHECK(parse_listeners(v6, true, "127.0.0.1", 8082) == std::vector<ino_t>{8});
}

TEST_CASE("parse_listeners: bad hosts and lines match nothing", "[posix][tcp]") {
  std::string table = kHeader + line("0100007F:1F90", "0A", "x1") + "   1: garbage\n" + line("0100007F:zz", "0A", "9");
  CHECK(parse_listeners(table, false, "127.0.0.1", 8080).empty());
  CHECK(parse_listeners(kHeader + line("0100007F:1F90", "0A", "3"), false, "localhost", 8080).empty());
}

TEST_CASE("tcp_listener_of: our own listener, then someone else's", "[posix][tcp]") {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  REQUIRE(fd);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  REQUIRE(::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  int port = ntohs(addr.sin_port);
  CHECK(tcp_listener_of(::getpid(), "127.0.0.1", port) == Listener::none);  // bound, not listening
  REQUIRE(::listen(fd.get(), 1) == 0);
  CHECK(tcp_listener_of(::getpid(), "127.0.0.1", port) == Listener::owned);
  // PID 1 is in another process group and holds none of our sockets.
  CHECK(tcp_listener_of(1, "127.0.0.1", port) == Listener::foreign);
}
