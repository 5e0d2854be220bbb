// Everything decided before the fork: which program, which environment,
// which files become the daemon's stdin, stdout and stderr.
#pragma once

#include <string>
#include <sys/types.h>
#include <vector>

#include "common/result.h"
#include "config/service_spec.h"
#include "service/environment.h"
#include "posix/unique_fd.h"

namespace daemonctl::service {

/// The program to exec: command[0] if it holds a '/', else the first
/// executable regular file of that name in the absolute folders of `path`
/// (a PATH-style list; relative and empty entries are skipped).
/// Errors have status not_installed and say what was searched.
Result<std::string> resolve_executable(const std::string& program, const std::string& path);

/// Checks, before anything is forked, that the working directory exists and
/// can be entered. Errors: status config (missing, not a directory) or
/// privilege (no permission), naming the path.
Status check_directory(const std::string& directory);

struct Credentials;
/// check_directory, then whether the daemon's user (`creds`) may enter the
/// directory, each folder on the way searched with its uid, gid and groups,
/// before anything is forked (status privilege, naming the folder).
Status check_directory_as(const std::string& directory, const Credentials& creds);

/// Who the daemon runs as, resolved from `user` and `group`.
struct Credentials {
  bool change = false;  ///< false: as daemonctl runs
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  ///< supplementary, as initgroups would set them
  std::string name, home, shell;  ///< for USER, LOGNAME, HOME, SHELL ("" if the uid has no passwd entry)
};
/// Resolves spec.user and spec.group. Unknown names: status config, naming
/// them. Another user or group while not root: status privilege.
Result<Credentials> resolve_credentials(const config::ServiceSpec& spec);

/// The daemon's stdio, opened by daemonctl so that errors are reported
/// before anything is started (status config for a missing file or folder,
/// privilege for EACCES). Log files are appended to and created with mode
/// 0666 (the default log 0640) less the service's umask; one file named
/// twice is opened once. In a
/// folder that others may write to, a symlink is never followed.
struct Stdio {
  posix::UniqueFd in, out, err;  ///< err is empty when it shares out
  int err_fd() const { return err ? err.get() : out.get(); }
};
/// Log files it creates are given to `owner` (when it changes users).
Result<Stdio> open_stdio(const config::ServiceSpec& spec, const Credentials& owner = {});

/// What open_stdio would do, found without opening or creating anything:
/// stdin must exist and be readable; stdout and stderr must be writable
/// files, or be missing from a folder daemonctl can create them in (the
/// default log also from a missing log dir, which start creates). Errors
/// have open_stdio's messages and statuses (config for a missing folder,
/// privilege for EACCES). A FIFO is not opened, so whether it has a reader
/// is not checked.
Status check_stdio(const config::ServiceSpec& spec);

/// Everything decided and opened before the fork, checked so that a start
/// fails before anything is stopped or forked.
struct Launch {
  std::string executable;
  std::string ready_program;  ///< ready.command[0] resolved, if there is one
  std::vector<std::string> env;
  Credentials creds;
  Stdio stdio;
};
Result<Launch> prepare_launch(const config::ServiceSpec& spec, char** inherited_env);
/// prepare_launch's checks, in its order, with check_stdio for open_stdio:
/// nothing is opened or created, and the result's stdio is empty.
Result<Launch> check_launch(const config::ServiceSpec& spec, char** inherited_env);

}  // namespace daemonctl::service
