#include "core/inspect.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstdio>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "core/launch.h"
#include "posix/files.h"
#include "posix/proc.h"
#include "posix/safe_path.h"

extern char** environ;

namespace daemonctl::core {
namespace {

constexpr std::size_t kPidfileLimit = 4096;
constexpr std::size_t kRecordLimit = 4096;

Inspection dead(pid_t pid, std::string why) {
  Inspection i;
  i.state = State::dead;
  i.pid = pid;
  i.reason = std::move(why);
  return i;
}

std::string canonical(const std::string& path) {
  char buf[PATH_MAX];
  return ::realpath(path.c_str(), buf) ? std::string(buf) : std::string();
}

// Why a pidfile could have been written by someone else: owned by another
// user than us and root, or writable by group or others. "" if it could not.
std::string insecure(const std::string& pidfile) {
  struct stat st;
  if (::lstat(pidfile.c_str(), &st) < 0) return {};
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
  if (st.st_uid != 0 && st.st_uid != ::geteuid()) {
    return "insecure owner: the pidfile belongs to uid " + std::to_string(st.st_uid);
  }
  if ((st.st_mode & 022) != 0) return std::string("insecure mode: the pidfile is writable by others (") + mode + ")";
  return {};
}

// The monitor the record names, and whether that very process still runs.
MonitorFacts monitor_facts(const Record& record) {
  MonitorFacts m;
  m.pid = record.monitor;
  if (m.pid == 0) return m;
  m.starttime = record.monitor_starttime;
  m.restarts = record.restarts;
  m.last_exit = record.last_exit;
  auto stat = posix::read_stat(m.pid);
  m.alive = stat && stat->starttime == m.starttime && record.boot_id == posix::boot_id() && stat->state != 'Z' &&
            stat->state != 'X';
  return m;
}

// No pidfile: stopped, unless a monitor is between two daemons or gave up.
Inspection without_pidfile(const StatePaths& paths) {
  Inspection i;
  auto record = read_record(paths);
  if (!record || record->monitor == 0) return i;
  i.monitor = monitor_facts(*record);
  i.pid = record->pid;
  if (record->phase == "failed") {
    i.state = State::failed;
    i.reason = "gave up after " + std::to_string(record->restarts) + (record->restarts == 1 ? " restart" : " restarts") +
               "; last " +
               (record->last_exit.empty() ? std::string("exit unknown") : record->last_exit);
  } else if (i.monitor.alive) {
    i.state = State::restarting;
    i.reason = record->last_exit;
  }
  return i;
}

// Is the live process `pid` (with `stat`) the one daemonctl started? Empty
// string if so, else the reason it is not.
std::string disprove(pid_t pid, const posix::ProcStat& stat, const StatePaths& paths,
                     const std::optional<Record>& record, const std::function<std::string()>& program, pid_t& pgid) {
  if (record) {
    if (record->pid != pid) return "the record names pid " + std::to_string(record->pid);
    if (record->boot_id != posix::boot_id()) return "pidfile written before this boot";
    if (record->starttime != stat.starttime) return "pid reused by another process (start time differs)";
    pgid = record->pgid;
    return {};
  }
  // No record: written by something else. Trust it only if no one else
  // could have written it, and only for our program.
  if (std::string why = insecure(paths.pidfile); !why.empty()) return why;
  auto exe = posix::exe_path(pid);
  std::string executable = program();
  std::string want = executable.empty() ? std::string() : canonical(executable);
  if (!exe) return "no record, and its program cannot be read";
  if (want.empty() || *exe != want) return "pid belongs to another program (" + *exe + ")";
  pgid = stat.pgrp;
  return {};
}

}  // namespace

std::optional<Record> read_record(const StatePaths& paths) {
  // Only from a folder no one else can write: a record names what we signal.
  auto text = posix::read_entry(paths.record, kRecordLimit, O_NOFOLLOW, true);
  return text ? parse_record(*text) : std::nullopt;
}

Inspection inspect(const StatePaths& paths, const std::function<std::string()>& executable, Handle handle) {
  Inspection none;
  auto text = posix::read_entry(paths.pidfile, kPidfileLimit, O_NOFOLLOW);
  if (!text) {
    if (text.error().err == ENOENT) return without_pidfile(paths);
    if (text.error().err == ELOOP && text.error().status != ExitStatus::privilege) {
      none.state = State::unknown;
      none.reason = "pidfile '" + paths.pidfile + "' is a symbolic link; refusing to use it";
      return none;
    }
    none.state = text.error().err == EFBIG ? State::invalid : State::unknown;
    none.reason = text.error().message;
    none.status = text.error().status;
    return none;
  }
  auto pid = parse_pidfile(*text, posix::pid_max());
  if (!pid) {
    none.state = State::invalid;
    none.reason = pid.error().message;
    return none;
  }
  // The process is gone: dead, unless a live monitor is about to restart it.
  auto gone = [&](const std::string& why) {
    Inspection i = dead(*pid, why);
    auto record = read_record(paths);
    if (!record || record->pid != *pid || record->monitor == 0) return i;
    i.monitor = monitor_facts(*record);
    if (i.monitor.alive) i.state = State::restarting;
    return i;
  };
  // Open the handle first and prove identity after: if the proof holds, the
  // handle is on the proven process, whatever happens to the pid later.
  // Without a handle the proof is of that moment, which is all status needs.
  std::optional<posix::Pidfd> proc;
  if (handle == Handle::pidfd) {
    auto opened = posix::Pidfd::open(*pid);
    if (!opened) {
      if (opened.error().err == ESRCH) return gone("no such process");
      none.state = State::unknown;
      none.reason = opened.error().message;
      none.status = opened.error().status;
      return none;
    }
    proc = std::move(*opened);
  }
  auto stat = posix::read_stat(*pid);
  if (!stat) return gone("no such process");
  if (stat->state == 'Z' || stat->state == 'X') return gone("the process has exited (zombie)");
  pid_t pgid = 0;
  std::optional<Record> record = read_record(paths);
  if (std::string why = disprove(*pid, *stat, paths, record, executable, pgid); !why.empty()) {
    Inspection stale = dead(*pid, why);
    if (record && record->pid == *pid) stale.monitor = monitor_facts(*record);
    return stale;
  }
  // Last, as only a forged record could name daemonctl itself.
  if (*pid == ::getpid()) return dead(*pid, "pid is daemonctl itself");
  if (proc && proc->wait_exit(std::chrono::nanoseconds(0))) return gone("the process has exited");
  Inspection running;
  running.state = State::running;
  running.pid = *pid;
  running.proc = std::move(proc);
  running.starttime = stat->starttime;
  running.pgid = pgid;
  if (record) running.monitor = monitor_facts(*record);
  return running;
}

Inspection inspect_service(const StatePaths& paths, const config::ServiceSpec& spec, Handle handle) {
  // Resolved only for a pidfile without a record: status of many services
  // need not search PATH for each.
  return inspect(paths, [&spec] {
    auto executable = resolve_executable(spec.command.front(), path_of(daemon_environment(spec, environ)));
    return executable ? *executable : std::string();
  }, handle);
}

Status remove_state(const StatePaths& paths) {
  Status pidfile = posix::remove_file(paths.pidfile);
  Status record = posix::remove_file(paths.record);
  return pidfile ? record : pidfile;
}

Error unknown_state(const Inspection& unknown) {
  return Error{unknown.status, "cannot tell whether it runs: " + unknown.reason};
}

Status remove_stale(const std::string& name, const StatePaths& paths, const Inspection& stale) {
  log::warn(name + ": removing stale pidfile '" + paths.pidfile + "' (" + stale.reason + ")");
  return remove_state(paths);
}

}  // namespace daemonctl::core
