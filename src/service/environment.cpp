#include "service/environment.h"

#include <string_view>

#include "posix/files.h"

namespace daemonctl::service {
namespace {

constexpr std::size_t kLocaleFileLimit = 64 * 1024;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// The value of the line "LANG=value" (or "LANG=\"value\""), "" if `text` has none.
std::string lang_in(std::string_view text) {
  while (!text.empty()) {
    auto end = text.find('\n');
    std::string_view line = trim(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (!line.starts_with("LANG=")) continue;
    std::string_view value = line.substr(5);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    if (!value.empty()) return std::string(value);
  }
  return "";
}

class Builder {
 public:
  /// Sets `name`, in place if it is there already.
  void set(const std::string& name, const std::string& value) {
    for (auto& entry : env_) {
      if (name_of(entry) == name) {
        entry = name + "=" + value;
        return;
      }
    }
    env_.push_back(name + "=" + value);
  }
  void add(std::string entry) { env_.push_back(std::move(entry)); }
  std::vector<std::string> take() && { return std::move(env_); }

  static std::string_view name_of(std::string_view entry) { return entry.substr(0, entry.find('=')); }

 private:
  std::vector<std::string> env_;
};

void set_account(Builder& env, const Account& account) {
  if (account.name.empty()) return;
  env.set("HOME", account.home);
  env.set("USER", account.name);
  env.set("LOGNAME", account.name);
  if (!account.shell.empty()) env.set("SHELL", account.shell);
}

// Our supervisor's notify socket is never the daemon's: start adds its own.
bool notify_socket(std::string_view name) { return name == "NOTIFY_SOCKET"; }

}  // namespace

std::vector<std::string> locale_files() { return {"/etc/locale.conf", "/etc/default/locale"}; }

std::string system_lang(const std::vector<std::string>& files) {
  for (const std::string& file : files) {
    auto text = posix::read_file(file, kLocaleFileLimit);
    if (!text) continue;
    if (std::string lang = lang_in(*text); !lang.empty()) return lang;
  }
  return kDefaultLang;
}

std::vector<std::string> daemon_environment(const config::ServiceSpec& spec, const Account& account,
                                            char** caller) {
  Builder env;
  if (spec.inherit_environment) {
    for (char** e = caller; e && *e; ++e) {
      if (!notify_socket(Builder::name_of(*e))) env.add(*e);
    }
    if (!spec.user.empty()) set_account(env, account);
  } else {
    env.set("PATH", kDefaultPath);
    env.set("LANG", system_lang());
    set_account(env, account);
  }
  for (const std::string& name : spec.pass_environment) {
    if (notify_socket(name)) continue;
    for (char** e = caller; e && *e; ++e) {
      if (Builder::name_of(*e) == name) env.set(name, std::string(*e).substr(name.size() + 1));
    }
  }
  for (const auto& [name, value] : spec.environment) env.set(name, value);
  return std::move(env).take();
}

std::string path_of(const std::vector<std::string>& env) {
  for (const auto& entry : env) {
    if (entry.starts_with("PATH=")) return entry.substr(5);
  }
  return kDefaultPath;
}

}  // namespace daemonctl::service
