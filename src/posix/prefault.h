// Maps this program's code in one system call instead of a page fault per
// 64 KiB touched: a fault costs 10-15 us on the small VMs daemonctl is
// measured on, and every daemonctl command is a fresh process.
#pragma once

namespace daemonctl::posix {

/// madvise(MADV_POPULATE_READ) on each read-only segment of the executable
/// (code and constants, already in the page cache). Best effort: kernels
/// before 5.14 refuse it, and nothing changes.
void prefault_program() noexcept;

}  // namespace daemonctl::posix
