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
  /// Binds a socket in the abstract namespace, "@daemonctl/notify/" and 128
  /// random bits in hex (getrandom): no file, so the daemon reaches it
  /// whatever its user and the modes of the state dir's folders; a name no
  /// one can guess, so no one can bind it first. Whoever learns it (from
  /// /proc/net/unix) may send to it: receive() gives the sender's uid, which
  /// the kernel vouches for, to check on every message. The socket is in
  /// daemonctl's network namespace, which is the daemon's.
  static Result<NotifySocket> open();

  NotifySocket(NotifySocket&& other) noexcept = default;
  NotifySocket& operator=(NotifySocket&&) = delete;

  int fd() const { return fd_.get(); }
  /// The value for NOTIFY_SOCKET: "@daemonctl/notify/<32 hex digits>".
  const std::string& address() const { return address_; }

  struct Message {
    std::string text;  ///< "READY=1\nSTATUS=..."
    pid_t pid = 0;     ///< the sender, as the kernel saw it
    uid_t uid = 0;
  };
  /// The next datagram, without waiting; nullopt if there is none.
  std::optional<Message> receive() const;

 private:
  NotifySocket(UniqueFd fd, std::string address) : fd_(std::move(fd)), address_(std::move(address)) {}
  UniqueFd fd_;
  std::string address_;
};

/// The value of `key` ("READY") in a notify message's lines, if present.
std::optional<std::string> notify_field(const std::string& text, const std::string& key);

}  // namespace daemonctl::posix
