// The floor of `status --all` (issue 13): the least a status of every
// service does the classic way. It stats each service file of CONFIG_DIR and
// reads /proc/PID/stat (the start time that proves identity) of each pid in
// PIDS_FILE. No parsing, no records, no pidfiles, no locks. (daemonctl itself
// proves identity by the pidfs inode its record holds, where the kernel has
// one: a pidfd and an fstat cost less than /proc/PID/stat. See
// docs/design.md.)   status_floor CONFIG_DIR PIDS_FILE
#include <cstdio>
#include <dirent.h>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
int main(int argc, char** argv) {  // floor CONFIG_DIR PIDS_FILE
  if (argc != 3) return 2;
  DIR* dir = opendir(argv[1]);
  if (!dir) return 1;
  std::string base = std::string(argv[1]) + "/";
  struct stat st;
  int files = 0, procs = 0;
  while (dirent* e = readdir(dir)) {
    std::string name = e->d_name;
    if (name.size() > 5 && name.compare(name.size() - 5, 5, ".toml") == 0) files += stat((base + name).c_str(), &st) == 0;
  }
  closedir(dir);
  FILE* pids = fopen(argv[2], "r");
  if (!pids) return 1;
  char buf[4096];
  for (int pid; fscanf(pids, "%d", &pid) == 1;) {
    int fd = open(("/proc/" + std::to_string(pid) + "/stat").c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    procs += read(fd, buf, sizeof buf) > 0;
    close(fd);
  }
  fclose(pids);
  printf("%d files, %d processes\n", files, procs);
  return 0;
}
