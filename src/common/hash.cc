#include "common/hash.h"

#include <xxhash.h>

#include <cstdio>

namespace hypertok {

uint64_t Hash64(std::string_view data) {
  return XXH3_64bits(data.data(), data.size());
}

struct Hasher64::State {
  XXH3_state_t* s = XXH3_createState();
  ~State() { XXH3_freeState(s); }
};

Hasher64::Hasher64() : state_(std::make_unique<State>()) {
  XXH3_64bits_reset(state_->s);
}
Hasher64::~Hasher64() = default;
Hasher64::Hasher64(Hasher64&&) noexcept = default;
Hasher64& Hasher64::operator=(Hasher64&&) noexcept = default;

void Hasher64::Update(std::string_view data) {
  XXH3_64bits_update(state_->s, data.data(), data.size());
}

uint64_t Hasher64::Digest() const { return XXH3_64bits_digest(state_->s); }

std::string Hex64(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace hypertok
