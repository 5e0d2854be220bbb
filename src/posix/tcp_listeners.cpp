#include "posix/tcp_listeners.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <string_view>

#include "posix/proc.h"
#include "posix/unique_fd.h"

namespace daemonctl::posix {
namespace {

constexpr std::string_view kListen = "0A";  // TCP_LISTEN in the st column

// `host` as an IPv6 address, an IPv4 one mapped (::ffff:a.b.c.d).
bool to_in6(const std::string& host, in6_addr& out) {
  if (host.find(':') != std::string::npos) return ::inet_pton(AF_INET6, host.c_str(), &out) == 1;
  in_addr v4;
  if (::inet_pton(AF_INET, host.c_str(), &v4) != 1) return false;
  out = in6_addr{};
  out.s6_addr[10] = out.s6_addr[11] = 0xff;
  std::memcpy(&out.s6_addr[12], &v4, 4);
  return true;
}

template <class T>
bool hex_number(std::string_view s, T& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out, 16);
  return ec == std::errc() && end == s.data() + s.size();
}

// "0100007F:1F90" (tcp) or 32 hex digits ":1F90" (tcp6): the kernel prints
// each 32-bit word of the address as it lies in memory, in host order.
bool parse_local(std::string_view text, bool v6, in6_addr& addr, int& port) {
  auto colon = text.find(':');
  std::size_t words = v6 ? 4 : 1;
  if (colon != words * 8 || !hex_number(text.substr(colon + 1), port)) return false;
  std::uint32_t word[4];
  for (std::size_t i = 0; i < words; ++i) {
    if (!hex_number(text.substr(i * 8, 8), word[i])) return false;
  }
  addr = in6_addr{};
  if (!v6) {
    addr.s6_addr[10] = addr.s6_addr[11] = 0xff;
    std::memcpy(&addr.s6_addr[12], word, 4);
  } else {
    std::memcpy(&addr, word, 16);
  }
  return true;
}

// Does a socket bound to `bound` accept connections to `wanted`?
bool serves(const in6_addr& bound, const in6_addr& wanted) {
  static const in6_addr any6 = IN6ADDR_ANY_INIT;
  in6_addr any4{};  // 0.0.0.0, mapped
  any4.s6_addr[10] = any4.s6_addr[11] = 0xff;
  auto same = [](const in6_addr& a, const in6_addr& b) { return std::memcmp(&a, &b, sizeof a) == 0; };
  if (same(bound, wanted) || same(bound, any6)) return true;
  return IN6_IS_ADDR_V4MAPPED(&wanted) && same(bound, any4);
}

std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  while (!line.empty()) {
    auto start = line.find_first_not_of(' ');
    if (start == std::string_view::npos) break;
    line.remove_prefix(start);
    auto end = line.find(' ');
    out.push_back(line.substr(0, end));
    if (end == std::string_view::npos) break;
    line.remove_prefix(end);
  }
  return out;
}

// Calls `line` on every line of `path`, read in chunks: a busy host's table
// has a line per connection.
template <class Line>
bool for_each_line(const std::string& path, Line line) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return false;
  std::string pending;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending.append(buf, static_cast<std::size_t>(n));
    std::size_t at = 0;
    for (std::size_t end; (end = pending.find('\n', at)) != std::string::npos; at = end + 1) {
      line(std::string_view(pending).substr(at, end - at));
    }
    pending.erase(0, at);
  }
  if (!pending.empty()) line(std::string_view(pending));
  return true;
}

// nullopt if `path` cannot be read.
std::optional<std::vector<ino_t>> listeners_in(const std::string& path, bool v6_table, const std::string& host,
                                               int port) {
  std::vector<ino_t> found;
  bool read = for_each_line(path, [&](std::string_view line) {
    auto more = parse_listeners(std::string(line), v6_table, host, port);
    found.insert(found.end(), more.begin(), more.end());
  });
  if (!read) return std::nullopt;
  return found;
}

}  // namespace

std::vector<ino_t> parse_listeners(const std::string& table, bool v6_table, const std::string& host, int port) {
  std::vector<ino_t> found;
  in6_addr wanted;
  if (!to_in6(host, wanted)) return found;
  std::string_view rest(table);
  while (!rest.empty()) {
    auto end = rest.find('\n');
    // "sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ..."
    auto f = fields(rest.substr(0, end));
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    in6_addr bound;
    int bound_port = 0;
    ino_t inode = 0;
    if (f.size() < 10 || f[3] != kListen || !parse_local(f[1], v6_table, bound, bound_port)) continue;
    if (bound_port != port || !serves(bound, wanted)) continue;
    auto [end_of, ec] = std::from_chars(f[9].data(), f[9].data() + f[9].size(), inode);
    if (ec == std::errc() && end_of == f[9].data() + f[9].size() && inode != 0) found.push_back(inode);
  }
  return found;
}

std::vector<ino_t> socket_inodes(pid_t pid) {
  std::vector<ino_t> found;
  std::string dir = "/proc/" + std::to_string(pid) + "/fd";
  DIR* d = ::opendir(dir.c_str());
  if (!d) return found;
  while (struct dirent* e = ::readdir(d)) {
    char target[64];
    std::string link = dir + "/" + e->d_name;
    ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
    if (n <= 0) continue;
    target[n] = '\0';
    unsigned long long inode = 0;
    if (std::sscanf(target, "socket:[%llu]", &inode) == 1) found.push_back(static_cast<ino_t>(inode));
  }
  ::closedir(d);
  return found;
}

std::optional<std::vector<ino_t>> tcp_listeners(pid_t pid, const std::string& host, int port) {
  // The process's own view of the tables: its network namespace, not ours.
  std::string net = "/proc/" + std::to_string(pid) + "/net/";
  auto listening = listeners_in(net + "tcp", false, host, port);
  if (!listening) return std::nullopt;
  // No tcp6 table: IPv6 is disabled.
  auto v6 = listeners_in(net + "tcp6", true, host, port).value_or(std::vector<ino_t>{});
  listening->insert(listening->end(), v6.begin(), v6.end());
  return listening;
}

Listener tcp_listener_of(pid_t pid, const std::string& host, int port) {
  auto listening = tcp_listeners(pid, host, port);
  if (!listening) listening = tcp_listeners(::getpid(), host, port);
  if (!listening || listening->empty()) return Listener::none;
  std::vector<pid_t> holders{pid};
  if (auto st = read_stat(pid)) {
    auto group = group_members(st->pgrp, st->session);
    holders.insert(holders.end(), group.begin(), group.end());
  }
  for (pid_t holder : holders) {
    for (ino_t inode : socket_inodes(holder)) {
      if (std::find(listening->begin(), listening->end(), inode) != listening->end()) return Listener::owned;
    }
  }
  return Listener::foreign;
}

}  // namespace daemonctl::posix
