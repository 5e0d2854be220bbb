// `export systemd`: a service file as the systemd unit that runs it the
// way daemonctl does. What systemd cannot do is said in `#` comments,
// never dropped silently.
#pragma once

#include <string>
#include <vector>

#include "config/service_spec.h"

namespace daemonctl::tools {

/// The text of `<spec.name>.service`: [Unit], [Service] and [Install], one
/// setting a line, each with the value daemonctl would use, defaults
/// included (systemd's differ: TimeoutStopSec=90s, KillMode=control-group,
/// StandardOutput=journal...).
///
/// `executable` is the program daemonctl would exec: command[0] resolved on
/// the daemon's PATH (resolve_executable), absolute (the loader made a
/// command[0] holding a '/' absolute already). When argv[0] is not that path,
/// ExecStart= uses systemd's `@` prefix, so the daemon gets the argv[0] it
/// gets from daemonctl.
///
/// Mapping decisions:
/// - Type=exec (start returns once the exec has happened, and fails if it
///   cannot), Type=notify with NotifyAccess=all for `[ready] notify`
///   (daemonctl takes READY=1 from any process of the service, such as
///   systemd-notify run by a script), Type=forking with PIDFile=;
/// - `[stop] group = false` is KillMode=process (the stop signal and the
///   SIGKILL go to the daemon alone), `true` is KillMode=control-group
///   (every process of the service gets both);
/// - `policy = "on-failure"` restarts after every kill but by the stop
///   signal: systemd counts SIGHUP, SIGINT, SIGTERM and SIGPIPE as clean,
///   so those other than the stop signal go to RestartForceExitStatus=, and
///   the stop signal, if not one of them, to SuccessExitStatus=;
/// - `limit` restarts within `window` are StartLimitBurst=limit+1 (systemd
///   counts the first start too) and StartLimitIntervalSec=window;
/// - `reload_signal` is ExecReload=/bin/kill -s SIGNAL $MAINPID;
/// - `runtime_directory` is RuntimeDirectory= with RuntimeDirectoryMode=
///   (systemd gives it to User= too, and removes it at the stop);
/// - each `[start] pre` command is an ExecStartPre=, in order, its program
///   `pre_programs[i]` (resolved as `executable`; as written if missing).
std::string systemd_unit(const config::ServiceSpec& spec, const std::string& executable,
                         const std::vector<std::string>& pre_programs = {});

}  // namespace daemonctl::tools
