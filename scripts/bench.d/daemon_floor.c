// The floor of start and stop: the least a daemon manager must do, in C.
//
//   daemon_floor start PIDFILE PROGRAM [ARG...]
//     the APUE double fork (fork, setsid, fork, chdir /, umask 022, stdio on
//     /dev/null, exec), the daemon's pid in PIDFILE (written to a temporary
//     file and renamed), and return once the exec has happened (a close-on-
//     exec pipe reaches EOF), as daemonctl does. No lock, no identity record,
//     no config file, no exec error reported.
//   daemon_floor stop PIDFILE
//     SIGTERM through a pidfd, poll until the process has exited, remove the
//     pidfile. No proof of identity, no re-sent signal, no SIGKILL.
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int start(const char* pidfile, char** argv) {
  int report[2];
  if (pipe2(report, O_CLOEXEC) < 0) return 1;
  pid_t child = fork();
  if (child < 0) return 1;
  if (child == 0) {
    close(report[0]);
    setsid();
    pid_t daemon = fork();
    if (daemon != 0) {
      (void)!write(report[1], &daemon, sizeof daemon);
      _exit(daemon < 0);
    }
    if (chdir("/") < 0) _exit(127);
    umask(022);
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0), dup2(null, 1), dup2(null, 2);
    if (null > 2) close(null);
    execv(argv[0], argv);
    _exit(127);
  }
  close(report[1]);
  pid_t daemon = 0;
  if (read(report[0], &daemon, sizeof daemon) != sizeof daemon) return 1;
  waitpid(child, NULL, 0);
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp", pidfile);
  FILE* f = fopen(tmp, "w");
  if (!f || fprintf(f, "%d\n", daemon) < 0 || fclose(f) != 0 || rename(tmp, pidfile) < 0) return 1;
  char byte;
  while (read(report[0], &byte, 1) > 0) {
  }
  return 0;
}

static int stop(const char* pidfile) {
  FILE* f = fopen(pidfile, "r");
  int pid = 0;
  if (!f || fscanf(f, "%d", &pid) != 1) return 1;
  fclose(f);
  int fd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (fd < 0 || syscall(SYS_pidfd_send_signal, fd, SIGTERM, NULL, 0) < 0) return 1;
  struct pollfd p = {fd, POLLIN, 0};
  while (poll(&p, 1, -1) < 0) {
  }
  return unlink(pidfile) < 0;
}

int main(int argc, char** argv) {
  if (argc >= 4 && strcmp(argv[1], "start") == 0) return start(argv[2], argv + 3);
  if (argc == 3 && strcmp(argv[1], "stop") == 0) return stop(argv[2]);
  fprintf(stderr, "usage: daemon_floor start PIDFILE PROGRAM [ARG...] | stop PIDFILE\n");
  return 2;
}
