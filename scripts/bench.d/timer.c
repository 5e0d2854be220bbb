// Times one command: posix_spawn (a vfork, so the timer's own size costs
// nothing), wait, and print the wall time in microseconds on stdout. The
// command's stdout goes to /dev/null; its stderr is the timer's. Exits with
// the command's exit code (128+N if killed by signal N).
//   timer PROGRAM [ARG...]
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>

extern char** environ;

static long now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000L + t.tv_nsec / 1000;
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  long t0 = now_us();
  if (posix_spawnp(&pid, argv[1], &actions, NULL, argv + 1, environ) != 0) return 127;
  int status;
  if (waitpid(pid, &status, 0) < 0) return 127;
  printf("%ld\n", now_us() - t0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
