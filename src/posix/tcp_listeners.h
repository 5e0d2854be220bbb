// Who listens on a TCP port: the sockets in state LISTEN of /proc/PID/net/tcp
// and tcp6 (the tables of PID's network namespace), and whether one of them
// is held open by a given process or its process group.
#pragma once

#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace daemonctl::posix {

/// The inodes of the sockets in state LISTEN in `table` (the text of
/// /proc/net/tcp, or of /proc/net/tcp6 when `v6_table`) that accept a
/// connection to `host` (an IPv4 or IPv6 literal) port `port`: bound to that
/// address or to a wildcard that serves it (0.0.0.0 for IPv4; :: for IPv6,
/// and for IPv4 too, as Linux serves both on :: unless IPV6_V6ONLY). An
/// unparsable host or line matches nothing.
std::vector<ino_t> parse_listeners(const std::string& table, bool v6_table, const std::string& host, int port);

/// The inodes of the sockets `pid` holds open ("socket:[N]" in
/// /proc/PID/fd); empty if it cannot be read.
std::vector<ino_t> socket_inodes(pid_t pid);

/// The inodes of the sockets listening on `host`:`port` in the network
/// namespace of `pid` (parse_listeners of /proc/PID/net/tcp and tcp6);
/// nullopt if its tables cannot be read (gone, or a zombie: its namespace
/// went with it).
std::optional<std::vector<ino_t>> tcp_listeners(pid_t pid, const std::string& host, int port);

/// Who listens on `host`:`port` in the network namespace of `pid`; once
/// `pid` has exited (a zombie), in ours: the same unless it made its own.
enum class Listener {
  none,     ///< no socket listens there
  foreign,  ///< only sockets that neither `pid` nor its process group hold
  owned,    ///< a socket held by `pid` or a live process of its process group
};
Listener tcp_listener_of(pid_t pid, const std::string& host, int port);

}  // namespace daemonctl::posix
