// --dry-run: what start, stop, restart, reload and signal would do, found by
// looking only. Nothing is created, written, removed, locked, forked or
// signalled; the exit status is the one the real command would give.
#pragma once

#include "common/result.h"
#include "config/service_spec.h"
#include "service/commands.h"

namespace daemonctl::service {

/// What start/stop/restart/signal would do, as Outcome.text lines starting with "would ...", and the
/// status the real command would return (an Error where the real one would fail, same status).
/// The service's lock is not taken (that creates its file): the state is inspected as it is now.
Result<Outcome> dry_start(const Context& ctx, const config::ServiceSpec& spec);
Result<Outcome> dry_stop(const Context& ctx, const config::ServiceSpec& spec);
Result<Outcome> dry_restart(const Context& ctx, const config::ServiceSpec& spec);
/// `signal` (`sig`), or `reload` (`sig` 0: the recorded reload signal): the real ones send it to the proven daemon through its pidfd (or
/// with `group` to its process group, as send_signal does) and return ExitStatus::inactive (7) with text "not running" when it does
/// not run (stopped, dead, invalid; a stale pidfile would be removed); unknown state → the unknown_state() Error.
Result<Outcome> dry_signal(const Context& ctx, const config::ServiceSpec& spec, int sig, bool group = false);

}  // namespace daemonctl::service
