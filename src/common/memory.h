// The process's memory use, for --max-memory: resident and peak resident
// bytes, from /proc/self/status (0 where that cannot be read).
#ifndef HYPERTOK_COMMON_MEMORY_H_
#define HYPERTOK_COMMON_MEMORY_H_

#include <cstdint>
#include <string>

#include "hypertok/status.h"

namespace hypertok {

uint64_t ResidentBytes();
uint64_t PeakResidentBytes();

// kResourceExhausted naming `stage` when the peak resident size has passed
// `limit` bytes (0 = no limit); OK otherwise.
Status CheckMemory(uint64_t limit, const char* stage);

// Parses a size: a number with an optional K, M, G or T suffix (powers of
// 1024; "2G", "512M", "1500000"). kInvalidArgument if it is not one.
StatusOr<uint64_t> ParseByteSize(const std::string& text);

}  // namespace hypertok

#endif  // HYPERTOK_COMMON_MEMORY_H_
