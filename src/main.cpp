// daemonctl: turns a foreground program into a UNIX daemon, and stops it safely.
#include "cli/app.h"
#include "posix/files.h"

int main(int argc, char** argv) {
  daemonctl::posix::ensure_standard_fds();  // started with <&- >&- 2>&-, say
  return daemonctl::cli::run(argc, argv);
}
