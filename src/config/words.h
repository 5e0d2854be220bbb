#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace daemonctl::config {

/// Splits a command line into words the way a POSIX shell does, without any
/// expansion: blanks (space, tab, newline) separate words; 'single quotes'
/// keep everything; "double quotes" keep everything but \" \\ \$ \` and
/// backslash-newline; a backslash outside quotes escapes the next character.
/// Operators (; | > &) and # are ordinary characters. `""` is one empty word.
/// Returns the words, or an error message: "unterminated single quote",
/// "unterminated double quote" or "trailing backslash".
std::variant<std::vector<std::string>, std::string> split_words(std::string_view line);

}  // namespace daemonctl::config
