#include "posix/prefault.h"

#include <elf.h>
#include <link.h>
#include <sys/auxv.h>
#include <sys/mman.h>

#include <cstdint>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22  // Linux 5.14
#endif

namespace daemonctl::posix {

void prefault_program() noexcept {
  auto* phdrs = reinterpret_cast<const ElfW(Phdr)*>(::getauxval(AT_PHDR));
  auto count = static_cast<std::size_t>(::getauxval(AT_PHNUM));
  if (phdrs == nullptr) return;
  // The load bias: where the program headers are, less where they say they are.
  std::uintptr_t bias = 0;
  for (std::size_t i = 0; i < count; ++i) {
    if (phdrs[i].p_type == PT_PHDR) bias = reinterpret_cast<std::uintptr_t>(phdrs) - phdrs[i].p_vaddr;
  }
  constexpr std::uintptr_t page = 4096;
  for (std::size_t i = 0; i < count; ++i) {
    const ElfW(Phdr)& p = phdrs[i];
    if (p.p_type != PT_LOAD || (p.p_flags & PF_W) != 0) continue;
    std::uintptr_t begin = (bias + p.p_vaddr) & ~(page - 1);
    std::uintptr_t end = bias + p.p_vaddr + p.p_filesz;
    (void)::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_READ);
  }
}

}  // namespace daemonctl::posix
