#include "harness.h"

#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <grp.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <stdexcept>
#include <thread>

#include "posix/pidfd.h"

extern char** environ;

namespace harness {

bool wait_until(const std::function<bool()>& cond, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (cond()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(2ms);  // a polling period, not a synchronisation
  }
}

namespace {

[[noreturn]] void exec_with(const std::vector<std::string>& args, const RunOptions& opt, int out, int err) {
  ::dup2(out, 1);
  ::dup2(err, 2);
  ::close(0);
  ::open("/dev/null", O_RDONLY);
  if (opt.close_stdio) {
    ::close(0);
    ::close(1);
    ::close(2);
  }
  for (int sig : opt.ignore_signals) ::signal(sig, SIG_IGN);
  sigset_t set;
  sigemptyset(&set);
  for (int sig : opt.block_signals) sigaddset(&set, sig);
  ::sigprocmask(SIG_SETMASK, &set, nullptr);
  if (opt.leak_fd >= 0) ::fcntl(opt.leak_fd, F_SETFD, 0);
  // The default logs of a run without --log-dir: never the system's
  // /var/log/daemonctl, one folder per user (a test's env_extra may override).
  std::string logs = "DAEMONCTL_LOG_DIR=/tmp/daemonctl-test-logs-" + std::to_string(opt.uid != 0 ? opt.uid : ::geteuid());
  ::putenv(logs.data());
  for (const auto& e : opt.env_extra) ::putenv(const_cast<char*>(e.c_str()));
  if (opt.uid != 0) {
    if (::setgid(opt.uid) < 0 || ::setuid(opt.uid) < 0) ::_exit(126);
  }
  exec_daemonctl(args);
}

}  // namespace

void exec_daemonctl(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  std::string bin = DAEMONCTL_BIN;
  argv.push_back(bin.data());
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execv(bin.c_str(), argv.data());
  ::_exit(127);
}

Run daemonctl(const std::vector<std::string>& args, const RunOptions& opt) {
  int out[2], err[2];
  if (::pipe2(out, O_CLOEXEC) < 0 || ::pipe2(err, O_CLOEXEC) < 0) throw std::runtime_error("pipe");
  Run run;
  run.pid = ::fork();
  if (run.pid == 0) exec_with(args, opt, out[1], err[1]);
  ::close(out[1]);
  ::close(err[1]);
  // Read both pipes to EOF. A daemon never holds them: it gets fresh stdio.
  auto deadline = std::chrono::steady_clock::now() + opt.timeout;
  struct pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  std::string* sinks[2] = {&run.out, &run.err};
  int open_count = 2;
  while (open_count > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ::kill(run.pid, SIGKILL);
      break;
    }
    if (::poll(fds, 2, static_cast<int>(left.count())) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      char buf[4096];
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<size_t>(n));
      } else {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_count;
      }
    }
  }
  for (auto& f : fds) {
    if (f.fd >= 0) ::close(f.fd);
  }
  int status = 0;
  while (::waitpid(run.pid, &status, 0) < 0 && errno == EINTR) {
  }
  run.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return run;
}

std::vector<Run> daemonctl_together(const std::vector<std::vector<std::string>>& commands,
                                    std::chrono::milliseconds timeout) {
  // Outputs go to files; every child waits for EOF on the gun pipe, so they
  // all start their real work at once.
  char tmpl[] = "/tmp/daemonctl-together-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp");
  std::string dir = tmpl;
  int gun[2];
  if (::pipe2(gun, O_CLOEXEC) < 0) throw std::runtime_error("pipe");
  std::vector<Run> runs(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    std::string out = dir + "/" + std::to_string(i) + ".out", err = dir + "/" + std::to_string(i) + ".err";
    int ofd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int efd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    runs[i].pid = ::fork();
    if (runs[i].pid == 0) {
      ::close(gun[1]);
      char byte;
      while (::read(gun[0], &byte, 1) < 0 && errno == EINTR) {
      }
      exec_with(commands[i], RunOptions{}, ofd, efd);
    }
    ::close(ofd);
    ::close(efd);
  }
  ::close(gun[0]);
  ::close(gun[1]);  // fire
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (size_t i = 0; i < runs.size(); ++i) {
    // Woken by the exit itself (a pidfd), killed at the deadline.
    auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(deadline - std::chrono::steady_clock::now());
    auto proc = daemonctl::posix::Pidfd::open(runs[i].pid);
    if (!proc || !proc->wait_exit(std::max(left, std::chrono::nanoseconds(0)))) ::kill(runs[i].pid, SIGKILL);
    int status = 0;
    while (::waitpid(runs[i].pid, &status, 0) < 0 && errno == EINTR) {
    }
    runs[i].code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    runs[i].out = slurp(dir + "/" + std::to_string(i) + ".out");
    runs[i].err = slurp(dir + "/" + std::to_string(i) + ".err");
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return runs;
}

