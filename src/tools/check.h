// What `daemonctl check` finds wrong with a parsed service file: what would
// make a start fail, and settings that would let another user fool daemonctl.
// Nothing is started, opened for writing or created.
#pragma once

#include <string>
#include <vector>

#include "common/diagnostic.h"
#include "config/service_spec.h"

namespace daemonctl::tools {

enum class Severity { warning, error };

struct Finding {
  Severity severity = Severity::error;
  Diagnostic where;  ///< file = spec.file, line/column of the key concerned (0 if the key is absent/default)
};

/// Everything `check` can find wrong with a parsed service, without starting or creating anything.
///
/// Errors (a start would fail):
/// - the program cannot be found or is not executable, on the PATH the daemon
///   would get (resolve_executable's message), at `command`;
/// - the directory is missing or cannot be entered (check_directory), at `directory`;
/// - the user or group does not resolve, or cannot be switched to
///   (resolve_credentials), at `user` or `group`: each is resolved alone, so
///   the finding names the key at fault;
/// - a stdin, stdout or stderr that open_stdio could not open (check_stdio:
///   a missing stdin, a log file whose folder is missing or not writable...),
///   with its message ("cannot open 'P': No such file or directory"), at
///   `stdin`, `stdout`, `stderr`;
/// - a pidfile folder start could not create or write in: a missing folder
///   is fine (start creates it), but the nearest existing one of it and its
///   ancestors must be a folder we may write to, at `pidfile`.
///
/// Warnings (safety lints):
/// - the pidfile's folder (a `pidfile` key) is writable by group or others,
///   unless it is sticky and owned by root or by us: in a sticky folder no
///   one else can remove or rename over a file they do not own (they could
///   still take the name first while the service is stopped, which makes the
///   start fail, not trust their file);
/// - the state folder `state_dir`, if it exists, is writable by group or
///   others, sticky or not (prepare_state_dir refuses it: whoever writes there
///   plants records naming any process); at 0:0;
/// - a symbolic link at any existing component of the pidfile path (checked
///   with lstat, from the root down to the first missing one), at `pidfile`;
/// - when geteuid() == 0: the resolved program (at `command`) or the service
///   file (at 0:0) is writable by group or others or owned by a user other
///   than root, or so is its folder (the sticky exemption above applies to
///   folders). Modes are those of the file a symlink points to; the folder is
///   the one the path names.
///
/// Sorted by position; findings at 0:0 first.
std::vector<Finding> check_service(const config::ServiceSpec& spec, const std::string& state_dir);

}  // namespace daemonctl::tools
