#include "clients.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>

#include "posix/unique_fd.h"

namespace real {

using daemonctl::posix::UniqueFd;

std::optional<std::string> exchange(int port, const std::string& request,
                                    const std::function<bool(const std::string&)>& complete) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return std::nullopt;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) return std::nullopt;
  for (size_t sent = 0; sent < request.size();) {
    ssize_t n = ::send(fd.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    sent += static_cast<size_t>(n);
  }
  std::string reply;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (!complete(reply)) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd.get(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) < 0 && errno != EINTR) break;
    char buf[4096];
    ssize_t n = ::recv(fd.get(), buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) break;  // closed by the server, or reset
    reply.append(buf, static_cast<size_t>(n));
  }
  return reply;
}

namespace {

/// The value of the whole RESP reply `reply` begins with; nullopt while it
/// is incomplete. Only the reply types of single-key commands.
std::optional<std::string> resp_value(const std::string& reply) {
  auto eol = reply.find("\r\n");
  if (eol == std::string::npos) return std::nullopt;
  std::string head = reply.substr(1, eol - 1);
  switch (reply[0]) {
    case '+':
    case ':':
      return head;
    case '$': {
      long len = std::stol(head);
      if (len < 0) return "(nil)";
      if (reply.size() < eol + 2 + static_cast<size_t>(len) + 2) return std::nullopt;
      return reply.substr(eol + 2, static_cast<size_t>(len));
    }
    default:
      return reply.substr(0, eol);
  }
}

}  // namespace

std::string redis(int port, const std::vector<std::string>& command) {
  std::string request = "*" + std::to_string(command.size()) + "\r\n";
  for (const auto& word : command) request += "$" + std::to_string(word.size()) + "\r\n" + word + "\r\n";
  auto reply = exchange(port, request, [](const std::string& r) { return resp_value(r).has_value(); });
  if (!reply) return "";
  return resp_value(*reply).value_or("");
}

std::string memcached_set(int port, const std::string& key, const std::string& value) {
  auto reply = exchange(port, "set " + key + " 0 0 " + std::to_string(value.size()) + "\r\n" + value + "\r\n",
                        [](const std::string& r) { return r.find("\r\n") != std::string::npos; });
  if (!reply) return "";
  return reply->substr(0, reply->find("\r\n"));
}

std::optional<std::string> memcached_get(int port, const std::string& key) {
  // "VALUE KEY FLAGS LEN\r\nDATA\r\nEND\r\n", or "END\r\n" alone for a miss.
  auto reply = exchange(port, "get " + key + "\r\n", [](const std::string& r) {
    return r.ends_with("END\r\n") || r.find("ERROR") != std::string::npos;
  });
  if (!reply || !reply->starts_with("VALUE ")) return std::nullopt;
  auto data = reply->find("\r\n") + 2;
  auto end = reply->rfind("\r\nEND\r\n");
  if (end == std::string::npos || end < data) return std::nullopt;
  return reply->substr(data, end - data);
}

HttpReply http_get(int port, const std::string& path) {
  auto reply = exchange(port, "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n",
                        [](const std::string&) { return false; });
  HttpReply out;
  // "HTTP/1.1 200 OK\r\n...headers...\r\n\r\nbody"
  if (!reply || !reply->starts_with("HTTP/1.") || reply->size() < 12) return out;
  out.status = std::atoi(reply->c_str() + 9);
  auto body = reply->find("\r\n\r\n");
  if (body != std::string::npos) out.body = reply->substr(body + 4);
  return out;
}

std::string output_of(const std::vector<std::string>& argv) {
  int out[2];
  if (::pipe2(out, O_CLOEXEC) < 0) return "";
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(out[0]);
    ::close(out[1]);
    return "";
  }
  if (pid == 0) {
    ::dup2(out[1], 1);
    int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, 0);
    ::dup2(null, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(out[1]);
  UniqueFd reader(out[0]);
  std::string text;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(reader.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
  return text;
}

}  // namespace real
