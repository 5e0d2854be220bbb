#include "config/text_file.h"

#include <cerrno>

#include "posix/files.h"

namespace daemonctl::config {

Result<std::string> read_text_file(const std::string& path) {
  auto text = posix::read_file(path, kMaxServiceFileSize);
  if (!text) {
    int err = text.error().err;
    if (err == EFBIG) return Error{ExitStatus::config, "'" + path + "': file too large (over 1 MiB)"};
    Error e = sys_error("cannot read service file '" + path + "'", err);
    if (e.status != ExitStatus::privilege) e.status = ExitStatus::config;
    return e;
  }
  if (text->find('\0') != std::string::npos) return Error{ExitStatus::config, "'" + path + "': not a text file"};
  return text;
}

}  // namespace daemonctl::config
