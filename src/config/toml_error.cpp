#include "config/toml_error.h"

#include <algorithm>
#include <cctype>

#include "config/wording.h"

namespace daemonctl::config {
namespace {

/// toml11's `value ("key") already exists` and the like, with the key
/// escaped and shortened: it may be long or hold a newline.
std::string shorten_key_in(std::string_view what) {
  std::size_t open = what.substr(0, what.find('\n')).find("(\"");
  std::size_t close = open == what.npos ? what.npos : what.find("\") ", open + 2);
  if (close == what.npos) return std::string(what);
  return std::string(what.substr(0, open + 2)) + shorten(what.substr(open + 2, close - open - 2)) +
         std::string(what.substr(close));
}

/// The column toml11 underlines on line `line` of its message, 0 if none.
/// Its exceptions often locate only the line (column 1); the picture is exact:
///  2 | command =
///    |           ^--- expected value, but got nothing
unsigned underlined_column(std::string_view what, unsigned line) {
  const std::string numbered = std::to_string(line) + " | ";
  bool source_seen = false;
  while (!what.empty()) {
    std::string_view text = what.substr(0, what.find('\n'));
    what.remove_prefix(std::min(what.size(), text.size() + 1));
    std::size_t indent = text.find_first_not_of(' ');
    if (indent == std::string_view::npos) continue;
    text.remove_prefix(indent);
    if (!source_seen) {
      source_seen = text.starts_with(numbered);
      continue;
    }
    if (!text.starts_with("| ")) return 0;
    text.remove_prefix(2);
    std::size_t mark = text.find_first_not_of(' ');
    if (mark == std::string_view::npos || (text[mark] != '^' && text[mark] != '~')) return 0;
    return static_cast<unsigned>(mark + 1);
  }
  return 0;
}

}  // namespace

std::string toml_message(std::string_view full) {
  const std::string shortened = shorten_key_in(full);
  std::string_view what = shortened;
  what = what.substr(0, what.find('\n'));
  if (what.starts_with("[error] ")) what.remove_prefix(8);
  // toml11 names the function that failed ("toml::parse_table: ",
  // sometimes "parse_ml_basic_string: "); users cannot act on that.
  std::size_t colon = what.find(": ");
  if (colon != std::string_view::npos) {
    std::string_view head = what.substr(0, colon);
    bool identifier = std::all_of(head.begin(), head.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':';
    });
    if (identifier && (head.find('_') != head.npos || head.find("::") != head.npos)) what.remove_prefix(colon + 2);
  }
  while (what.ends_with('.') || what.ends_with(' ')) what.remove_suffix(1);
  return what.empty() ? std::string("invalid TOML") : std::string(what);
}

Diagnostic toml_diagnostic(const std::string& path, const toml::exception& e) {
  unsigned line = e.location().line();
  unsigned column = underlined_column(e.what(), line);
  return {path, line, column != 0 ? column : e.location().column(), toml_message(e.what())};
}

}  // namespace daemonctl::config
