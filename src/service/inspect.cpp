#include "service/inspect.h"

#include <cerrno>
#include <cstdio>
#include <fcntl.h>

#include "common/log.h"
#include "posix/file_info.h"
#include "posix/files.h"
#include "posix/lock.h"
#include "posix/proc.h"
#include "posix/process.h"
#include "posix/safe_path.h"

namespace daemonctl::service {
namespace {

constexpr std::size_t kPidfileLimit = 4096;
constexpr std::size_t kRecordLimit = 64 * 1024;  // a long argv and environment's worth

// FolderCache: whether this thread keeps the last trusted folder it read
// from open, and that folder.
thread_local bool t_cache_folders = false;
thread_local std::optional<posix::Folder> t_folder;

// Is `path` a name in the folder `dir` (as posix::dirname names it)?
bool in_folder(std::string_view path, std::string_view dir) {
  return path.size() > dir.size() + 1 && path.starts_with(dir) && path[dir.size()] == '/' &&
         path.find('/', dir.size() + 1) == std::string_view::npos;
}

// With a FolderCache on this thread: the folder of `path`, entered once and
// kept while the thread reads in it, if it is trusted; else null.
const posix::Folder* cached_folder(const std::string& path) {
  if (!t_cache_folders) return nullptr;
  if (t_folder && in_folder(path, t_folder->path)) return &*t_folder;
  std::string dir = posix::dirname(path);
  auto f = posix::open_folder(dir);
  if (f && f->trusted) t_folder = std::move(*f);
  else t_folder.reset();
  return t_folder ? &*t_folder : nullptr;
}

std::string leaf(const std::string& path) { return path.substr(path.find_last_of('/') + 1); }

// read_entry(path, limit, flags, trusted_only) (O_NOFOLLOW in flags), through
// the thread's cached folder when a FolderCache lives; `st` gets the file's
// stat (st_nlink 0 if unknown).
Result<std::string> read_in_folder(const std::string& path, std::size_t limit, int flags, struct stat& st,
                                   bool trusted_only) {
  if (const posix::Folder* folder = cached_folder(path)) {
    return posix::read_entry_at(*folder, leaf(path), path, limit, flags, &st);
  }
  st = {};
  return posix::read_entry(path, limit, flags, trusted_only, posix::kAnyOwner, &st);
}

std::int64_t nanoseconds(const struct timespec& t) { return std::int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec; }

bool insecure(const struct stat& st) {
  return (st.st_uid != 0 && st.st_uid != posix::effective_uid()) || (st.st_mode & 022);
}

// Is the pidfile, by its lstat alone, the one daemonctl wrote right after
// the record (modified at `record_mtime_ns`): a regular file of the size of
// "PID\n", written no earlier than the record and at most a second after,
// with a safe owner and mode? Then what it names need not be read. Another
// pid written over it later, or anything else, makes it read.
bool as_written(const struct stat& st, pid_t pid, std::int64_t record_mtime_ns) {
  constexpr std::int64_t kSecond = 1'000'000'000;
  std::int64_t written = nanoseconds(st.st_mtim);
  return record_mtime_ns != 0 && S_ISREG(st.st_mode) && !insecure(st) &&
         static_cast<std::size_t>(st.st_size) == std::to_string(pid).size() + 1 && written >= record_mtime_ns &&
         written <= record_mtime_ns + kSecond;
}

// Why daemonctl's pidfile does not say what the record says, "" if it does:
// missing, another pid, or one another user could have written. One lstat
// when it is as written (as_written); else it is read.
std::string pidfile_problem(const std::string& pidfile, pid_t pid, std::int64_t record_mtime_ns) {
  if (record_mtime_ns != 0) {
    const posix::Folder* folder = cached_folder(pidfile);
    auto st = folder ? posix::stat_at(folder->fd.get(), leaf(pidfile), AT_SYMLINK_NOFOLLOW) : posix::lstat_path(pidfile);
    if (st && as_written(*st, pid, record_mtime_ns)) return {};
  }
  struct stat st{};
  auto text = read_in_folder(pidfile, kPidfileLimit, O_NOFOLLOW, st, false);
  if (!text && text.error().err == ENOENT) return "pidfile '" + pidfile + "' is missing";
  if (!text) return "pidfile '" + pidfile + "': " + text.error().message;
  auto named = state::parse_pidfile(*text, posix::pid_max());
  if (!named) return "pidfile '" + pidfile + "' is invalid: " + named.error().message;
  if (*named != pid) return "pidfile '" + pidfile + "' names pid " + std::to_string(*named);
  if (st.st_nlink != 0 && insecure(st)) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return "pidfile '" + pidfile + "' has an insecure owner or mode (uid " + std::to_string(st.st_uid) + ", " + mode +
           ")";
  }
  return {};
}

// The monitor the record names, and whether that very process still runs.
MonitorFacts monitor_facts(const state::Record& record) {
  MonitorFacts m;
  m.pid = record.monitor;
  if (m.pid == 0) return m;
  m.starttime = record.monitor_starttime;
  m.restarts = record.restarts;
  m.last_exit = record.last_exit;
  auto stat = posix::read_stat(m.pid);
  m.alive = stat && stat->starttime == m.starttime && record.boot_id == posix::boot_id() && stat->state != 'Z' &&
            stat->state != 'X';
  m.stopped = m.alive && (stat->state == 'T' || stat->state == 't');
  return m;
}

// Does a command hold the lock at `path` (a start under way)? Never waits.
bool lock_is_held(const std::string& path) {
  auto opened = posix::open_entry(path, O_RDONLY | O_NOFOLLOW);
  if (!opened) return false;
  auto taken = posix::try_lock(opened->fd.get(), posix::LockMode::shared, path);
  return taken && !*taken;
}

// The record parsed from `text`, or the Inspection that says why there is none.
std::optional<Inspection> without_record(const state::StatePaths& paths, const Result<std::string>& text,
                                         std::optional<state::Record>& record) {
  Inspection i;
  if (!text && text.error().err == ENOENT) {
    i.stale_pidfile = posix::lstat_path(paths.pidfile).ok();
    return i;
  }
  if (!text) {
    i.state = text.error().err == EFBIG ? state::State::invalid : state::State::unknown;
    i.reason = text.error().message;
    i.status = text.error().status;
    return i;
  }
  record = state::parse_record(*text);
  if (record) return std::nullopt;
  i.state = state::State::invalid;
  i.reason = "record '" + paths.record + "' is invalid";
  return i;
}

// Is the live process `stat` the one the record names? "" if so. Without
// `stat`, its pidfs inode proved it (and a pidfd says whether it exited).
std::string disprove(const state::Record& record, const posix::ProcStat* stat) {
  if (record.boot_id != posix::boot_id()) return "recorded before this boot";
  if (stat && record.starttime != stat->starttime) return "pid reused by another process (start time differs)";
  if (stat && (stat->state == 'Z' || stat->state == 'X')) return "the process has exited (zombie)";
  // Asked once: no command inspects after a fork, in the child (it execs).
  static const pid_t self = posix::this_pid();
  if (record.pid == self) return "pid is daemonctl itself";  // only a forged record could say so
  return {};
}

// The record names no live process of its own: dead, unless its monitor
// lives (between daemons) or gave up, a start is still looking for it, or
// another command acts on it (`busy`: it holds the lock).
Inspection gone(Inspection i, std::string why, bool busy) {
  i.state = state::State::dead;
  i.reason = std::move(why);
  if (i.record->phase == state::State::failed) {
    i.state = state::State::failed;
    i.reason = "gave up after " + std::to_string(i.record->restarts) +
               (i.record->restarts == 1 ? " restart" : " restarts") + "; last " +
               (i.record->last_exit.empty() ? std::string("exit unknown") : i.record->last_exit);
  } else if (i.monitor.stopped) {
    i.reason += "; its monitor pid " + std::to_string(i.monitor.pid) + " is stopped, and restarts nothing";
  } else if (i.monitor.alive) {
    i.state = state::State::restarting;
    i.reason = i.record->last_exit;
  } else if (busy && i.record->phase == state::State::starting) {
    i.state = state::State::starting;
  } else if (busy) {
    i.state = state::State::stopped;
    i.reason = "another command is acting on it";
  } else if (i.pid == 0) {
    // A start that died before its daemon was known: its guard, or its
    // monitor, took everything with it.
    i.state = state::State::stopped;
    i.reason = "its start was cut short";
  }
  return i;
}

}  // namespace

