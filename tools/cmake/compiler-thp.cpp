// Huge pages for the compiler's memory (CMakeLists.txt LOCKREF_COMPILER_THP): preloaded into
// GCC while it compiles, never linked into anything lockref builds.
//
// GCC's garbage-collected heap takes its memory from mmap, in anonymous mappings of 2 MB and
// more, and a unity batch here touches 3.6 to 5 GB of it. With the kernel's transparent huge
// pages in "madvise" mode (Debian's default) that memory is faulted in 4 KB pages: 961 000
// page faults for one lockref_cli batch. This mmap asks for huge pages on such mappings
// (madvise MADV_HUGEPAGE): 111 000 faults, and the batch compiled in 57-64 s instead of
// 80-84 s with two compiles at once (2026-12-03, README "Build cost"). Where the kernel has
// huge pages off, madvise refuses and nothing changes; the compiler's output is the same.
// glibc's malloc maps its own memory without this symbol, so only the compiler's direct
// mmap calls are seen.
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstddef>

extern "C" void* mmap(void* addr, std::size_t len, int prot, int flags, int fd, off_t off) {
  // The system call itself (no dlsym, so nothing here allocates); it returns -1 and sets
  // errno on failure, which is MAP_FAILED.
  void* p = reinterpret_cast<void*>(syscall(SYS_mmap, addr, len, prot, flags, fd, off));
  if (p != MAP_FAILED && (flags & MAP_ANONYMOUS) != 0 && len >= (std::size_t{2} << 20)) {
    madvise(p, len, MADV_HUGEPAGE);
  }
  return p;
}

extern "C" void* mmap64(void* addr, std::size_t len, int prot, int flags, int fd, off_t off) {
  return mmap(addr, len, prot, flags, fd, off);
}
