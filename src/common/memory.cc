#include "common/memory.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace hypertok {

namespace {

// The value of a "Name:   123 kB" line of /proc/self/status, in bytes.
uint64_t StatusField(const char* name) {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return 0;
  char line[256];
  uint64_t kb = 0;
  const size_t n = std::strlen(name);
  while (std::fgets(line, sizeof line, f)) {
    if (std::strncmp(line, name, n) == 0 && line[n] == ':') {
      kb = std::strtoull(line + n + 1, nullptr, 10);
      break;
    }
  }
  std::fclose(f);
  return kb * 1024;
}

}  // namespace

uint64_t ResidentBytes() { return StatusField("VmRSS"); }
uint64_t PeakResidentBytes() { return StatusField("VmHWM"); }

Status CheckMemory(uint64_t limit, const char* stage) {
  if (limit == 0) return OkStatus();
  const uint64_t peak = PeakResidentBytes();
  HT_CHECK_OR_RETURN(peak <= limit, ResourceExhausted)
      << "training reached " << (peak >> 20) << " MiB while " << stage << ", over --max-memory "
      << (limit >> 20) << " MiB; lower --sample-tokens or raise --max-memory";
  return OkStatus();
}

StatusOr<uint64_t> ParseByteSize(const std::string& text) {
  char* end = nullptr;
  const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  HT_CHECK_OR_RETURN(end != text.c_str() && text[0] != '-', InvalidArgument)
      << "'" << text << "' is not a size (e.g. 2G, 512M)";
  int shift = 0;
  if (*end) {
    switch (*end | 0x20) {
      case 'k': shift = 10; break;
      case 'm': shift = 20; break;
      case 'g': shift = 30; break;
      case 't': shift = 40; break;
      default: shift = -1;
    }
    ++end;
    if (*end == 'i' || *end == 'I') ++end;
    if (*end == 'b' || *end == 'B') ++end;
  }
  HT_CHECK_OR_RETURN(shift >= 0 && *end == '\0' && (v >> (63 - shift)) == 0, InvalidArgument)
      << "'" << text << "' is not a size (e.g. 2G, 512M)";
  return static_cast<uint64_t>(v) << shift;
}

}  // namespace hypertok
