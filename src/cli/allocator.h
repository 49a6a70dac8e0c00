// The hypertok command's allocator settings (allocator.cc).
#ifndef HYPERTOK_CLI_ALLOCATOR_H_
#define HYPERTOK_CLI_ALLOCATOR_H_

namespace hypertok::cli {

// Readies the allocator for a command that runs `threads` threads: with
// jemalloc, the arenas its worker threads will use grow 2 MiB at a time, like
// the main thread's (see allocator.cc); without jemalloc, does nothing. Only
// speed depends on it. Called by ResolveThreads, once a command knows its
// thread count, so a one-thread run creates no arena it will not use.
void PrepareArenasForThreads(int threads);

}  // namespace hypertok::cli

#endif  // HYPERTOK_CLI_ALLOCATOR_H_
