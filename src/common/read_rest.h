// Reading a source whole into memory the caller provides — one loop for every
// buffer type (a std::string in ReadFileToString, huge pages for a codebook
// file), so the size limit and the sizing from the file are decided once.
#ifndef HYPERTOK_COMMON_READ_REST_H_
#define HYPERTOK_COMMON_READ_REST_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "hypertok/io.h"

namespace hypertok {

// Appends the rest of src to a buffer holding *size bytes. grow(n) must make
// the buffer hold room for n bytes, keeping its first *size, and return its
// start; it is called first with a regular file's remaining size plus one
// (so its end shows without growing) or 64 KiB, then with twice that, never
// past max_bytes + 1. More than max_bytes in all is kResourceExhausted,
// found before reading when the file's size shows it.
template <typename Grow>
Status ReadRest(FileSource& src, size_t max_bytes, size_t* size, Grow&& grow) {
  const uint64_t hint = src.size_hint();
  HT_CHECK_OR_RETURN(hint <= max_bytes && *size <= max_bytes - hint, ResourceExhausted)
      << src.name() << ": larger than " << max_bytes << " bytes";
  size_t cap = *size + (hint > 0 ? hint + 1 : size_t{1} << 16);
  char* data = grow(cap);
  for (;;) {
    if (*size == cap) data = grow(cap = std::min(2 * cap, max_bytes + 1));
    HT_ASSIGN_OR_RETURN(size_t got, src.Read(data + *size, cap - *size));
    if (got == 0) return OkStatus();
    *size += got;
    HT_CHECK_OR_RETURN(*size <= max_bytes, ResourceExhausted)
        << src.name() << ": larger than " << max_bytes << " bytes";
  }
}

}  // namespace hypertok

#endif  // HYPERTOK_COMMON_READ_REST_H_
