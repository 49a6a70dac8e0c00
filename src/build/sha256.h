// SHA-256 (FIPS 180-4), for the content fingerprints of dataset builds (lock
// files, cache keys): the digest `sha256sum` prints, so users can check a
// lock file with standard tools. Our own ~100 lines rather than libcrypto:
// linking libcrypto cost every hypertok command ~3 ms of start-up for a
// function only `hypertok build` uses. Not for secrets (no constant-time
// guarantees are needed or made).
#ifndef HYPERTOK_BUILD_SHA256_H_
#define HYPERTOK_BUILD_SHA256_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace hypertok {

class Sha256 {
 public:
  Sha256();
  void Update(std::string_view data);
  // The digest of everything added; the object is spent afterwards.
  std::array<uint8_t, 32> Finish();
  // Lower-case hex of Finish().
  std::string FinishHex();

 private:
  void Block(const uint8_t* p);
  uint32_t h_[8];
  uint8_t buf_[64];
  size_t buf_len_ = 0;
  uint64_t total_ = 0;  // bytes
};

// The lower-case hex digest of `data`, in one call.
std::string Sha256Hex(std::string_view data);

}  // namespace hypertok

#endif  // HYPERTOK_BUILD_SHA256_H_
