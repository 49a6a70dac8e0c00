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
//     The main thread's arena is set before main; the worker threads' once
//     a command knows how many it runs (PrepareArenasForThreads).
// Neither changes what is computed, only where memory comes from.
#include "cli/allocator.h"

#ifdef HYPERTOK_USE_JEMALLOC
#include <jemalloc/jemalloc.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <thread>
#include <utility>

#include "common/huge_page_allocator.h"

// Read by jemalloc at its first allocation; the name is its API.
const char* malloc_conf = "thp:always,metadata_thp:auto";

namespace hypertok::cli {
namespace {

// Caps the growth of arena a, which must exist, at one huge page.
void GrowByHugePages(unsigned a) {
  char name[64];
  std::snprintf(name, sizeof name, "arena.%u.retain_grow_limit", a);
  size_t limit = kHugePageBytes;
  mallctl(name, nullptr, nullptr, &limit, sizeof limit);
}

// Before main (after the libraries' own initializers): the main thread's
// arena, which loading and parsing use.
__attribute__((constructor)) void MainArenaGrowsByHugePages() {
  unsigned home = 0;
  size_t len = sizeof home;
  if (mallctl("thread.arena", &home, &len, nullptr, 0) == 0) GrowByHugePages(home);
}

}  // namespace

// The arenas of the worker threads, which jemalloc hands out in order to new
// threads — one per worker up to kMaxArenas in all: each arena costs ~2 MB
// of resident memory (its metadata, on huge pages) whether or not a thread
// comes to use it, so threads past the first few get arenas that grow the
// default way (first touches slower, nothing else), and a one-thread run
// gets none (2-3 of an English book encode's 17-18 huge pages were two such
// arenas' metadata). A short-lived thread visits them, not the main one:
// jemalloc purges the arena a thread leaves, and by now the main thread's
// holds the freed scratch of loading, whose huge pages a purge splits (the
// next touches of that memory then fault 4 KiB at a time: 690 page faults
// instead of 190 in an English book's -T2 encode).
// (It acts only when asked for more arenas than it has prepared. Each
// arena's metadata is a fresh huge page to clear, ~0.2 ms: hence a thread of
// its own, which encode starts before loading its model.)
std::future<void> PrepareArenasForWorkers(int workers) {
  constexpr unsigned kMaxArenas = 5;
  static unsigned prepared = 1;  // arena 0, before main
  std::promise<void> none;
  none.set_value();
  if (workers <= 0) return none.get_future();
  unsigned narenas = 0;
  size_t len = sizeof narenas;
  if (mallctl("arenas.narenas", &narenas, &len, nullptr, 0) != 0) return none.get_future();
  const unsigned wanted = std::min({narenas, kMaxArenas, static_cast<unsigned>(workers) + 1});
  if (wanted <= prepared) return none.get_future();
  const unsigned from = std::exchange(prepared, wanted);
  // (An arena that does not exist yet cannot be set: the thread moves into
  // each, which makes it, then ends.)
  return std::async(std::launch::async, [from, wanted] {
    for (unsigned a = from; a < wanted; ++a)
      if (mallctl("thread.arena", nullptr, nullptr, &a, sizeof a) == 0) GrowByHugePages(a);
  });
}

}  // namespace hypertok::cli

#else  // without jemalloc: the system allocator as it is

namespace hypertok::cli {
std::future<void> PrepareArenasForWorkers(int) {
  std::promise<void> none;
  none.set_value();
  return none.get_future();
}
}  // namespace hypertok::cli

#endif
