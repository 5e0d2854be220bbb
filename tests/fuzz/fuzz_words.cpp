// libFuzzer target: any bytes as a command line. split_words must not crash,
// leak or hit UB; it fails only with the three messages words.h names, and
// the words it returns, single-quoted and joined, split back to themselves.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/words.h"

namespace {

using Words = std::vector<std::string>;

void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_words: contract broken: %s\n", what);
  std::abort();
}

/// `word` as one shell word: 'it'\''s'.
std::string single_quoted(const std::string& word) {
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);
  auto split = daemonctl::config::split_words(line);
  if (auto* why = std::get_if<std::string>(&split)) {
    require(*why == "unterminated single quote" || *why == "unterminated double quote" || *why == "trailing backslash",
            "the error is one of the documented messages");
    return 0;
  }
  const Words& words = std::get<Words>(split);
  std::string joined;
  for (const auto& w : words) joined += (joined.empty() ? "" : " ") + single_quoted(w);
  auto again = daemonctl::config::split_words(joined);
  require(std::holds_alternative<Words>(again), "quoted words split again");
  require(std::get<Words>(again) == words, "quoted words split back to themselves");
  return 0;
}
