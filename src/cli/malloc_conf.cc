// jemalloc's compile-time options for the hypertok command (linked only when
// HYPERTOK_USE_JEMALLOC; see CMakeLists.txt).
//
// Why: on virtual machines a first touch of a 4 KiB page can cost ~10 µs,
// and a command that loads a 1 MB codebook and streams megabytes through
// fresh buffers touches thousands of them — 3,900 faults, ~40 ms of a
// 230 ms encode of a 15 MB book on the 2-core CI machine. With transparent
// huge pages for the heap (jemalloc madvises its 2 MiB-aligned extents when
// the system's THP mode is "madvise" or "always") those become a few dozen
// faults. Where THP is off the option does nothing.
extern "C" {
// Read by jemalloc at its first allocation; the symbol name is its API.
// NOLINTNEXTLINE(readability-identifier-naming)
extern const char* const malloc_conf = "thp:always,metadata_thp:always";
}