void Background::kill_now() {
  if (pid <= 0) return;
  ::kill(pid, SIGKILL);
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
  pid = 0;
}

Background daemonctl_background(const std::vector<std::string>& args) {
  int devnull = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  Background bg;
  bg.pid = ::fork();
  if (bg.pid == 0) exec_with(args, RunOptions{}, devnull, devnull);
  ::close(devnull);
  return bg;
}

std::vector<pid_t> pids_with_env(const std::string& entry) {
  std::vector<pid_t> found;
  std::error_code ec;
  // A monitor runs in a fixed environment of its own: it is found by the
  // record it writes, named in its argv, under the folder the mark names.
  const std::string folder = entry.substr(entry.find('=') + 1);
  const std::string monitor_arg = std::string(1, '\0') + "--record=" + folder + "/";
  for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    pid_t pid = std::atoi(name.c_str());
    std::string env = slurp("/proc/" + name + "/environ");
    bool marked = env.find(std::string(1, '\0') + entry + std::string(1, '\0')) != std::string::npos ||
                  env.rfind(entry + std::string(1, '\0'), 0) == 0;
    bool monitor = !marked && !folder.empty() && slurp("/proc/" + name + "/cmdline").find(monitor_arg) != std::string::npos;
    if ((marked || monitor) && alive(pid)) found.push_back(pid);
  }
  return found;
}

std::vector<std::string> Sandbox::args(const std::vector<std::string>& args) const {
  std::vector<std::string> full{"--state-dir", state_dir(), "--log-dir", log_dir()};
  full.insert(full.end(), args.begin(), args.end());
  return full;
}

Sandbox::Sandbox() {
  char tmpl[] = "/tmp/daemonctl-test-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp");
  dir_ = tmpl;
}

namespace {

// Field 22 of /proc/PID/stat: with the pid, it names one process for good.
std::string starttime_of(pid_t pid) {
  std::string text = slurp("/proc/" + std::to_string(pid) + "/stat");
  auto close = text.rfind(')');
  if (close == std::string::npos) return "";
  std::istringstream in(text.substr(close + 2));
  std::string field;
  for (int i = 3; i <= 22 && in >> field; ++i) {
  }
  return field;
}

}  // namespace

void Sandbox::track(pid_t pid) {
  if (pid > 1) tracked_.emplace_back(pid, starttime_of(pid));
}

Sandbox::~Sandbox() {
  // Whatever a test started and left running, if it is still that process.
  for (const auto& [pid, start] : tracked_) {
    if (!start.empty() && alive(pid) && starttime_of(pid) == start) ::kill(pid, SIGKILL);
  }
  // Marked: ours for sure. Again until none is left: a monitor may start
  // another daemon between two kills.
  for (int round = 0; round < 50; ++round) {
    std::vector<pid_t> left = pids_with_env(mark());
    if (left.empty()) break;
    for (pid_t pid : left) ::kill(pid, SIGKILL);
    wait_until([&] { return pids_with_env(mark()).size() < left.size() || pids_with_env(mark()).empty(); }, 100ms);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string Sandbox::write(const std::string& leaf, const std::string& text) const {
  std::string p = path(leaf);
  std::filesystem::create_directories(std::filesystem::path(p).parent_path());
  std::ofstream(p, std::ios::trunc) << text;
  return p;
}

std::string Sandbox::service(const std::string& name, const std::string& body) const {
  return write(name + ".toml", body);
}

Run Sandbox::run_in_folder(std::vector<std::string> args, RunOptions opt) {
  args.insert(args.begin(), {"--config-dir", dir_});
  return run(args, std::move(opt));
}

Run Sandbox::run(const std::vector<std::string>& args, RunOptions opt) {
  Run r = daemonctl(this->args(args), opt);
  // Every "(pid N)" of every line: several services may have started.
  for (auto at = r.out.find("(pid "); at != std::string::npos; at = r.out.find("(pid ", at + 1)) {
    if (pid_t pid = static_cast<pid_t>(std::atoi(r.out.c_str() + at + 5)); pid > 0) track(pid);
  }
  // And every monitor: killed first at the end, it restarts nothing.
  for (auto at = r.out.find("monitor pid "); at != std::string::npos; at = r.out.find("monitor pid ", at + 1)) {
    if (pid_t pid = static_cast<pid_t>(std::atoi(r.out.c_str() + at + 12)); pid > 0) tracked_.insert(tracked_.begin(), {pid, starttime_of(pid)});
  }
  return r;
}

pid_t Sandbox::pidfile_pid(const std::string& name) const {
  std::string text = slurp(state_dir() + "/" + name + ".pid");
  return text.empty() ? 0 : static_cast<pid_t>(std::atoi(text.c_str()));
}

pid_t pid_in(const std::string& text) {
  auto at = text.rfind("(pid ");
  return at == std::string::npos ? 0 : static_cast<pid_t>(std::atoi(text.c_str() + at + 5));
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string record_field(const Sandbox& box, const std::string& name, const std::string& key) {
  std::string text = "\n" + slurp(box.state_dir() + "/" + name + ".record");
  auto at = text.find("\n" + key + " ");
  if (at == std::string::npos) return {};
  at += key.size() + 2;
  return text.substr(at, text.find('\n', at) - at);
}

bool exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

Stat stat_of(pid_t pid) {
  Stat st;
  std::string text = slurp("/proc/" + std::to_string(pid) + "/stat");
  auto close = text.rfind(')');
  if (close == std::string::npos) return st;
  std::istringstream in(text.substr(close + 2));
  in >> st.state >> st.ppid >> st.pgrp >> st.session >> st.tty_nr;
  return st;
}

std::string status_field(pid_t pid, const std::string& field) {
  std::istringstream in(slurp("/proc/" + std::to_string(pid) + "/status"));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field + ":", 0) == 0) {
      auto v = line.substr(field.size() + 1);
      auto b = v.find_first_not_of(" \t");
      return b == std::string::npos ? "" : v.substr(b);
    }
  }
  return "";
}