// Only from a folder no one else can write: a record names what we signal.
Result<std::string> read_record_text(const state::StatePaths& paths, std::int64_t* mtime_ns) {
  struct stat st{};
  auto text = read_in_folder(paths.record, kRecordLimit, O_NOFOLLOW, st, true);
  if (mtime_ns) *mtime_ns = text ? nanoseconds(st.st_mtim) : 0;
  return text;
}

FolderCache::FolderCache() : was_(t_cache_folders) { t_cache_folders = true; }

FolderCache::~FolderCache() { t_cache_folders = was_; }  // the folder stays open for the thread's next scope

std::optional<state::Record> read_record(const state::StatePaths& paths) {
  auto text = read_record_text(paths);
  return text ? state::parse_record(*text) : std::nullopt;
}

namespace {

// Opens a pidfd on the recorded pid into i.proc. Why the record names no
// process of its own if it does not; with none and no handle, `i` says why
// it cannot be told (unknown).
std::optional<std::string> open_handle(Inspection& i) {
  auto opened = posix::Pidfd::open(i.pid);
  if (opened) {
    i.proc = std::move(*opened);
    return std::nullopt;
  }
  if (opened.error().err == ESRCH) return "no such process";
  // ENOENT (EINVAL before Linux 6.9): the pid is a thread's, not a
  // process's; a daemon recorded never was one.
  if (opened.error().err == ENOENT || opened.error().err == EINVAL) return "pid reused by another process (a thread)";
  i.state = state::State::unknown;
  i.reason = opened.error().message;
  i.status = opened.error().status;
  return std::nullopt;
}

// Proves the process `record` names (read from `paths`; modified at
// `mtime_ns`, 0 if unknown).
Inspection inspect_record(const state::StatePaths& paths, Handle handle, Lock lock, state::Record record,
                          std::int64_t mtime_ns) {
  Inspection i;
  i.pid = record.pid;
  i.pgid = record.pgid;
  i.monitor = monitor_facts(record);
  i.record = std::move(record);
  // A start under way holds the lock; one that died left the record behind.
  // Asked only when it matters: a running daemon recorded as running needs
  // no look at the lock (status of many services).
  auto busy = [&] { return lock == Lock::probe && lock_is_held(paths.lock); };
  if (i.pid == 0) return gone(std::move(i), "its start had not found its daemon yet", busy());
  // The proof: the pidfs inode recorded at start, where there is one (a
  // pidfd and an fstat: status of 1,000 services reads no /proc file);
  // else the start time in /proc/PID/stat. Open the handle first and prove
  // identity after: if the proof holds, the handle is on the proven process,
  // whatever happens to the pid later. Without a handle (status) the proof
  // is of that moment, which is all status needs.
  // (A record without a start time is proven by /proc, which says it differs.)
  bool by_inode = i.record->pid_inode != 0 && i.record->starttime != 0 && i.record->boot_id == posix::boot_id();
  if (handle == Handle::pidfd || by_inode) {
    if (auto none = open_handle(i)) return gone(std::move(i), *none, busy());
    if (!i.proc) return i;  // unknown
  }
  // No inode to be had after all (fstat refused): the start time proves it.
  if (std::uint64_t inode = by_inode ? i.proc->inode() : 0; inode != 0 && inode != i.record->pid_inode) {
    return gone(std::move(i), "pid reused by another process (pidfs inode differs)", busy());
  } else if (inode == 0) {
    by_inode = false;
  }
  std::optional<posix::ProcStat> stat;
  if (!by_inode) {
    auto read = posix::read_stat(i.pid);
    if (!read) return gone(std::move(i), "no such process", busy());
    stat = *read;
  }
  if (std::string why = disprove(*i.record, stat ? &*stat : nullptr); !why.empty()) return gone(std::move(i), why, busy());
  if (i.proc && i.proc->wait_exit(std::chrono::nanoseconds(0))) {  // opened before it was reaped: a zombie
    return gone(std::move(i), by_inode ? "the process has exited (zombie)" : "the process has exited", busy());
  }
  if (handle == Handle::none) i.proc.reset();
  i.state = i.record->phase == state::State::starting && busy() ? state::State::starting : state::State::running;
  i.starttime = stat ? stat->starttime : i.record->starttime;
  const std::string& pidfile = i.record->pidfile.empty() ? paths.pidfile : i.record->pidfile;
  if (!i.record->forking) i.pidfile_problem = pidfile_problem(pidfile, i.pid, mtime_ns);
  return i;
}

Inspection inspect_once(const state::StatePaths& paths, Handle handle, Lock lock, const Result<std::string>& text,
                        std::int64_t mtime_ns) {
  std::optional<state::Record> record;
  if (auto none = without_record(paths, text, record)) return std::move(*none);
  return inspect_record(paths, handle, lock, std::move(*record), mtime_ns);
}

}  // namespace

