#include "posix/nss.h"

#include <initializer_list>

#include <nss.h>  // glibc's __nss_configure_lookup: nsswitch.conf's line for a database

namespace daemonctl::posix {

void use_files_for_users() noexcept {
  for (const char* db : {"passwd", "group", "initgroups"}) (void)__nss_configure_lookup(db, "files");
}

}  // namespace daemonctl::posix
