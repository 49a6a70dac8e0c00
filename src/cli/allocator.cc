// The hypertok command's allocator settings: jemalloc on transparent huge
// pages (linked only when HYPERTOK_USE_JEMALLOC; see CMakeLists.txt).
//
// Why: on virtual machines a first touch of a 4 KiB page can cost ~10 µs,
// and a command that loads a 1 MB codebook and streams megabytes through
// fresh buffers touches thousands of them — 3,900 faults, ~40 ms of a
// 230 ms encode of a 15 MB book on the 2-core CI machine. Two settings make
// most of those a few 2 MiB faults instead:
//   - thp:always: jemalloc marks its mappings MADV_HUGEPAGE (where the
//     system's THP mode is "madvise" or "always"; elsewhere it does nothing);
//   - every arena grows its address space 2 MiB at a time (by default it
//     grows by 2, 2.5, 3, 3.5 ... MiB, and the kernel backs only whole
//     aligned 2 MiB ranges with a huge page, so most of those would still
//     fault 4 KiB at a time). 2 MiB growths are 2 MiB-aligned by the kernel.
// Neither changes what is computed, only where memory comes from.
#include <jemalloc/jemalloc.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <thread>

#include "common/huge_page_allocator.h"

// Read by jemalloc at its first allocation; the name is its API.
const char* malloc_conf = "thp:always,metadata_thp:auto";

namespace {

// Before main (after the libraries' own initializers): cap the growth of
// the arenas this process's threads will use — the main thread's and one
// per hardware thread, at most kMaxArenas: each arena created here costs
// ~2 MB of resident memory whether or not a thread comes to use it, so on a
// large machine the threads past the first few get arenas that grow the
// default way (first touches slower, nothing else). An arena that does not
// exist yet cannot be set, so the calling thread visits each (which creates
// it) and comes back.
__attribute__((constructor)) void GrowArenasByHugePages() {
  unsigned narenas = 0, home = 0;
  size_t len = sizeof(unsigned);
  if (mallctl("arenas.narenas", &narenas, &len, nullptr, 0) != 0) return;
  len = sizeof(unsigned);
  if (mallctl("thread.arena", &home, &len, nullptr, 0) != 0) return;
  constexpr unsigned kMaxArenas = 5;
  const unsigned wanted =
      std::min({narenas, kMaxArenas, std::max(2u, std::thread::hardware_concurrency() + 1)});
  size_t limit = hypertok::kHugePageBytes;
  for (unsigned a = 0; a < wanted; ++a) {
    if (mallctl("thread.arena", nullptr, nullptr, &a, sizeof a) != 0) break;
    char name[64];
    std::snprintf(name, sizeof name, "arena.%u.retain_grow_limit", a);
    mallctl(name, nullptr, nullptr, &limit, sizeof limit);
  }
  mallctl("thread.arena", nullptr, nullptr, &home, sizeof home);
}

}  // namespace
