// A test daemon that serves TCP late: listen_after MS PORT sleeps MS
// milliseconds, then listens on 127.0.0.1:PORT and waits to be killed.
// With a third argument "kill-parent", it SIGKILLs its parent at once after
// listen(): a daemon that dies the moment its child serves.
#include <arpa/inet.h>
#include <signal.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <ctime>

int main(int argc, char** argv) {
  if (argc != 3 && !(argc == 4 && std::strcmp(argv[3], "kill-parent") == 0)) return 2;
  long ms = std::atol(argv[1]);
  timespec delay{ms / 1000, (ms % 1000) * 1000000};
  nanosleep(&delay, nullptr);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(std::atoi(argv[2])));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 || listen(fd, 16) < 0) return 1;
  if (argc == 4) kill(getppid(), SIGKILL);
  for (;;) pause();
}
