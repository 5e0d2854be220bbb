// An inotify instance: the kernel tells when a watched file is written or a
// watched folder gains, loses or renames an entry.
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"
#include "posix/unique_fd.h"

namespace daemonctl::posix {

class Inotify {
 public:
  /// A new instance, close-on-exec and non-blocking.
  static Result<Inotify> open();

  /// For poll(2): readable when events are pending.
  int fd() const { return fd_.get(); }

  /// Watches `path` (an IN_* `mask`); returns the watch descriptor. Watching
  /// the same file or folder again returns the same descriptor.
  Result<int> add_watch(const std::string& path, std::uint32_t mask);

  /// Stops watch `wd`; one the kernel already dropped (its file deleted) is
  /// no error.
  void remove_watch(int wd);

  /// Reads and discards every pending event: for a caller that only needs
  /// to know that something changed, and then looks for itself.
  Status drain();

 private:
  explicit Inotify(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

}  // namespace daemonctl::posix
