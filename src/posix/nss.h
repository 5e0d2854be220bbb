// Name service lookups (getpwnam, getgrnam, getgrouplist) in a statically
// linked daemonctl.
#pragma once

namespace daemonctl::posix {

/// Makes users and groups come from /etc/passwd and /etc/group only, as
/// glibc's built-in `files` module reads them. A static binary must not load
/// the other modules nsswitch.conf may name (systemd, ldap, sss): glibc would
/// dlopen them into a process without its shared libc, and a lookup that
/// reaches them crashes. Numeric ids need no lookup and work for any user.
void use_files_for_users() noexcept;

}  // namespace daemonctl::posix
