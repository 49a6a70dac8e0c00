#include "codec/unit_memo.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/huge_page_allocator.h"

namespace hypertok {
namespace {

std::string Key(int i) { return " word" + std::to_string(i); }

// The word-wise forms (kWide: kWideBytes readable from the start, the bytes
// past the unit arbitrary) agree with the byte-exact ones: the same hash for
// every length up to the memo's longest key, and equality that depends on
// the unit's bytes only — not on what follows them.
TEST(UnitMemoTest, WideHashAndCompareIgnoreTheBytesPastTheUnit) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 4000; ++round) {
    const size_t n = 1 + rng() % (round % 4 == 0 ? UnitMemo::kMaxKey : kWideBytes + 4);
    std::string a(n + kWideBytes, '\0'), b;
    for (char& c : a) c = static_cast<char>(rng() % 4 == 0 ? 0 : rng());
    b = a;
    for (size_t i = n; i < b.size(); ++i) b[i] = static_cast<char>(rng());  // differ past n
    const std::string_view u(a.data(), n), v(b.data(), n);
    const uint64_t h = UnitHash(std::string(u));  // an exact-size copy: nothing past it is read
    ASSERT_EQ(UnitHash<true>(u), h) << "n " << n;
    ASSERT_EQ(UnitHash<true>(v), h) << "n " << n;
    ASSERT_TRUE(BytesEqual<true>(a.data(), b.data(), n)) << "n " << n;
    ASSERT_TRUE(BytesEqual<false>(a.data(), b.data(), n)) << "n " << n;
    // One byte inside the unit changed: unequal either way.
    b[rng() % n] ^= static_cast<char>(1 + rng() % 255);
    ASSERT_FALSE(BytesEqual<true>(a.data(), b.data(), n)) << "n " << n;
    ASSERT_FALSE(BytesEqual<false>(a.data(), b.data(), n)) << "n " << n;
  }
}

TEST(UnitMemoTest, FindsWhatWasInsertedAndNothingElse) {
  UnitMemo memo(10, 1 << 14);
  const uint32_t one = 7, three[] = {1, 2, 3};
  memo.Insert(" a", UnitHash(" a"), &one, 1, 42);
  memo.Insert(" abc", UnitHash(" abc"), three, 3, UINT32_MAX);
  UnitMemo::Entry e;
  ASSERT_TRUE(memo.Find(" a", UnitHash(" a"), &e));
  EXPECT_EQ(e.n_ids, 1u);
  EXPECT_EQ(e.ids[0], 7u);
  EXPECT_EQ(e.bond_unit, 42u);
  ASSERT_TRUE(memo.Find(" abc", UnitHash(" abc"), &e));
  EXPECT_EQ(std::vector<uint32_t>(e.ids, e.ids + e.n_ids), (std::vector<uint32_t>{1, 2, 3}));
  EXPECT_EQ(e.bond_unit, UINT32_MAX);
  EXPECT_FALSE(memo.Find(" ab", UnitHash(" ab"), &e));
  // Same hash, different bytes: found only by its own key.
  EXPECT_FALSE(memo.Find(" abd", UnitHash(" abc"), &e));
}

TEST(UnitMemoTest, StopsTakingEntriesWhenFull) {
  UnitMemo memo(4, 1 << 12);  // 16 slots: at most 12 entries
  for (int i = 0; i < 40; ++i) {
    const uint32_t id = i;
    memo.Insert(Key(i), UnitHash(Key(i)), &id, 1, 0);
  }
  int found = 0;
  for (int i = 0; i < 40; ++i) {
    UnitMemo::Entry e;
    if (memo.Find(Key(i), UnitHash(Key(i)), &e)) {
      ++found;
      EXPECT_EQ(e.ids[0], static_cast<uint32_t>(i));
    }
  }
  EXPECT_EQ(found, 12);
  // A full arena refuses too, without touching memory past its end.
  UnitMemo small_arena(10, 8);
  const uint32_t ids[] = {1, 2, 3, 4, 5, 6};
  small_arena.Insert(Key(1), UnitHash(Key(1)), ids, 6, 0);  // 1 + 6 + 2 words > 8
  UnitMemo::Entry e;
  EXPECT_FALSE(small_arena.Find(Key(1), UnitHash(Key(1)), &e));
}