std::map<int, std::string> fds_of(pid_t pid) {
  std::map<int, std::string> out;
  std::string dir = "/proc/" + std::to_string(pid) + "/fd";
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    out[std::atoi(entry.path().filename().c_str())] = std::filesystem::read_symlink(entry.path(), ec).string();
  }
  return out;
}

std::map<std::string, std::string> environ_of(pid_t pid) {
  std::map<std::string, std::string> out;
  std::string text = slurp("/proc/" + std::to_string(pid) + "/environ");
  std::istringstream in(text);
  for (std::string entry; std::getline(in, entry, '\0');) {
    auto eq = entry.find('=');
    if (eq != std::string::npos) out[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return out;
}

std::string cwd_of(pid_t pid) {
  std::error_code ec;
  return std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/cwd", ec).string();
}

bool alive(pid_t pid) {
  char state = stat_of(pid).state;
  return state != '?' && state != 'Z' && state != 'X';
}

pid_t spawn_child(const std::vector<std::string>& argv) {
  std::vector<char*> v;
  for (const auto& a : argv) v.push_back(const_cast<char*>(a.c_str()));
  v.push_back(nullptr);
  // Returns once the child has exec'd: EOF on a close-on-exec pipe.
  int sync[2];
  if (::pipe2(sync, O_CLOEXEC) < 0) throw std::runtime_error("pipe");
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    ::execv(v[0], v.data());
    ::_exit(127);
  }
  ::close(sync[1]);
  char byte;
  while (::read(sync[0], &byte, 1) < 0 && errno == EINTR) {
  }
  ::close(sync[0]);
  return pid;
}

std::string with_python(Sandbox& box, const std::string& json, const std::string& program) {
  std::string input = box.write("input.json", json);
  std::string script = box.write("check.py", "import json, sys\ndata = json.load(open(sys.argv[1]))\n" + program + "\n");
  std::string out;
  FILE* p = ::popen(("python3 '" + script + "' '" + input + "' 2>&1").c_str(), "r");
  if (!p) throw std::runtime_error("popen");
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  int status = ::pclose(p);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("python3 on the JSON failed: " + out + "\nJSON: " + json);
  }
  return out;
}

pid_t spawn_as(uid_t uid, const std::string& script) {
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    gid_t gid = uid;
    if (::setgroups(0, nullptr) < 0 || ::setgid(gid) < 0 || ::setuid(uid) < 0) ::_exit(126);
    ::execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

int run_as(uid_t uid, const std::string& script) {
  pid_t pid = spawn_as(uid, script);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

long unread_in_pipe(pid_t pid, int fd) {
  std::string path = "/proc/" + std::to_string(pid) + "/fd/" + std::to_string(fd);
  struct stat st;
  if (::stat(path.c_str(), &st) < 0 || !S_ISFIFO(st.st_mode)) return -1;  // a pipe, or a named one
  int reader = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);  // reads nothing: only asks
  if (reader < 0) return -1;
  int n = 0;
  bool ok = ::ioctl(reader, FIONREAD, &n) == 0;
  ::close(reader);
  return ok ? n : -1;
}

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace harness
