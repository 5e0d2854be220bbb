// daemonctl: turns a foreground program into a UNIX daemon, and stops it safely.
#include <csignal>

#include "cli/app.h"
#include "posix/files.h"
#include "posix/nss.h"

int main(int argc, char** argv) {
  daemonctl::posix::ensure_standard_fds();  // started with <&- >&- 2>&-, say
  std::signal(SIGPIPE, SIG_IGN);  // a reader gone is an error value (EPIPE), not our death
  std::signal(SIGCHLD, SIG_DFL);  // an inherited SIG_IGN would reap our children for us
#ifdef DAEMONCTL_STATIC
  daemonctl::posix::use_files_for_users();
#endif
  return daemonctl::cli::run(argc, argv);
}
