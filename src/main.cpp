// daemonctl: turns a foreground program into a UNIX daemon, and stops it safely.
#include <csignal>

#include "cli/app.h"
#include "posix/files.h"
#include "posix/nss.h"
#include "posix/process.h"

int main(int argc, char** argv) {
  daemonctl::posix::ensure_standard_fds();  // started with <&- >&- 2>&-, say
  daemonctl::posix::ignore_signal(SIGPIPE);   // a reader gone is an error value (EPIPE), not our death
  daemonctl::posix::default_signal(SIGCHLD);  // an inherited SIG_IGN would reap our children for us
#ifdef DAEMONCTL_STATIC
  daemonctl::posix::use_files_for_users();
#endif
  // Flushed and ended here: the static destructors have nothing to release
  // that the kernel does not.
  daemonctl::posix::exit_now(daemonctl::cli::run(argc, argv));
}
