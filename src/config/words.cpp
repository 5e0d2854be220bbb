#include "config/words.h"

#include <optional>

namespace daemonctl::config {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

/// Appends the body of a double-quoted string starting at `i` (just past the
/// opening quote) to `word`; returns the index of the closing quote, nullopt
/// if there is none.
std::optional<std::size_t> read_double_quoted(std::string_view line, std::size_t i, std::string& word) {
  for (; i < line.size(); ++i) {
    char c = line[i];
    if (c == '"') return i;
    if (c == '\\' && i + 1 < line.size()) {
      char next = line[i + 1];
      if (next == '\n') {
        ++i;  // line continuation: both characters vanish
        continue;
      }
      if (next == '"' || next == '\\' || next == '$' || next == '`') {
        word += next;
        ++i;
        continue;
      }
    }
    word += c;  // any other backslash stays, as in the shell
  }
  return std::nullopt;
}

}  // namespace

std::variant<std::vector<std::string>, std::string> split_words(std::string_view line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;  // distinguishes `""` (one empty word) from nothing
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (is_blank(c)) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    if (c == '\\') {
      if (i + 1 == line.size()) return std::string("trailing backslash");
      ++i;
      if (line[i] == '\n') continue;  // line continuation, not part of any word
      word += line[i];
      in_word = true;
      continue;
    }
    in_word = true;
    if (c == '\'') {
      std::size_t end = line.find('\'', i + 1);
      if (end == std::string_view::npos) return std::string("unterminated single quote");
      word.append(line.substr(i + 1, end - i - 1));
      i = end;
    } else if (c == '"') {
      auto end = read_double_quoted(line, i + 1, word);
      if (!end) return std::string("unterminated double quote");
      i = *end;
    } else {
      word += c;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

}  // namespace daemonctl::config
