// The daemon's environment: a fixed base that does not depend on who ran
// daemonctl (systemd gives every unit one, Debian's `service` runs init
// scripts under `env -i`), the variables the service file passes on from
// the caller by name, and its own `environment`.
#pragma once

#include <string>
#include <vector>

#include "config/service_spec.h"

namespace daemonctl::service {

/// PATH of the fixed base: the one systemd gives system services.
inline constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// LANG of the fixed base when the system's locale setting names none.
inline constexpr const char* kDefaultLang = "C.UTF-8";

/// The system's locale settings, in the order systemd reads them.
std::vector<std::string> locale_files();

/// The value of the first LANG= line of the first of `files` that has a
/// non-empty one (surrounding quotes removed); kDefaultLang if none has.
/// Files that are missing or cannot be read are skipped.
std::string system_lang(const std::vector<std::string>& files = locale_files());

/// The passwd entry whose HOME, USER, LOGNAME and SHELL the daemon gets.
/// An empty name: the uid has no entry, and these variables are left out.
struct Account {
  std::string name, home, shell;
};

/// The daemon's whole environment, "NAME=value" entries, in this order:
/// the base, PATH=kDefaultPath, LANG=system_lang() and the `account`'s
/// variables, or with spec.inherit_environment the `caller`'s environment
/// (the account's variables then set over it only when spec.user is set);
/// then each variable of spec.pass_environment that `caller` has; then
/// spec.environment. NOTIFY_SOCKET never comes from `caller`, which may be
/// null (nothing is passed on).
std::vector<std::string> daemon_environment(const config::ServiceSpec& spec, const Account& account,
                                            char** caller);

/// The PATH value of an environment made by daemon_environment: the one the
/// program is looked up in. kDefaultPath if it has none.
std::string path_of(const std::vector<std::string>& env);

}  // namespace daemonctl::service
