#include "config/read_names.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "config/read_value.h"
#include "config/wording.h"

namespace daemonctl::config {
namespace {

// Names become file names like "<name>.record.tmp", which NAME_MAX (255) bounds.
constexpr std::size_t kMaxNameLength = 128;

// uid_t and gid_t are 32 bits; (uid_t)-1 is "no change" to setresuid and friends.
constexpr std::int64_t kMaxId = 4294967294;
constexpr std::size_t kMaxAccountName = 64;

bool valid_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '@' || ch == '-';
  });
}

bool all_digits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

/// Letters, digits, '.', '_', '-', and a '$' at the end (Samba machine accounts).
bool account_characters(std::string_view name) {
  if (name.ends_with('$') && name.size() > 1) name.remove_suffix(1);
  return std::all_of(name.begin(), name.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '-';
  });
}

/// Why the non-empty `text` of 'user' or 'group' is not a plausible name or
/// id, as the end of a message; empty if it is.
std::string account_problem(std::string_view text, const std::string& key) {
  const std::string kind = "invalid " + key;
  if (all_digits(text)) {
    std::string_view digits = text.substr(std::min(text.find_first_not_of('0'), text.size() - 1));
    if (digits.size() <= 10 && std::stoll(std::string(digits)) <= kMaxId) return "";
    return kind + " id " + quote(text) + ": must be between 0 and " + std::to_string(kMaxId);
  }
  const std::string name = kind + " name " + quote(text) + ": ";
  if (!account_characters(text)) return name + "use only letters, digits, . _ - and a final $";
  if (text.front() == '-') return name + "must not start with '-'";
  if (text.size() > kMaxAccountName) return name + "longer than " + std::to_string(kMaxAccountName) + " characters";
  return "";
}

}  // namespace

std::string name_problem(std::string_view name) {
  if (!valid_name(name)) return "use only letters, digits and . _ @ -";
  if (name.size() > kMaxNameLength) return "longer than " + std::to_string(kMaxNameLength) + " characters";
  return "";
}

std::optional<std::string> read_name(ReadContext& c, const Value& v, const std::string& key) {
  auto name = read_string(c, v, key);
  if (!name) return std::nullopt;
  if (std::string problem = name_problem(*name); !problem.empty()) {
    c.error(v, "invalid name " + quote(*name) + ": " + problem);
    return std::nullopt;
  }
  return name;
}

std::optional<std::vector<std::string>> read_after(ReadContext& c, const Value& v, const std::string& key) {
  if (!v.is_array()) {
    c.error(v, quote(key) + " must be an array of service names, like [\"db\", \"cache\"]");
    return std::nullopt;
  }
  std::vector<std::string> names;
  bool ok = true;
  for (const auto& item : v.as_array()) {
    auto name = read_name(c, item, key);
    if (!name) {
      ok = false;
    } else if (std::find(names.begin(), names.end(), *name) != names.end()) {
      c.error(item, quote(key) + " names " + quote(*name) + " twice");
      ok = false;
    } else {
      names.push_back(std::move(*name));
    }
  }
  return ok ? std::optional(std::move(names)) : std::nullopt;
}

std::optional<std::string> read_folder_name(ReadContext& c, const Value& v, const std::string& key) {
  auto name = read_string(c, v, key);
  if (!name) return std::nullopt;
  std::string problem;
  if (name->empty()) problem = "must not be empty";
  else if (name->find('/') != std::string::npos) problem = "a folder name only, without '/'";
  else if (*name == "." || *name == "..") problem = "a folder name only, not '.' or '..'";
  else if (name->size() > 255) problem = "longer than 255 bytes";
  if (problem.empty()) return name;
  c.error(v, "invalid " + key + " " + quote(*name) + ": " + problem);
  return std::nullopt;
}

std::optional<std::string> read_account(ReadContext& c, const Value& v, const std::string& key) {
  if (v.is_integer()) {
    auto id = v.as_integer();
    if (id >= 0 && id <= kMaxId) return std::to_string(id);
    c.error(v, "invalid " + key + " id " + std::to_string(id) + ": must be between 0 and " + std::to_string(kMaxId));
    return std::nullopt;
  }
  if (!v.is_string()) {
    c.error(v, quote(key) + " must be a " + key + " name or a numeric id");
    return std::nullopt;
  }
  auto text = read_string(c, v, key);
  if (!text) return std::nullopt;
  if (text->empty()) {
    c.error(v, quote(key) + " must not be empty");
    return std::nullopt;
  }
  if (std::string problem = account_problem(*text, key); !problem.empty()) {
    c.error(v, problem);
    return std::nullopt;
  }
  return text;
}

}  // namespace daemonctl::config