// Many distinct units with one hash (text can be crafted so: the hash is
// fixed): at most kMaxProbes of them are taken, the rest cost no entry, and
// units elsewhere in the table are still taken. (Without the bound every
// insert and lookup walked the whole run, and the flood filled the memo.)
TEST(UnitMemoTest, CollidingUnitsTakeAtMostKMaxProbesSlotsAndNothingElse) {
  UnitMemo memo(12, 1 << 18);                      // 4096 slots: at most 3072 entries
  constexpr uint64_t kFlood = 0x1234567800000000;  // home slot 0
  for (int i = 0; i < 20000; ++i) {
    const uint32_t id = i;
    memo.Insert(Key(i), kFlood, &id, 1, 0);
  }
  int found = 0;
  for (int i = 0; i < 20000; ++i) {
    UnitMemo::Entry e;
    if (memo.Find(Key(i), kFlood, &e)) {
      ++found;
      EXPECT_EQ(e.ids[0], static_cast<uint32_t>(i));
    }
  }
  EXPECT_EQ(found, static_cast<int>(UnitMemo::kMaxProbes));
  // 2000 more units, each with a home slot of its own past the run: all
  // taken (the flood spent only the entries it got).
  for (int i = 0; i < 2000; ++i) {
    const uint32_t id = 100000 + i;
    memo.Insert(Key(100000 + i), uint64_t{0xABC00000u + i} << 32 | (200 + i), &id, 1, 0);
  }
  for (int i = 0; i < 2000; ++i) {
    UnitMemo::Entry e;
    ASSERT_TRUE(memo.Find(Key(100000 + i), uint64_t{0xABC00000u + i} << 32 | (200 + i), &e)) << i;
    EXPECT_EQ(e.ids[0], static_cast<uint32_t>(100000 + i));
  }
}

TEST(UnitMemoTest, InsertsAlternatingBetweenMemosLandInTheirOwn) {
  // A thread inserts into memos from its own claimed space; switching
  // memos (or a new memo where a destroyed one was) must not write into the
  // other's space.
  for (int round = 0; round < 3; ++round) {
    UnitMemo a(10, 1 << 12), b(10, 1 << 12);
    for (int i = 0; i < 300; ++i) {
      const uint32_t ids[] = {static_cast<uint32_t>(i), 7};
      UnitMemo& m = i % 3 == 0 ? a : b;
      m.Insert(Key(i), UnitHash(Key(i)), ids, 1 + i % 2, i);
    }
    for (int i = 0; i < 300; ++i) {
      UnitMemo::Entry e;
      UnitMemo& m = i % 3 == 0 ? a : b;
      UnitMemo& other = i % 3 == 0 ? b : a;
      ASSERT_TRUE(m.Find(Key(i), UnitHash(Key(i)), &e)) << i;
      EXPECT_EQ(e.ids[0], static_cast<uint32_t>(i));
      EXPECT_EQ(e.n_ids, 1u + i % 2);
      EXPECT_EQ(e.bond_unit, static_cast<uint32_t>(i));
      EXPECT_FALSE(other.Find(Key(i), UnitHash(Key(i)), &e)) << i;
    }
  }
}

TEST(UnitMemoTest, ConcurrentInsertsAndFindsAgree) {
  // Two threads insert overlapping key sets (the same key gets the same
  // value, as in the encoder) while reading; every key is then found with
  // its value.
  UnitMemo memo(16, 1 << 20);
  constexpr int kKeys = 20000;
  auto work = [&](int from, int to) {
    for (int i = from; i < to; ++i) {
      const std::string k = Key(i);
      const uint32_t ids[] = {static_cast<uint32_t>(i), static_cast<uint32_t>(i) + 1};
      UnitMemo::Entry e;
      if (memo.Find(k, UnitHash(k), &e)) {
        ASSERT_EQ(e.ids[0], static_cast<uint32_t>(i));
      } else {
        memo.Insert(k, UnitHash(k), ids, 1 + i % 2, i);
      }
    }
  };
  std::thread t1(work, 0, kKeys * 2 / 3), t2(work, kKeys / 3, kKeys);
  t1.join();
  t2.join();
  for (int i = 0; i < kKeys; ++i) {
    UnitMemo::Entry e;
    ASSERT_TRUE(memo.Find(Key(i), UnitHash(Key(i)), &e)) << i;
    ASSERT_EQ(e.n_ids, 1u + i % 2);
    ASSERT_EQ(e.ids[0], static_cast<uint32_t>(i));
    ASSERT_EQ(e.bond_unit, static_cast<uint32_t>(i));
  }
}

// Huge-page regions start on a 2 MiB boundary (the kernel backs only whole
// aligned 2 MiB ranges with huge pages) and every byte of them is usable;
// plain regions are usable too.
TEST(ReservedRegionTest, HugePageRegionsAreAlignedAndWhollyWritable) {
  constexpr size_t kHuge = kHugePageBytes;
  for (size_t bytes : {size_t{4096}, kHuge, 3 * kHuge + 12345, 4 * kHuge}) {
    for (bool huge : {false, true}) {
      // Several at once, so one does not just land where another was freed.
      std::vector<std::unique_ptr<ReservedRegion>> regions;
      for (int k = 0; k < 3; ++k) regions.push_back(std::make_unique<ReservedRegion>(bytes, huge));
      for (const auto& r : regions) {
        ASSERT_NE(r->data(), nullptr);
        EXPECT_EQ(r->size(), bytes);
        if (huge) EXPECT_EQ(reinterpret_cast<uintptr_t>(r->data()) % kHuge, 0u) << bytes;
        auto* p = static_cast<unsigned char*>(r->data());
        EXPECT_EQ(p[0], 0);
        EXPECT_EQ(p[bytes - 1], 0);  // zero until written
        std::memset(p, 0xA5, bytes);
        EXPECT_EQ(p[bytes - 1], 0xA5);
      }
    }
  }
}

}  // namespace
}  // namespace hypertok
