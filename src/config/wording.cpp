#include "config/wording.h"

#include <charconv>

#include "common/escape.h"

namespace daemonctl::config {

std::string shorten(std::string_view text) { return text::escape(text, kMaxShown); }

std::string quote(std::string_view text) { return "'" + shorten(text) + "'"; }

std::string number_text(double value) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  return ec == std::errc() ? std::string(buf, end) : std::string("?");
}

}  // namespace daemonctl::config
