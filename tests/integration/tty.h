// daemonctl on pseudo-terminals: what a person at a terminal sees, with its
// stdout and stderr each on a terminal of its own, or on a pipe.
#pragma once

#include <string>
#include <vector>

#include "harness.h"

namespace harness {

/// Which of daemonctl's stdout and stderr are terminals; the others are pipes.
struct Ttys {
  bool out = true;
  bool err = true;
};

/// daemonctl() with the streams `ttys` names on pseudo-terminals of their
/// own, in raw mode: Run::out and Run::err hold the bytes as written (no
/// "\n" made "\r\n"). Its environment is ours with TERM=xterm and without
/// NO_COLOR, then opt.env_extra; of `opt`, only env_extra and timeout count.
Run daemonctl_on_tty(const std::vector<std::string>& args, Ttys ttys, const RunOptions& opt = {});

/// True if `text` holds an ANSI escape sequence (ESC).
inline bool has_escape(const std::string& text) { return text.find('\x1b') != std::string::npos; }

}  // namespace harness
