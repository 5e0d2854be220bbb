// daemonctl: turns a foreground program into a UNIX daemon, and stops it safely.
#include "cli/app.h"

int main(int argc, char** argv) { return daemonctl::cli::run(argc, argv); }
