// "127.0.0.1:6379", "[::1]:8080", "localhost:80": where a TCP readiness
// check connects. Only literal addresses and "localhost": no name lookup.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace daemonctl::config {

struct Endpoint {
  std::string host;  ///< an IPv4 or IPv6 literal (no brackets)
  int port = 0;      ///< 1..65535
  bool ipv6 = false;

  /// As written back: "127.0.0.1:6379", "[::1]:8080".
  std::string to_string() const;
};

/// nullopt with `why` ("the port must be from 1 to 65535"...) if not one.
/// "localhost" is 127.0.0.1.
std::optional<Endpoint> parse_endpoint(std::string_view text, std::string* why);

}  // namespace daemonctl::config
