// Tiny clients for the real servers, each speaking its server's own protocol
// over loopback TCP: redis (RESP), memcached (text protocol), HTTP/1.0. And
// one for a program's output, for redis-cli.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace real {

/// Connects to 127.0.0.1:`port`, sends `request`, and reads until
/// `complete(reply so far)` holds, the server closes, or 2 s pass. nullopt
/// if the connection was refused or the request could not be sent.
std::optional<std::string> exchange(int port, const std::string& request,
                                    const std::function<bool(const std::string&)>& complete);

/// One redis command, sent in RESP. The reply's value: a simple string
/// ("OK", "PONG") or bulk string as is, an integer as digits, "(nil)" for a
/// missing key, an error with its '-' ("-ERR ..."); "" if no whole reply came.
std::string redis(int port, const std::vector<std::string>& command);

/// memcached's `set KEY 0 0 LEN`: the reply line ("STORED"), "" if none.
std::string memcached_set(int port, const std::string& key, const std::string& value);
/// memcached's `get KEY`: the value, nullopt for a miss or no answer.
std::optional<std::string> memcached_get(int port, const std::string& key);

struct HttpReply {
  int status = 0;  ///< 0: no answer
  std::string body;
};
/// `GET path HTTP/1.0` to 127.0.0.1:`port`, read to the server's close.
HttpReply http_get(int port, const std::string& path);

/// Runs `argv` (argv[0] a path) and returns its stdout; its stderr is
/// discarded. "" if it could not run. Waits for it to exit.
std::string output_of(const std::vector<std::string>& argv);

}  // namespace real
