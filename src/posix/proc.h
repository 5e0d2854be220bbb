// Readers for the few /proc facts daemonctl relies on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

#include "common/result.h"

namespace daemonctl::posix {

/// The fields of /proc/PID/stat that daemonctl uses.
struct ProcStat {
  char state = '?';        ///< R S D Z T t X I ...
  pid_t ppid = 0;
  pid_t pgrp = 0;
  pid_t session = 0;
  int tty_nr = 0;
  std::uint64_t starttime = 0;  ///< field 22: clock ticks after boot
};

/// Parses the text of a /proc/PID/stat file (the comm may hold spaces and ')').
Result<ProcStat> parse_stat(std::string_view text);
/// Reads /proc/PID/stat. An Error with err == ESRCH when there is no such process.
Result<ProcStat> read_stat(pid_t pid);

/// Live (not zombie) processes of process group `pgid` in session `session`.
std::vector<pid_t> group_members(pid_t pgid, pid_t session);

/// /proc/sys/kernel/random/boot_id without the newline ("" if unreadable); read once.
const std::string& boot_id();
/// The target of /proc/PID/exe (the executable, symlinks resolved).
Result<std::string> exe_path(pid_t pid);
/// The target of /proc/self/exe: this very program.
Result<std::string> own_exe_path();
/// /proc/sys/kernel/pid_max (4194304 if unreadable); read once.
pid_t pid_max();
/// Seconds since boot: CLOCK_BOOTTIME, the clock of /proc/uptime.
double uptime_seconds();
/// When the system booted, in seconds since the epoch (btime of /proc/stat).
double boot_time();
/// sysconf(_SC_CLK_TCK).
long clock_ticks_per_second();

}  // namespace daemonctl::posix
