// The respawn timer: waits for a `sleep` daemon, SIGKILLs it and times
// until a new one has exec'd, RUNS times, 1.1 s apart. The new daemon is
// found in PIDFILE (daemonctl) or as the child of PID (the peers), polling
// every 100 us: faster polling takes the CPU the restart needs. Prints
// microseconds, one per line.
//   respawn pidfile PIDFILE RUNS | respawn parent PID RUNS
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>
static long now_us() { timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1000000L + t.tv_nsec / 1000; }
static int read_pid(const char* path) {
  char buf[32] = {0};
  int fd = open(path, O_RDONLY);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  return n > 0 ? atoi(buf) : 0;
}
static bool execd(int pid, const char* comm) {  // /proc/PID/stat names the new program
  char path[64], buf[512] = {0};
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  int fd = open(path, O_RDONLY);
  if (fd < 0) return false;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  return n > 0 && strstr(buf, comm) != nullptr && !strstr(buf, ") Z ");
}
// The child of `parent` running sleep, other than `old`; 0 if none yet.
static int child_of(int parent, int old) {
  DIR* d = opendir("/proc");
  int found = 0;
  while (dirent* e = readdir(d)) {
    int pid = atoi(e->d_name);
    if (pid <= 1 || pid == old) continue;
    char path[64], buf[512] = {0};
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    int fd = open(path, O_RDONLY);
    if (fd < 0) continue;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    const char* close_paren = n > 0 ? strrchr(buf, ')') : nullptr;
    int ppid = 0;
    char state = 0;
    if (close_paren && sscanf(close_paren + 2, "%c %d", &state, &ppid) == 2 && ppid == parent && state != 'Z' &&
        strstr(buf, "(sleep)")) {
      found = pid;
      break;
    }
  }
  closedir(d);
  return found;
}
int main(int argc, char** argv) {
  // respawn pidfile PIDFILE RUNS | respawn parent PID RUNS: microseconds, one per line
  if (argc != 4) return 2;
  bool by_parent = strcmp(argv[1], "parent") == 0;
  int parent = by_parent ? atoi(argv[2]) : 0;
  int runs = atoi(argv[3]);
  timespec pause{0, 100000}, settle{1, 100000000};  // runsv waits 1 s to restart what ran under 1 s
  auto current = [&](int old) { return by_parent ? child_of(parent, old) : read_pid(argv[2]); };
  for (int i = 0; i < runs; ++i) {
    int old = 0;
    for (long until = now_us() + 5000000; (old = current(0)) <= 1 || !execd(old, "(sleep)");) {
      if (now_us() > until) return 1;
      nanosleep(&pause, nullptr);
    }
    long t0 = now_us();
    kill(old, SIGKILL);
    for (long deadline = t0 + 10000000;;) {
      int pid = current(old);
      if (pid > 1 && pid != old && execd(pid, "(sleep)")) break;
      if (now_us() > deadline) return 1;
      nanosleep(&pause, nullptr);
    }
    printf("%ld\n", now_us() - t0);
    fflush(stdout);
    nanosleep(&settle, nullptr);  // between runs, not part of a measure
  }
  return 0;
}
