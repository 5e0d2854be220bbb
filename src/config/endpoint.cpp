#include "config/endpoint.h"

#include <arpa/inet.h>

#include <charconv>

namespace daemonctl::config {

std::string Endpoint::to_string() const {
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::optional<Endpoint> parse_endpoint(std::string_view text, std::string* why) {
  std::size_t colon = text.rfind(':');
  if (colon == text.npos) {
    *why = "expected HOST:PORT, like \"127.0.0.1:6379\" or \"[::1]:6379\"";
    return std::nullopt;
  }
  Endpoint e;
  std::string_view host = text.substr(0, colon), port = text.substr(colon + 1);
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), e.port);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || e.port < 1 || e.port > 65535) {
    *why = "the port must be a number from 1 to 65535";
    return std::nullopt;
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
    e.ipv6 = true;
  }
  if (!e.ipv6 && host == "localhost") host = "127.0.0.1";
  e.host = std::string(host);
  unsigned char addr[16];
  if (inet_pton(e.ipv6 ? AF_INET6 : AF_INET, e.host.c_str(), addr) != 1) {
    *why = e.ipv6 ? "'" + e.host + "' is not an IPv6 address"
                  : "'" + e.host + "' is not an IPv4 address (write IPv6 in brackets; names are not looked up)";
    return std::nullopt;
  }
  return e;
}

}  // namespace daemonctl::config
