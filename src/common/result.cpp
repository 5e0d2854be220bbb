#include "common/result.h"

#include <cstring>

namespace daemonctl {

Error sys_error(std::string what, int err) {
  auto status = (err == EACCES || err == EPERM) ? ExitStatus::privilege : ExitStatus::failure;
  return Error{status, std::move(what) + ": " + std::strerror(err), err};
}

}  // namespace daemonctl
