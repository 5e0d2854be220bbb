// What the integration tests share: run the real binary, make throwaway
// service folders, read a process's facts from /proc, wait on conditions.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace harness {

using namespace std::chrono_literals;

/// Polls `cond` until it holds or `timeout` passes; true if it held.
bool wait_until(const std::function<bool()>& cond, std::chrono::milliseconds timeout = 5000ms);

struct Run {
  int code = -1;  ///< exit code; 128+N if killed by signal N
  std::string out, err;
  pid_t pid = 0;  ///< daemonctl's pid
};

/// How to start the daemonctl process, beyond its arguments.
struct RunOptions {
  std::vector<std::string> env_extra;  ///< "NAME=value" added to our environment
  std::set<int> ignore_signals;        ///< set to SIG_IGN in daemonctl
  std::set<int> block_signals;         ///< blocked in daemonctl
  int leak_fd = -1;                    ///< an fd left open (not close-on-exec) in daemonctl
  uid_t uid = 0;                       ///< run as this user if not 0
  bool close_stdio = false;            ///< start daemonctl with fds 0, 1, 2 closed
  std::chrono::milliseconds timeout = 20000ms;  ///< then daemonctl is killed: code 128+9
};

/// RunOptions that only add environment variables ("NAME=value").
inline RunOptions with_env(std::vector<std::string> vars) {
  RunOptions opt;
  opt.env_extra = std::move(vars);
  return opt;
}

/// In a forked child: execs the built daemonctl binary with `args`, as the
/// child is set up (stdio, signals, environment); exits 127 if it cannot.
[[noreturn]] void exec_daemonctl(const std::vector<std::string>& args);

/// Runs the built daemonctl binary with `args` and collects its output.
Run daemonctl(const std::vector<std::string>& args, const RunOptions& opt = {});

/// Runs several daemonctl processes at once: all are forked first, then
/// released together. Returns their results in order.
std::vector<Run> daemonctl_together(const std::vector<std::vector<std::string>>& commands,
                                    std::chrono::milliseconds timeout = 30000ms);

/// A background daemonctl, to be killed at some point of its work.
struct Background {
  pid_t pid = 0;
  /// SIGKILLs it (if still running) and reaps it.
  void kill_now();
};
Background daemonctl_background(const std::vector<std::string>& args);

/// Live processes (not zombies) whose environment holds `entry` ("NAME=value"),
/// and the monitors whose record is under the folder `value` (a sandbox's).
std::vector<pid_t> pids_with_env(const std::string& entry);

/// A temporary folder, removed with everything in it at the end of the test;
/// any process started through it that still runs is killed first.
class Sandbox {
 public:
  Sandbox();
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  const std::string& dir() const { return dir_; }
  std::string path(const std::string& leaf) const { return dir_ + "/" + leaf; }
  std::string state_dir() const { return path("state"); }
  /// Where services without stdout or stderr log: <sandbox>/log.
  std::string log_dir() const { return path("log"); }

  /// Writes `leaf` under the sandbox, creating folders; returns its path.
  std::string write(const std::string& leaf, const std::string& text) const;

  /// Writes service file `<name>.toml` with `body` and returns its path.
  std::string service(const std::string& name, const std::string& body) const;

  /// "DAEMONCTL_TEST_MARK=<folder>": put it in a service's environment to find
  /// its processes with pids_with_env(mark()).
  std::string mark() const { return "DAEMONCTL_TEST_MARK=" + dir_; }
  /// `environment = { DAEMONCTL_TEST_MARK = ... }` for a service file.
  std::string mark_line() const { return "environment = { DAEMONCTL_TEST_MARK = \"" + dir_ + "\" }\n"; }

  /// --state-dir <sandbox>/state --log-dir <sandbox>/log followed by `args`.
  std::vector<std::string> args(const std::vector<std::string>& args) const;

  /// daemonctl with --state-dir, --log-dir and `args` (command, file...).
  Run run(const std::vector<std::string>& args, RunOptions opt = {});

  /// run() with the sandbox as the config folder (--config-dir): services by name.
  Run run_in_folder(std::vector<std::string> args, RunOptions opt = {});

  /// Remembers the process `pid` (by pid and start time) to be SIGKILLed
  /// at the end if it still runs.
  void track(pid_t pid);

  /// The pid in the state dir's pidfile of `name`, 0 if none.
  pid_t pidfile_pid(const std::string& name) const;

 private:
  std::string dir_;
  std::vector<std::pair<pid_t, std::string>> tracked_;
};

/// The pid in "name: started (pid N)" style output, 0 if none.
pid_t pid_in(const std::string& text);

/// Reads a whole file ("" if it cannot be read).
std::string slurp(const std::string& path);
/// `key`'s value in the state dir's record of service `name`; "" if it has none.
std::string record_field(const Sandbox& box, const std::string& name, const std::string& key);
bool exists(const std::string& path);

// /proc views of a process.
struct Stat {
  char state = '?';
  pid_t ppid = 0, pgrp = 0, session = 0;
  int tty_nr = -1;
};
Stat stat_of(pid_t pid);
/// A field of /proc/PID/status ("Umask", "SigBlk", ...), trimmed.
std::string status_field(pid_t pid, const std::string& field);
/// fd number -> link target, from /proc/PID/fd.
std::map<int, std::string> fds_of(pid_t pid);
/// /proc/PID/environ as NAME -> value.
std::map<std::string, std::string> environ_of(pid_t pid);
std::string cwd_of(pid_t pid);
/// True if the process exists and is not a zombie.
bool alive(pid_t pid);

/// How many bytes wait unread in the pipe or FIFO that is fd `fd` of process `pid`
/// (FIONREAD on a second opening of it); -1 if it is not a pipe there.
long unread_in_pipe(pid_t pid, int fd);

/// A loopback TCP port that nothing listens on right now.
int free_port();

/// Forks and execs argv as our own child (not a daemon); returns its pid
/// once the exec has happened.
pid_t spawn_child(const std::vector<std::string>& argv);

/// Parses `json` with Python's strict parser and runs `program` on it (as
/// `data`); returns what it prints. Fails the test unless both succeed.
std::string with_python(Sandbox& box, const std::string& json, const std::string& program);

/// The unprivileged user the attack tests act as.
inline constexpr uid_t kNobody = 65534;

/// Runs `/bin/sh -c script` as `uid` (its gid the same number, no
/// supplementary groups) and returns its exit code: an attack by a real
/// unprivileged user.
int run_as(uid_t uid, const std::string& script);

/// The same in the background: returns its pid (our child, in a process
/// group of its own) once it runs; stop it with kill(-pid, ...).
pid_t spawn_as(uid_t uid, const std::string& script);

}  // namespace harness