Inspection inspect(const state::StatePaths& paths, Handle handle, Lock lock, KnownRecord* known) {
  if (known) {
    Inspection i = inspect_record(paths, handle, lock, std::move(known->record), known->mtime_ns);
    i.known = true;
    if (lock == Lock::held || i.state == state::State::running) return i;
  }  // else looked at again, from the file, as below
  std::int64_t mtime_ns = 0;
  auto text = read_record_text(paths, &mtime_ns);
  if (lock == Lock::held) return inspect_once(paths, handle, lock, text, mtime_ns);
  // Without the lock, a start or stop may finish between reading the record
  // and looking at its process and the lock: what is not running is looked
  // at again until the record stays the same across a look.
  auto same = [](const Result<std::string>& a, const Result<std::string>& b) {
    return a.ok() == b.ok() && (a.ok() ? *a == *b : a.error().err == b.error().err);
  };
  for (int tries = 0;; ++tries) {
    Inspection i = inspect_once(paths, handle, lock, text, mtime_ns);
    if (i.state == state::State::running || tries == 3) return i;
    auto again = read_record_text(paths, &mtime_ns);
    if (same(text, again)) return i;
    text = std::move(again);
  }
}

state::StatePaths recorded_paths(state::StatePaths paths, const Inspection& i) {
  if (i.record && !i.record->pidfile.empty()) paths.pidfile = i.record->pidfile;
  return paths;
}

