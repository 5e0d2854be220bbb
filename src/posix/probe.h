// One-shot probes of a service from outside: does a TCP port accept, does a
// command succeed. Used to tell when a daemon is ready.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/result.h"
#include "posix/pidfd.h"

namespace daemonctl::posix {

/// True if a TCP connect to `host` (an IPv4 or IPv6 literal) port `port`
/// succeeds within `wait`. The connection is closed at once.
bool tcp_accepts(const std::string& host, int port, bool ipv6, std::chrono::milliseconds wait);

/// How a probe command ended: its exit, or still running at the deadline (and killed).
struct ProbeResult {
  bool timed_out = false;
  ExitInfo exit;
};

/// Runs `executable` with `argv` and environment `env` in `directory`, its
/// stdio on /dev/null, and waits at most `timeout` for it (then SIGKILLs and
/// reaps it). Errors: it could not be started.
Result<ProbeResult> run_probe(const std::string& executable, const std::vector<std::string>& argv,
                              const std::vector<std::string>& env, const std::string& directory,
                              std::chrono::nanoseconds timeout);

}  // namespace daemonctl::posix
