#include "posix/pipe.h"

#include <fcntl.h>
#include <unistd.h>

namespace daemonctl::posix {

Result<Pipe> make_pipe(int flags) {
  int ends[2];
  if (::pipe2(ends, flags | O_CLOEXEC) < 0) return sys_error("pipe");
  return Pipe{UniqueFd(ends[0]), UniqueFd(ends[1])};
}

}  // namespace daemonctl::posix