bool owned_elsewhere(const Inspection& i, const config::ServiceSpec* spec) {
  if (!spec || !i.record || i.record->file.empty() || i.record->file == spec->file) return false;
  return posix::stat_path(i.record->file).ok();
}

config::StopSpec recorded_stop(const Inspection& i, const config::ServiceSpec* spec) {
  if (!i.record || !i.record->stop) return spec ? spec->stop : config::StopSpec{};
  const state::RecordedStop& r = *i.record->stop;
  config::StopSpec stop;
  stop.signal = r.signal;
  stop.timeout = std::chrono::nanoseconds(r.timeout_ns);
  stop.interval = std::chrono::nanoseconds(r.interval_ns);
  stop.group = r.group;
  return stop;
}

int recorded_reload_signal(const Inspection& i, const config::ServiceSpec* spec) {
  if (!i.record || !i.record->stop) return spec ? spec->reload_signal : 1;
  return i.record->stop->reload_signal;
}

Status remove_state(const state::StatePaths& paths) {
  Status pidfile = posix::remove_file(paths.pidfile);
  Status record = posix::remove_file(paths.record);
  for (int stream : {1, 2}) (void)posix::remove_file(state::output_fifo(paths.record, stream));
  return pidfile ? record : pidfile;
}

Error unknown_state(const Inspection& unknown) {
  return Error{unknown.status, "cannot tell whether it runs: " + unknown.reason};
}

std::string stale_reason(const Inspection& stale) {
  return stale.reason.empty() ? "no record: daemonctl did not start it" : stale.reason;
}

Status remove_stale(const std::string& name, const state::StatePaths& paths, const Inspection& stale) {
  log::warn(name + ": removing stale pidfile '" + paths.pidfile + "' (" + stale_reason(stale) + ")");
  return remove_state(paths);
}

}  // namespace daemonctl::service
