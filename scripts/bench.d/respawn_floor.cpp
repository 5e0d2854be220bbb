// The least any supervisor can do here: SIGKILL its child, reap it, fork
// and exec a new one (a close-on-exec pipe tells when the exec happened).
// Prints microseconds, one per run.   respawn_floor MARKER RUNS
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
static long now_us() { timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1000000L + t.tv_nsec / 1000; }
static pid_t spawn(const char* arg) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0) exit(1);
  pid_t c = fork();
  if (c == 0) { execl("/bin/sleep", "sleep", arg, (char*)nullptr); _exit(127); }
  close(p[1]);
  char b;
  (void)!read(p[0], &b, 1);  // EOF: exec'd
  close(p[0]);
  return c;
}
int main(int argc, char** argv) {  // floor MARKER RUNS
  if (argc != 3) return 2;
  timespec settle{0, 100000000};
  pid_t child = spawn(argv[1]);
  for (int i = 0, runs = atoi(argv[2]); i < runs; ++i) {
    long t0 = now_us();
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
    child = spawn(argv[1]);
    printf("%ld\n", now_us() - t0);
    nanosleep(&settle, nullptr);
  }
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  return 0;
}
