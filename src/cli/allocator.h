// The hypertok command's allocator settings (allocator.cc).
#ifndef HYPERTOK_CLI_ALLOCATOR_H_
#define HYPERTOK_CLI_ALLOCATOR_H_

#include <future>

namespace hypertok::cli {

// Readies the allocator for `workers` threads besides the main one: with
// jemalloc, the arenas they will use grow 2 MiB at a time, like the main
// thread's (see allocator.cc); without jemalloc, does nothing. Only speed
// depends on it. Called once a command knows how many threads it starts, so
// a run without workers creates no arena it will not use. The returned
// future is ready once the arenas are; the work is done on a thread of its
// own, so a command can load its model meanwhile (the future's destructor
// waits). Called from the main thread only.
std::future<void> PrepareArenasForWorkers(int workers);

}  // namespace hypertok::cli

#endif  // HYPERTOK_CLI_ALLOCATOR_H_
