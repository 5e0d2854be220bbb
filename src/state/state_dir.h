// Where pidfiles and identity records live.
#pragma once

#include <optional>
#include <string>

#include "common/result.h"

namespace daemonctl::state {

/// The state dir to use: `flag` if given, else $DAEMONCTL_STATE_DIR, else
/// /run/daemonctl for root, else $XDG_RUNTIME_DIR/daemonctl, else
/// /tmp/daemonctl-<uid>.
std::string choose_state_dir(const std::optional<std::string>& flag);

/// Creates `dir` if missing (0700, or 0755 for root) and refuses one that is
/// a symlink, not a directory, owned by another user, or writable by its
/// group or others.
Status prepare_state_dir(const std::string& dir);

/// prepare_state_dir's checks, for a dry run: nothing is created. A missing
/// `dir` is fine when the folders it would be made in can be written to;
/// otherwise the Error is the one prepare_state_dir would give.
Status check_state_dir(const std::string& dir);

/// prepare_state_dir and check_state_dir for any folder only daemonctl's
/// user may change (the log dir too); `what` names it in the messages.
Status prepare_own_folder(const std::string& what, const std::string& dir);
Status check_own_folder(const std::string& what, const std::string& dir);

}  // namespace daemonctl::state
