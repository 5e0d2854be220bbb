// The receiving end of the sd_notify protocol: a datagram socket whose
// address the daemon finds in $NOTIFY_SOCKET, and to which it sends lines
// such as "READY=1" or "STATUS=loading".
#pragma once

#include <optional>
#include <string>
#include <sys/types.h>

#include "common/result.h"
#include "posix/unique_fd.h"

namespace daemonctl::posix {

class NotifySocket {
 public:
  /// Binds at `path` (replacing a stale socket left there), mode 0600 and
  /// owned by `uid`:`gid`, so that only that user and root may send to it.
  /// A path too long for a socket address is replaced by a name in the
  /// abstract namespace ("@daemonctl/..."), which anyone may reach: the
  /// sender's uid, which the kernel vouches for, is checked on every message.
  static Result<NotifySocket> bind(const std::string& path, uid_t uid, gid_t gid);

  NotifySocket(NotifySocket&& other) noexcept;
  NotifySocket& operator=(NotifySocket&&) = delete;
  ~NotifySocket();  // removes the socket file

  int fd() const { return fd_.get(); }
  /// The value for NOTIFY_SOCKET: the path, or "@name" for an abstract one.
  const std::string& address() const { return address_; }

  struct Message {
    std::string text;  ///< "READY=1\nSTATUS=..."
    pid_t pid = 0;     ///< the sender, as the kernel saw it
    uid_t uid = 0;
  };
  /// The next datagram, without waiting; nullopt if there is none.
  std::optional<Message> receive() const;

 private:
  NotifySocket(UniqueFd fd, std::string address, std::string file)
      : fd_(std::move(fd)), address_(std::move(address)), file_(std::move(file)) {}
  UniqueFd fd_;
  std::string address_;
  std::string file_;  ///< "" for an abstract socket
};

/// The value of `key` ("READY") in a notify message's lines, if present.
std::optional<std::string> notify_field(const std::string& text, const std::string& key);

}  // namespace daemonctl::posix
