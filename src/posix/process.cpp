#include "posix/process.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>

namespace daemonctl::posix {

void exit_now(int code) {
  std::fflush(stdout);
  std::fflush(stderr);
  ::_exit(code);
}

Result<std::string> working_directory() {
  // glibc's getcwd(NULL, 0) allocates what the path needs: one system call.
  char* cwd = ::getcwd(nullptr, 0);
  if (!cwd) return sys_error("getcwd");
  std::string path = cwd;
  std::free(cwd);
  return path;
}

void ignore_signal(int sig) { ::signal(sig, SIG_IGN); }

void default_signal(int sig) { ::signal(sig, SIG_DFL); }

Result<struct rlimit> resource_limit(int resource) {
  struct rlimit limit {};
  if (::getrlimit(resource, &limit) < 0) return sys_error("getrlimit");
  return limit;
}

Result<int> nice_value() {
  // -1 is a nice value too: only errno tells a failure.
  errno = 0;
  int nice = ::getpriority(PRIO_PROCESS, 0);
  if (errno != 0) return sys_error("getpriority");
  return nice;
}

}  // namespace daemonctl::posix
