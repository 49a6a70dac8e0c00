#include "common/raw_buffer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>

namespace hypertok {
namespace {

// The padding past the end, which the encoder's padded forms read, is there
// and zero after every way of changing the size — also after shrinking over
// bytes that were written, and after growing by a copy.
void ExpectZeroPadding(RawBuffer& b, const std::string& when) {
  for (size_t k = 0; k < RawBuffer::kPadding; ++k)
    ASSERT_EQ(b.data()[b.size() + k], 0) << when << ": byte " << k << " past the end";
}

TEST(RawBufferTest, PaddingPastTheEndIsAlwaysZero) {
  RawBuffer b;
  b.Resize(0);
  ExpectZeroPadding(b, "empty");
  b.Resize(100);
  std::memset(b.data(), 'x', 100);
  b.Resize(10);
  ExpectZeroPadding(b, "shrunk");
  EXPECT_EQ(b.view(), std::string(10, 'x'));
  b.Reserve(size_t{3} << 20);  // a huge-page block, by a copy
  ExpectZeroPadding(b, "reserved");
  EXPECT_EQ(b.view(), std::string(10, 'x'));
  b.Resize(size_t{3} << 20);
  ExpectZeroPadding(b, "grown to the reserve");
  b.Assign("abc");
  ExpectZeroPadding(b, "assigned");
  EXPECT_EQ(b.view(), "abc");
  b.Assign("0123456789");
  b.DropPrefix(7);
  ExpectZeroPadding(b, "prefix dropped");
  EXPECT_EQ(b.view(), "789");
  RawBuffer fresh;
  fresh.Reserve(64);
  fresh.Resize(64);
  ExpectZeroPadding(fresh, "reserved when empty");
}

// A large HugeArray starts on a 2 MiB boundary — what lets the kernel back
// it with whole huge pages from its first byte — and a small one comes from
// the ordinary heap; both hold what is written to them.
TEST(HugeArrayTest, LargeArraysStartOnHugePageBoundaries) {
  for (size_t n : {size_t{1} << 19, size_t{1} << 20, (size_t{5} << 20) / 4 + 3}) {
    HugeArray<uint32_t> a = MakeHugeArray<uint32_t>(n);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(a.get()) % kHugePageBytes, 0u) << n << " ids";
    a[0] = 1;
    a[n - 1] = 2;
    EXPECT_EQ(a[0] + a[n - 1], 3u);
  }
  HugeArray<uint32_t> small = MakeHugeArray<uint32_t>(100);
  small[99] = 7;
  EXPECT_EQ(small[99], 7u);
}

}  // namespace
}  // namespace hypertok
