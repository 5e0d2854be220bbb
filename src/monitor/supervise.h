// The monitor's loop: start the daemon as its child, record it, reap it,
// restart it by the policy, give up past the limit. One per supervised
// service; it is itself the daemon of the double fork (no tty, own session).
#pragma once

#include "state/monitor_plan.h"

namespace daemonctl::monitor {

/// Runs the plan until the monitor is told to stand down (SIGTERM, SIGINT,
/// SIGHUP or SIGQUIT: it exits at once, leaving a running daemon running),
/// the policy says not to restart (state removed), or the limit is hit
/// (record left in phase "failed"). `report_fd` and `lock_fd` (-1: none)
/// come from `daemonctl start`: see state::kReportFd. Returns the exit code.
int supervise(const state::MonitorPlan& plan, int report_fd, int lock_fd);

}  // namespace daemonctl::monitor
