// Readers of single values: each checks a value's type and range, reports
// what is wrong where it is written, and returns nullopt if anything is.
// `key` names the value in messages ("stop.timeout").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <sys/types.h>

#include "config/endpoint.h"
#include "config/read_context.h"
#include "config/service_spec.h"

namespace daemonctl::config {

/// A string without NUL characters.
std::optional<std::string> read_string(ReadContext& c, const Value& v, const std::string& key);

std::optional<bool> read_bool(ReadContext& c, const Value& v, const std::string& key);

/// An integer from `low` to `high`.
std::optional<int> read_int_in(ReadContext& c, const Value& v, const std::string& key, int low, int high);

/// read_int_in from `Low` to `High`, as a reader of its own.
template <int Low, int High>
std::optional<int> read_int(ReadContext& c, const Value& v, const std::string& key) {
  return read_int_in(c, v, key, Low, High);
}

/// A non-empty path, made absolute against the file's folder.
std::optional<std::string> read_path(ReadContext& c, const Value& v, const std::string& key);

/// A number of seconds, or a string like "1.5s" (duration.h).
std::optional<Duration> read_duration(ReadContext& c, const Value& v, const std::string& key);

/// A duration greater than 0.
std::optional<Duration> read_positive_duration(ReadContext& c, const Value& v, const std::string& key);

/// A signal by name ("TERM", "SIGTERM") or number, as a string or an integer.
std::optional<int> read_signal(ReadContext& c, const Value& v, const std::string& key);

/// An integer from 0 to 0777, or a string of octal digits ("022", "0o022").
std::optional<mode_t> read_umask(ReadContext& c, const Value& v, const std::string& key);

/// A file mode, as read_umask reads a umask (0o755, "0755").
std::optional<mode_t> read_mode(ReadContext& c, const Value& v, const std::string& key);

/// "10MiB", "512KiB", "1GB", "4096": a size in bytes, at least 1.
std::optional<std::uint64_t> read_size(ReadContext& c, const Value& v, const std::string& key);

/// "host:port" (endpoint.h).
std::optional<Endpoint> read_endpoint(ReadContext& c, const Value& v, const std::string& key);

/// "simple" or "forking".
std::optional<ServiceType> read_type(ReadContext& c, const Value& v, const std::string& key);

/// "no", "on-failure" or "always".
std::optional<RestartPolicy> read_policy(ReadContext& c, const Value& v, const std::string& key);

}  // namespace daemonctl::config
