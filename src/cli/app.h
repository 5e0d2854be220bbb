// The command line: parses it, runs the command, reports the result.
#pragma once

namespace daemonctl::cli {

/// Runs daemonctl with these arguments; returns the process exit code.
int run(int argc, char** argv);

}  // namespace daemonctl::cli
