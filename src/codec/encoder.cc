// Two-level minimum-token segmentation.
//
// Pieces are of two kinds, decided once from their bytes: a piece that the
// pre-tokenizer reads as one unit may be used inside a unit; a piece that it
// reads as several units (a hyperbond) may be used where the text has
// exactly those units. Each window is cut into units, then:
//   1. every unit gets its fewest-token spelling with the single-unit pieces —
//      a right-to-left DP over a trie of characters (of bytes when some
//      piece is not whole UTF-8 characters), ties to the longest first piece —
//      memoized in one table shared by all threads (unit_memo.h), so each
//      distinct unit is segmented once per encoder;
//   2. the unit sequence gets its fewest tokens by a right-to-left DP whose
//      steps are "a unit's own spelling" or "one multi-unit piece" (matched
//      in a trie over unit ids); ties go to the multi-unit piece, then to the
//      longer one.
// This is the same objective the codebook builder minimizes, and it makes
// the work per byte a hash lookup for almost every unit of real text.
#include "hypertok/encoder.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <future>
#include <numeric>
#include <span>
#include <utility>

#include "codec/char_alphabet.h"
#include "codec/pretokenizer.h"
#include "codec/symbol_trie.h"
#include "codec/unit_memo.h"
#include "common/bytes.h"
#include "common/huge_page_allocator.h"
#include "common/utf8.h"

namespace hypertok {

namespace {

constexpr uint32_t kNone = 0xFFFFFFFFu;

// The revision of the tables an index (codebook section ENCX) holds. Bump it
// whenever what Build makes of a codebook could change — the pre-tokenizer's
// units, the alphabet's numbering, which pieces go in which trie — so that
// an older index is built afresh instead of read (ReadIndex).
constexpr uint32_t kIndexRevision = 1;

// Interned units: a unit's bytes → a dense id (0, 1, ... in order of first
// Add), by open addressing on UnitHash, at most half full; the keys sit end
// to end in one string. Building the bond trie looks a unit up for every
// unit of every multi-unit piece (45k for the English codebook); with a
// node-based map of strings that took 0.5 ms more (of ~3).
class UnitIds {
 public:
  // The id of u (hash h = UnitHash(u)), or kNone.
  uint32_t Find(std::string_view u, uint64_t h) const {
    for (size_t s = Slot(h);; s = (s + 1) & mask_) {
      const uint32_t id = slots_[s];
      if (id == kNone) return kNone;
      if (hashes_[id] == h && Key(id) == u) return id;
    }
  }
  // The id of u (hash h), added if new.
  uint32_t Add(std::string_view u, uint64_t h) {
    if (2 * (size() + 1) > slots_.size()) Grow();
    size_t s = Slot(h);
    for (; slots_[s] != kNone; s = (s + 1) & mask_)
      if (hashes_[slots_[s]] == h && Key(slots_[s]) == u) return slots_[s];
    const auto id = static_cast<uint32_t>(size());
    slots_[s] = id;
    hashes_.push_back(h);
    bytes_.append(u);
    ends_.push_back(static_cast<uint32_t>(bytes_.size()));
    return id;
  }
  size_t size() const { return hashes_.size(); }
  uint64_t hash(uint32_t id) const { return hashes_[id]; }
  std::string_view Key(uint32_t id) const {
    const uint32_t begin = id == 0 ? 0 : ends_[id - 1];
    return std::string_view(bytes_).substr(begin, ends_[id] - begin);
  }

 private:
  // (The slot comes from the hash's high bits: the low ones pick the bond
  // filter's bit and the memo's slot.)
  size_t Slot(uint64_t h) const { return (h >> 32) & mask_; }
  void Grow() {
    slots_.assign(std::max<size_t>(1024, 2 * slots_.size()), kNone);
    mask_ = slots_.size() - 1;
    for (uint32_t id = 0; id < size(); ++id) {
      size_t s = Slot(hashes_[id]);
      while (slots_[s] != kNone) s = (s + 1) & mask_;
      slots_[s] = id;
    }
  }
  std::vector<uint32_t> slots_{kNone};  // ids, kNone where empty
  size_t mask_ = 0;
  std::vector<uint64_t> hashes_;
  std::vector<uint32_t> ends_;  // key id ends at bytes_[ends_[id]]
  std::string bytes_;
};

// Sorts keys by their bytes (as unsigned bytes, a prefix before its
// extensions), values along with them; keys are unique. Compares the first
// 16 bytes as two big-endian words first, so most comparisons are integer
// compares that need not read the keys.
void SortKeysByBytes(std::vector<std::string_view>* keys, std::vector<uint32_t>* values) {
  struct Key {  // 24 bytes, so the sort moves little
    uint64_t hi, lo;
    uint32_t index;
  };
  const std::vector<std::string_view>& k = *keys;
  std::vector<Key> sorted(k.size());
  for (size_t i = 0; i < k.size(); ++i) {
    unsigned char head[16] = {};
    std::memcpy(head, k[i].data(), std::min<size_t>(k[i].size(), 16));
    uint64_t hi, lo;
    std::memcpy(&hi, head, 8);
    std::memcpy(&lo, head + 8, 8);
    if constexpr (std::endian::native == std::endian::little) {
      hi = __builtin_bswap64(hi);
      lo = __builtin_bswap64(lo);
    }
    sorted[i] = {hi, lo, static_cast<uint32_t>(i)};
  }
  // By hi first, a byte at a time from its last (a stable LSD radix sort,
  // skipping the bytes every key shares), then each run of equal hi by the
  // rest. (std::sort by the whole order took ~1 ms for the English
  // codebook's 14k keys.)
  std::vector<uint32_t> counts(8 * 256, 0);
  for (const Key& key : sorted)
    for (int d = 0; d < 8; ++d) ++counts[d * 256 + (key.hi >> (8 * d) & 0xFF)];
  std::vector<Key> buffer(sorted.size());
  for (int d = 0; d < 8; ++d) {
    uint32_t* c = counts.data() + d * 256;
    if (std::ranges::count(std::span(c, 256), 0u) == 255) continue;  // one value: order kept
    for (uint32_t b = 0, sum = 0; b < 256; ++b) sum += std::exchange(c[b], sum);
    for (const Key& key : sorted) buffer[c[key.hi >> (8 * d) & 0xFF]++] = key;
    sorted.swap(buffer);
  }
  for (size_t r = 0, e; r < sorted.size(); r = e) {
    for (e = r + 1; e < sorted.size() && sorted[e].hi == sorted[r].hi;) ++e;
    std::sort(sorted.begin() + r, sorted.begin() + e, [&](const Key& x, const Key& y) {
      return x.lo != y.lo ? x.lo < y.lo : k[x.index] < k[y.index];
    });
  }
  std::vector<std::string_view> out_keys(k.size());
  std::vector<uint32_t> out_values(k.size());
  for (size_t i = 0; i < sorted.size(); ++i) {
    out_keys[i] = k[sorted[i].index];
    out_values[i] = (*values)[sorted[i].index];
  }
  *keys = std::move(out_keys);
  *values = std::move(out_values);
}

// A unit's spelling (n_ids ids at `ids`: in the memo or in extra).
struct Unit {
  const uint32_t* ids;
  uint32_t n_ids, bond_unit;
};

// Per-thread arrays for EncodeWindow, room for a window of `room` bytes (so
// that many units and ids), shared by its two instantiations. Grown to the
// largest window seen, never copied (each window fills them afresh) nor
// zero-filled. (Allocated for kWindowBytes at once, they were 20 MB of
// address space on huge pages, whose first pages every run touched.)
struct WindowScratch {
  HugeArray<Unit> units;
  HugeArray<uint32_t> extra, cost, choice, len;
  size_t room = 0;
  void Fit(size_t bytes) {
    if (bytes <= room) return;
    // (Past 64 KiB, room for the largest window at once, so that a text of
    // long scenes does not allocate and first-touch a chain of ever larger
    // arrays.)
    room = bytes > (size_t{1} << 16) ? std::max(bytes, Encoder::kWindowBytes)
                                     : std::max({bytes, 2 * room, size_t{4096}});
    units = MakeHugeArray<Unit>(room);
    for (auto* a : {&extra, &choice, &len}) *a = MakeHugeArray<uint32_t>(room);
    cost = MakeHugeArray<uint32_t>(room + 1);
  }
};
WindowScratch& ThreadWindowScratch() {
  thread_local WindowScratch scratch;
  return scratch;
}

// What an index may map a key to: a normal piece (not a byte, not special).
bool IsNormalPiece(const Codebook& cb, uint32_t v) {
  return v >= 256 && v < cb.size() && cb.piece(v).kind == PieceKind::kNormal;
}

// The bytes of normal piece v after those of piece `prefix` (all of them for
// SymbolTrie::kNoValue) in *rest; false when v is no normal piece or does
// not begin with prefix's bytes. (prefix < cb.size(), as Deserialize checks.)
bool PieceAfter(const Codebook& cb, uint32_t v, uint32_t prefix, std::string_view* rest) {
  if (!IsNormalPiece(cb, v)) return false;
  *rest = cb.piece(v).bytes;
  if (prefix == SymbolTrie::kNoValue) return true;
  const std::string_view p = cb.piece(prefix).bytes;
  if (!rest->starts_with(p)) return false;
  rest->remove_prefix(p.size());
  return true;
}

}  // namespace

struct Encoder::Impl {
  // Normal pieces usable inside a unit → id (see Build), over the symbols
  // of `alphabet` when whole_char_pieces, else over bytes.
  SymbolTrie trie;
  CharAlphabet alphabet;
  // Multi-unit pieces: units that occur in them get ids ("bond units"), and
  // the pieces form a trie over unit ids: a double array like the character
  // trie, where a step is one slot read with no probing (see ARCHITECTURE,
  // "Bonds", for the hash table of edges it replaced and why).
  UnitIds bond_units;
  SymbolTrie bond_trie;
  bool has_bonds = false;
  // Every normal piece decodes as whole UTF-8 characters (see SegmentUnit).
  bool whole_char_pieces = true;
  // Special tokens, longest first, and which bytes start one.
  std::vector<std::pair<std::string, uint32_t>> specials;
  bool special_first[256] = {};
  uint64_t codebook_id = 0;
  size_t vocab_size = 0;
  // Morph boundaries and the cost of a boundary off them, for a
  // morph-aligned codebook (else null and 0).
  std::shared_ptr<const MorphCutter> cutter;
  uint32_t penalty = 0;
  // Shared by all threads; starts with every single-unit piece spelled by
  // itself (what SegmentUnit would find: one token, the longest first piece).
  std::unique_ptr<UnitMemo> memo;
  // The unit of each byte alone (its byte token, its bond unit), for the
  // one-byte units the pre-tokenizer hands over as bytes (OneByte): most of
  // random bytes' units, which this takes without a hash or a lookup.
  uint32_t byte_ids[256];
  Unit byte_units[256];

  // Builds the tables from the codebook's pieces; or reads them from its
  // index (section ENCX), returning false, untouched, when the index is for
  // another vocabulary or another revision of these tables; then Finish
  // sets up what both share.
  void Build(const Codebook& cb);
  // With char_trie, the character trie is read and checked on a thread of
  // its own, whose outcome *char_trie holds (and which writes `trie`): the
  // caller must get it before the encoder is used.
  StatusOr<bool> ReadIndex(const Codebook& cb, std::string_view payload,
                           std::future<Status>* char_trie);
  void Finish(const Codebook& cb);
  std::string SerializeIndex() const;
  // Normal pieces that are one unit each, in id order, at most
  // UnitMemo::kMaxKey bytes: the memo starts with them (Finish).
  std::vector<uint32_t> single_ids;
  bool from_index = false;
  // Fewest tokens for one unit with the trie; writes the ids (at most one
  // per byte) to ids and returns how many.
  size_t SegmentUnit(std::string_view unit, uint32_t* ids) const;
  // The bond-unit id of `unit` (h = UnitHash(unit)), or kNone.
  uint32_t BondUnit(std::string_view unit, uint64_t h) const {
    if (!has_bonds) return kNone;
    // Most units are in no multi-unit piece; a one-bit-per-hash filter
    // answers those without the map.
    const uint64_t bit = h & (kBondFilterBits - 1);
    if (!(bond_filter[bit >> 6] >> (bit & 63) & 1)) return kNone;
    return bond_units.Find(unit, h);
  }
  static constexpr uint64_t kBondFilterBits = uint64_t{1} << 20;
  std::vector<uint64_t> bond_filter = std::vector<uint64_t>(kBondFilterBits / 64);
  // Writes the ids of one window (text.size() <= kWindowBytes) to out,
  // which has room for text.size() ids; returns how many. kPadded: kPadding
  // bytes past the window can be read.
  template <bool kPadded>
  size_t EncodeWindow(std::string_view text, uint32_t* out) const;
  // Encode and EncodePadded: window by window.
  template <bool kPadded>
  size_t EncodeWindows(std::string_view text, uint32_t* ids) const;
  // EncodeAllowingSpecial and its padded form.
  template <bool kPadded>
  size_t EncodeAllowingSpecial(std::string_view text, uint32_t* ids) const;
  // Calls plain(stretch) for each stretch of text between special tokens'
  // spellings and special(id) for each spelling, in order (longest first,
  // leftmost first).
  template <typename Plain, typename Special>
  void SplitAtSpecials(std::string_view text, Plain&& plain, Special&& special) const;
};

void Encoder::Impl::Build(const Codebook& cb) {
  // How many units each normal piece is (1: it can be used inside a unit),
  // and the multi-unit pieces (in id order) with their units, kept for the
  // bond trie below: piece multi_unit[k]'s units are
  // multi_units[multi_begin[k], multi_begin[k + 1]). (Loops that may go in
  // any order go in id order: the pieces are read from memory in sequence
  // rather than all over it.)
  std::vector<uint32_t> units_in(cb.size(), 0);
  std::vector<uint32_t> multi_unit, multi_begin{0};
  std::vector<std::string_view> multi_units;
  for (uint32_t id = 256; id < cb.size(); ++id) {
    if (cb.piece(id).kind != PieceKind::kNormal) continue;
    const std::string_view p = cb.piece(id).bytes;
    const size_t before = multi_units.size();
    ForEachUnit(p, [&](std::string_view u) { multi_units.push_back(u); });
    units_in[id] = static_cast<uint32_t>(multi_units.size() - before);
    if (units_in[id] < 2) {
      multi_units.resize(before);
    } else {
      multi_unit.push_back(id);
      multi_begin.push_back(static_cast<uint32_t>(multi_units.size()));
    }
    // (Strict UTF-8 is what ClassAt reads as characters, none kInvalid.)
    if (whole_char_pieces && !IsValidUtf8(p)) whole_char_pieces = false;
  }
  // The per-unit trie. When every piece is whole characters, a piece of
  // several units never matches inside one unit: every whole-character
  // substring of a unit is itself one unit (a run of one class, or a ' ' and
  // such a run, or whitespace), so it is left out — for the Russian and
  // English codebooks that is 40-60 % of the trie, which then stays in
  // cache; and the trie steps by characters (a Cyrillic word is then half
  // as many steps). Otherwise a piece of invalid bytes (one unit per byte)
  // may match inside a character, so every piece goes in, by bytes.
  std::vector<std::string_view> keys;
  std::vector<uint32_t> values;
  for (uint32_t id = 256; id < cb.size(); ++id) {
    if (cb.piece(id).kind != PieceKind::kNormal || (whole_char_pieces && units_in[id] != 1))
      continue;
    keys.push_back(cb.piece(id).bytes);
    values.push_back(id);
  }
  SortKeysByBytes(&keys, &values);
  if (whole_char_pieces) {
    alphabet = CharAlphabet::Build(keys);
    trie = alphabet.Trie(keys, values);
  } else {
    trie = SymbolTrie::Build(keys, values);
  }

  // Multi-unit pieces as strings of unit ids (ids in order of first use,
  // pieces in id order, so ids do not depend on hashing), sorted for the
  // trie: by their first two ids in two stable counting passes — each has
  // two units or more — then the runs that share both by the rest. (A
  // comparison sort of the English codebook's 18k such pieces took 2.3 ms;
  // this takes ~0.6.)
  const size_t n_multi = multi_unit.size();
  has_bonds = n_multi > 0;
  std::vector<uint32_t> unit_ids(multi_units.size());
  for (size_t x = 0; x < multi_units.size(); ++x)
    unit_ids[x] = bond_units.Add(multi_units[x], UnitHash(multi_units[x]));
  const auto n_units = static_cast<uint32_t>(bond_units.size());
  auto ids_of = [&](uint32_t k, size_t skip) {
    return std::span<const uint32_t>(unit_ids).subspan(multi_begin[k] + skip,
                                                       multi_begin[k + 1] - multi_begin[k] - skip);
  };
  std::vector<uint32_t> order(n_multi), by_second(n_multi), count;
  auto counting_pass = [&](size_t d, const std::vector<uint32_t>& in, std::vector<uint32_t>* out) {
    count.assign(n_units + 1, 0);
    for (uint32_t k : in) ++count[ids_of(k, d)[0] + 1];
    for (uint32_t a = 0; a < n_units; ++a) count[a + 1] += count[a];
    for (uint32_t k : in) (*out)[count[ids_of(k, d)[0]]++] = k;
  };
  std::iota(order.begin(), order.end(), 0u);
  counting_pass(1, order, &by_second);
  counting_pass(0, by_second, &order);
  auto head = [&](uint32_t k) { return std::pair(ids_of(k, 0)[0], ids_of(k, 0)[1]); };
  for (size_t r = 0, e; r < n_multi; r = e) {
    for (e = r + 1; e < n_multi && head(order[e]) == head(order[r]);) ++e;
    std::sort(order.begin() + r, order.begin() + e, [&](uint32_t a, uint32_t b) {
      return std::ranges::lexicographical_compare(ids_of(a, 2), ids_of(b, 2));
    });
  }
  std::vector<uint32_t> symbols, offsets{0}, pieces;
  symbols.reserve(unit_ids.size());
  for (uint32_t k : order) {
    const auto ids = ids_of(k, 0);
    symbols.insert(symbols.end(), ids.begin(), ids.end());
    offsets.push_back(static_cast<uint32_t>(symbols.size()));
    pieces.push_back(multi_unit[k]);
  }
  if (has_bonds) bond_trie = SymbolTrie::Build(symbols, offsets, pieces, n_units);
  for (uint32_t id = 256; id < cb.size(); ++id)
    if (units_in[id] == 1 && cb.piece(id).bytes.size() <= UnitMemo::kMaxKey)
      single_ids.push_back(id);
}

void Encoder::Impl::Finish(const Codebook& cb) {
  codebook_id = cb.id();
  vocab_size = cb.size();
  for (uint32_t id : cb.special_ids()) {
    specials.emplace_back(cb.piece(id).bytes, id);
    special_first[static_cast<uint8_t>(cb.piece(id).bytes[0])] = true;
  }
  std::stable_sort(specials.begin(), specials.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  for (uint32_t u = 0; u < bond_units.size(); ++u) {
    const uint64_t h = bond_units.hash(u) & (kBondFilterBits - 1);
    bond_filter[h >> 6] |= uint64_t{1} << (h & 63);
  }
  // 2^18 slots (4 MiB) hold 196k units: the vocabulary's single-unit pieces
  // and more distinct units than a book has (a 15 MB novel has ~125k), while
  // costing few page faults to set up; the arena (32 MiB of address space,
  // touched as used) holds their records. Past that, the rarer units of a
  // large corpus are segmented each time they occur.
  memo = std::make_unique<UnitMemo>(18, size_t{1} << 23);
  // (Hashed first, and each slot prefetched a few inserts ahead: inserts at
  // random places in a fresh 4 MiB table otherwise wait on memory one at a
  // time. The inserts keep their order, so the table is the same.)
  std::vector<std::pair<uint32_t, uint64_t>> singles;  // (id, hash)
  singles.reserve(single_ids.size());
  for (uint32_t id : single_ids) singles.emplace_back(id, UnitHash(cb.piece(id).bytes));
  constexpr size_t kFillAhead = 8;
  for (size_t i = 0; i < singles.size(); ++i) {
    if (i + kFillAhead < singles.size()) memo->PrefetchSlot(singles[i + kFillAhead].second);
    const auto [id, h] = singles[i];
    const std::string_view p = cb.piece(id).bytes;
    memo->Insert(p, h, &id, 1, BondUnit(p, h));
  }
  // And every one-byte unit, spelled by its byte token (single-byte pieces
  // are the byte tokens), so every unit the pre-tokenizer hands over as
  // text is looked up alike (a test of the unit's length was mispredicted
  // in text, see ARCHITECTURE); those it hands over as bytes are taken
  // from byte_units.
  for (uint32_t b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    const std::string_view u(&c, 1);
    const uint64_t h = UnitHash(u);
    const uint32_t bond_unit = BondUnit(u, h);
    memo->Insert(u, h, &b, 1, bond_unit);
    byte_ids[b] = b;
    byte_units[b] = {&byte_ids[b], 1, bond_unit};
  }
}

StatusOr<bool> Encoder::Impl::ReadIndex(const Codebook& cb, std::string_view payload,
                                        std::future<Status>* char_trie) {
  ByteReader r(payload);
  uint32_t revision = 0;
  uint64_t id = 0;
  if (!r.U32(&revision) || !r.U64(&id) || revision != kIndexRevision || id != cb.id()) return false;
  // The index claims to be this vocabulary's: from here on, anything that is
  // not what Build makes of it — or at least as safe — is damage.
  uint8_t flags = 0;
  HT_CHECK_OR_RETURN(r.U8(&flags) && flags <= 1, DataLoss) << "truncated, or unknown flags";
  whole_char_pieces = flags == 1;
  std::string_view chars;
  HT_CHECK_OR_RETURN(r.LengthPrefixed(r.remaining(), &chars), DataLoss) << "truncated alphabet";
  HT_CHECK_OR_RETURN(whole_char_pieces ? CharAlphabet::FromChars(chars, &alphabet) : chars.empty(),
                     DataLoss)
      << "the alphabet is not distinct characters in increasing order";
  const Codebook* const c = &cb;
  auto normal = [c](uint32_t v) { return IsNormalPiece(*c, v); };
  // Each trie key must spell its piece: then whatever the index holds, a
  // match in text is that piece's bytes, and encoding stays lossless.
  // (No key has more symbols — characters, bytes or units — than its
  // piece has bytes.) A key is checked as a shorter key's piece followed by
  // the bytes of some symbols (SymbolTrie::KeyCheck).
  auto piece_bytes = [c](uint32_t v) {
    return IsNormalPiece(*c, v) ? c->piece(v).bytes.size() : 0;
  };
  // The bytes of each symbol: a character of the alphabet (symbol s is its
  // s-th character, from 1), or a byte.
  std::vector<std::string_view> symbol_bytes(1);
  if (whole_char_pieces) {
    for (size_t i = 0, len; i < chars.size(); i += len) {
      len = Utf8SequenceLength(chars.substr(i));  // (valid: FromChars checked)
      symbol_bytes.push_back(chars.substr(i, len));
    }
  }
  SymbolTrie::KeyCheck char_keys{
      piece_bytes, [c, whole = whole_char_pieces, symbol_bytes = std::move(symbol_bytes)](
                       uint32_t v, uint32_t prefix, std::span<const uint32_t> path) {
        std::string_view rest;
        if (!PieceAfter(*c, v, prefix, &rest)) return false;
        for (uint32_t s : path) {
          if (whole) {
            if (!rest.starts_with(symbol_bytes[s])) return false;  // (s in the alphabet: checked)
            rest.remove_prefix(symbol_bytes[s].size());
          } else {
            if (rest.empty() || static_cast<uint8_t>(rest[0]) != s) return false;
            rest.remove_prefix(1);
          }
        }
        return rest.empty();
      }};
  auto read_char_trie = [this, c, alphabet_size = whole_char_pieces ? alphabet.size() + 1 : 256,
                         min_symbol = whole_char_pieces ? 1u : 0u,
                         keys = std::move(char_keys)](ByteReader& from) -> Status {
    HT_ASSIGN_OR_RETURN(trie, SymbolTrie::Deserialize(from, alphabet_size, min_symbol, c->size(),
                                                      keys, "character trie"));
    return OkStatus();
  };
  // On a thread of its own, the character trie is the next u32 n and n
  // slots of 12 bytes; a count the section cannot hold is left for the
  // reading here to report.
  uint32_t n_slots = 0;
  const uint64_t trie_bytes = ByteReader(r).U32(&n_slots) ? 4 + 12 * uint64_t{n_slots} : 0;
  if (char_trie == nullptr || trie_bytes == 0 || trie_bytes > r.remaining()) {
    HT_RETURN_IF_ERROR(read_char_trie(r));
  } else {
    std::string_view bytes;
    r.Bytes(trie_bytes, &bytes);
    *char_trie = std::async(std::launch::async, [read = std::move(read_char_trie), bytes]() {
      ByteReader from(bytes);
      return read(from);
    });
  }
  uint64_t n_units = 0;
  HT_CHECK_OR_RETURN(r.Varint(&n_units) && n_units <= r.remaining(), DataLoss)
      << "bad bond unit count";
  for (uint64_t u = 0; u < n_units; ++u) {
    std::string_view unit;
    HT_CHECK_OR_RETURN(r.LengthPrefixed(Codebook::kMaxPieceBytes, &unit) && !unit.empty(), DataLoss)
        << "bond unit " << u << " is truncated or empty";
    HT_CHECK_OR_RETURN(bond_units.Add(unit, UnitHash(unit)) == u, DataLoss)
        << "bond unit " << u << " repeats an earlier one";
  }
  has_bonds = n_units > 0;
  if (has_bonds) {
    auto units_extend = [&](uint32_t v, uint32_t prefix, std::span<const uint32_t> path) {
      std::string_view rest;
      if (!PieceAfter(cb, v, prefix, &rest)) return false;
      for (uint32_t u : path) {
        if (!rest.starts_with(bond_units.Key(u))) return false;
        rest.remove_prefix(bond_units.Key(u).size());
      }
      return rest.empty();
    };
    HT_ASSIGN_OR_RETURN(bond_trie,
                        SymbolTrie::Deserialize(r, static_cast<uint32_t>(n_units), 0, cb.size(),
                                                {piece_bytes, units_extend}, "bond trie"));
  }
  // The memo maps a unit to a single piece only where the unit is that
  // piece's bytes, so these too can only be right or unused.
  uint64_t n_singles = 0;
  HT_CHECK_OR_RETURN(r.Varint(&n_singles) && n_singles <= cb.size(), DataLoss)
      << "bad single-unit piece count";
  single_ids.reserve(n_singles);
  for (uint64_t k = 0, v = 255; k < n_singles; ++k) {
    uint64_t delta = 0;
    HT_CHECK_OR_RETURN(r.Varint(&delta) && delta >= 1 && delta < cb.size() && v + delta < cb.size(),
                       DataLoss)
        << "single-unit piece " << k << " is out of order or range";
    v += delta;
    HT_CHECK_OR_RETURN(normal(static_cast<uint32_t>(v)) &&
                           cb.piece(static_cast<uint32_t>(v)).bytes.size() <= UnitMemo::kMaxKey,
                       DataLoss)
        << "single-unit piece " << v << " is not a normal piece of at most " << UnitMemo::kMaxKey
        << " bytes";
    single_ids.push_back(static_cast<uint32_t>(v));
  }
  HT_CHECK_OR_RETURN(r.empty(), DataLoss) << r.remaining() << " unexpected bytes at the end";
  from_index = true;
  return true;
}

std::string Encoder::Impl::SerializeIndex() const {
  std::string out;
  ByteWriter w(&out);
  w.U32(kIndexRevision);
  w.U64(codebook_id);
  w.U8(whole_char_pieces ? 1 : 0);
  w.LengthPrefixed(whole_char_pieces ? alphabet.Chars() : std::string());
  trie.Serialize(w);
  w.Varint(bond_units.size());
  for (uint32_t u = 0; u < bond_units.size(); ++u) w.LengthPrefixed(bond_units.Key(u));
  if (has_bonds) bond_trie.Serialize(w);
  w.Varint(single_ids.size());
  uint32_t prev = 255;
  for (uint32_t id : single_ids) w.Varint(id - std::exchange(prev, id));
  return out;
}

size_t Encoder::Impl::SegmentUnit(std::string_view unit, uint32_t* ids) const {
  const size_t n = unit.size();
  const uint8_t* s = reinterpret_cast<const uint8_t*>(unit.data());
  // Per-thread arrays, indexed by DP step (see below), grown only: most
  // units are short, and resizing on every call would refill the tails.
  struct Scratch {
    std::vector<uint32_t> starts, symbols, cost, choice_node, choice_end, cuts;
    std::vector<uint8_t> pen, pen_at;
  };
  thread_local Scratch t;
  if (t.starts.size() < n + 1) {
    for (auto* v : {&t.starts, &t.symbols, &t.cost, &t.choice_node, &t.choice_end})
      v->resize(n + 1);
  }
  uint32_t* const starts = t.starts.data();
  uint32_t* const symbols = t.symbols.data();
  // DP steps: where every piece is whole characters (whole_char_pieces), no
  // piece starts or ends inside a character, so a character's inner bytes
  // can only be byte tokens and the DP need visit character starts only: the
  // byte-token step at a start costs the character's length in tokens
  // (choice_node kNone). This is the byte-level DP's result exactly, ties
  // included. The trie is then walked by character symbols (0, in no piece,
  // for a character no piece has and for an invalid byte), else by bytes.
  // Step k is at byte starts[k]; the DP's arrays are indexed by step, so
  // the walk reads no byte offsets.
  size_t k_n = 0;
  if (whole_char_pieces) {
    for (size_t i = 0, len; i < n; i += len, ++k_n) {
      starts[k_n] = static_cast<uint32_t>(i);
      symbols[k_n] = alphabet.SymbolAt(s + i, n - i, &len);
    }
  } else {
    for (; k_n < n; ++k_n) {
      starts[k_n] = static_cast<uint32_t>(k_n);
      symbols[k_n] = s[k_n];
    }
  }
  starts[k_n] = static_cast<uint32_t>(n);  // the end, as the step past the last
  // Morph-aligned codebooks: pen_at[k] = penalty at step k when its byte is
  // strictly inside a word and not a morph boundary — a token boundary
  // there costs that many tokens more — else 0.
  const uint8_t* pen = nullptr;
  if (cutter != nullptr && n <= UnitMemo::kMaxKey && ClassifyUnit(unit) == UnitClass::kWord) {
    const size_t wb = unit[0] == ' ' ? 1 : 0;
    t.pen.assign(n + 1, 0);
    for (size_t p = wb + 1; p < n; ++p) t.pen[p] = static_cast<uint8_t>(penalty);
    cutter->Cuts(unit.substr(wb), &t.cuts);
    for (uint32_t c : t.cuts)
      if (c > 0 && wb + c < n) t.pen[wb + c] = 0;
    t.pen_at.resize(k_n + 1);
    for (size_t k = 0; k <= k_n; ++k) t.pen_at[k] = t.pen[starts[k]];
    pen = t.pen_at.data();
  }
  // The DP, from the last step back: at step k the moves are the byte
  // tokens to step k + 1 and each piece the trie walk from k meets, ending
  // at a step q, in increasing q; a move at least as good as the best so far
  // replaces it, so ties go to the longest piece. The walk relaxes as it goes
  // (cost[q] for every q > k is final already). A move by a piece keeps its
  // trie node (choice_node); the piece is read from it once chosen.
  uint32_t* const cost = t.cost.data();
  uint32_t* const choice_node = t.choice_node.data();
  uint32_t* const choice_end = t.choice_end.data();
  // Runs of one symbol (a line of spaces, of '-' or '='): from a step more
  // than the trie's path of that symbol from the run's end, the walk meets
  // the same pieces at the same depths every time, and stops at the path's
  // end. Those are listed once per run symbol of this unit (depth and node,
  // by depth) and relaxed from the list instead of walked. (A unit of 20 MB
  // of spaces, whose longest piece in the English codebook is 47 of them,
  // took 47 trie steps for each of its bytes: 3.4 s.) The list is this
  // call's: its nodes are this encoder's. Units of the memo's length or less
  // (pen: morph-aligned units are such) are walked at every step.
  struct RunPieces {
    uint32_t symbol = kNone;
    uint32_t path = 0;  // nodes on the path of `symbol` repeated, from the root
    std::vector<std::pair<uint32_t, uint32_t>> pieces;  // (depth, node), a key ends there
  } run;
  constexpr uint32_t kLongRun = 8;  // shorter runs are walked as before
  const SymbolTrie::Walker piece_trie = trie.walker();
  auto dp = [&]<bool kPenalty, bool kRuns>() {
    cost[k_n] = 0;
    uint32_t run_len = 0;  // steps from k on with symbols[k] (kRuns)
    for (size_t k = k_n; k-- > 0;) {
      // Byte tokens to the next step: one token per byte, and a boundary
      // between each (never a morph boundary: it is inside a character).
      const uint32_t bytes = starts[k + 1] - starts[k];
      uint32_t best = cost[k + 1] + bytes;
      if constexpr (kPenalty) best += (bytes - 1) * penalty + pen[k + 1];
      uint32_t best_node = kNone;
      uint32_t best_end = static_cast<uint32_t>(k + 1);
      auto relax = [&](uint32_t nd, size_t q) {  // the piece at node nd, steps k..q-1
        uint32_t c = cost[q] + 1;
        if constexpr (kPenalty) c += pen[q];
        if (c <= best) {
          best = c;
          best_node = nd;
          best_end = static_cast<uint32_t>(q);
        }
      };
      if constexpr (kRuns) run_len = k + 1 < k_n && symbols[k + 1] == symbols[k] ? run_len + 1 : 1;
      bool listed = false;
      if (kRuns && run_len > kLongRun) {
        if (symbols[k] != run.symbol) {
          run.symbol = symbols[k];
          run.pieces.clear();
          run.path = 0;
          for (uint32_t nd = piece_trie.Root(run.symbol); nd != 0;) {
            ++run.path;
            if (piece_trie.HasValue(nd)) run.pieces.emplace_back(run.path, nd);
            if (!piece_trie.MayHaveChild(nd, run.symbol)) break;
            nd = piece_trie.Child(nd, run.symbol);
          }
        }
        // (The walk would take run.path steps, all of the run, and stop.)
        listed = run_len > run.path;
      }
      if (listed) {
        for (const auto& [depth, nd] : run.pieces) relax(nd, k + depth);
      } else {
        uint32_t nd = piece_trie.Root(symbols[k]);
        for (size_t q = k + 1; nd != 0; ++q) {  // the walk has taken steps k..q-1
          if (piece_trie.HasValue(nd)) relax(nd, q);
          if (q == k_n || !piece_trie.MayHaveChild(nd, symbols[q])) break;
          nd = piece_trie.Child(nd, symbols[q]);
        }
      }
      cost[k] = best;
      choice_node[k] = best_node;
      choice_end[k] = best_end;
    }
  };
  // (Only units too long for the memo go the runs' way: a shorter unit is
  // segmented once per encoder, and the test would cost every one of them.)
  if (pen) {
    dp.operator()<true, false>();
  } else if (n > UnitMemo::kMaxKey) {
    dp.operator()<false, true>();
  } else {
    dp.operator()<false, false>();
  }
  uint32_t* w = ids;
  for (size_t k = 0; k < k_n; k = choice_end[k]) {
    if (choice_node[k] != kNone) {
      *w++ = piece_trie.Value(choice_node[k]);
    } else {
      for (size_t b = starts[k]; b < starts[choice_end[k]]; ++b) *w++ = s[b];
    }
  }
  return static_cast<size_t>(w - ids);
}

template <bool kPadded>
size_t Encoder::Impl::EncodeWindow(std::string_view text, uint32_t* out) const {
  WindowScratch& scratch = ThreadWindowScratch();
  scratch.Fit(text.size());
  Unit* const units = scratch.units.get();
  // Spellings segmented in this window (not from the memo).
  uint32_t* const extra = scratch.extra.get();
  size_t extra_used = 0;
  auto CopyIds = [](const Unit& u, uint32_t* w) {
    const uint32_t* p = u.ids;
    *w++ = *p++;
    for (uint32_t q = 1; q < u.n_ids; ++q) *w++ = *p++;
    return w;
  };
  // Units are numbered as the pre-tokenizer cuts them and stored at their
  // number, which the lookups below may reach out of order.
  size_t cut = 0;

  // (The cold path, a unit not in the memo, is kept out of line and the
  // lookup in line: left to itself GCC did the opposite once there were two
  // instantiations of this function, for ~2 % more instructions.)
  // (h: the unit's hash, or 0 for a unit too long to memoize, whose hash
  // was not computed.)
  auto segment = [&](std::string_view u, uint64_t h, bool memoize, uint32_t k)
      __attribute__((noinline)) {
    uint32_t* const at = extra + extra_used;
    const uint32_t n = static_cast<uint32_t>(SegmentUnit(u, at));
    extra_used += n;
    const uint32_t bond_unit = BondUnit(u, memoize ? h : UnitHash(u));
    units[k] = {at, n, bond_unit};
    if (memoize) memo->Insert(u, h, at, n, bond_unit);
  };
  // Units starting kWideBytes or more before the text's end (all but the
  // last few of a scene or window), or all of a padded text's, are hashed and
  // compared by whole words (see UnitHash).
  // (Offsets below wide_until, none in a text shorter than kWideBytes.)
  static_assert(kPadding >= kWideBytes && kPadding >= kUnitPadding);
  const size_t wide_until = text.size() >= kWideBytes ? text.size() - kWideBytes + 1 : 0;
  auto is_wide = [&](std::string_view u) {
    return kPadded || static_cast<size_t>(u.data() - text.data()) < wide_until;
  };
  // (The lambdas below take their own copy of the memo's Reader: by
  // reference, GCC read its fields again after every store to units.)
  const UnitMemo::Reader lookup = memo->reader();
  auto resolve =
      [&, lookup ](std::string_view u, uint64_t h, uint32_t k) __attribute__((always_inline)) {
    if (u.size() > UnitMemo::kMaxKey) return segment(u, 0, false, k);
    UnitMemo::Entry e;
    if (is_wide(u) ? lookup.Find<true>(u, h, &e) : lookup.Find<false>(u, h, &e)) {
      units[k] = {e.ids, e.n_ids, e.bond_unit};
      return;
    }
    segment(u, h, true, k);
  };

  // Units are looked up kAhead behind the pre-tokenizer: each one's slot is
  // prefetched when it is cut and its record when it is half-way through
  // the ring, so the two dependent memory reads of a lookup overlap those of
  // the units around it.
  constexpr size_t kRing = 16, kAhead = kRing - 1, kHalf = kRing / 2;
  struct Pending {
    const char* p;
    uint32_t len, k;
    uint64_t h;
  };
  Pending ring[kRing];
  size_t queued = 0;  // units put in the ring; the last min(queued, kAhead) are pending
  auto each_unit = [&, lookup](std::string_view u) {
    // (Units longer than the memo's keys are never looked up: h 0.)
    const uint64_t h = u.size() > UnitMemo::kMaxKey ? 0
                       : is_wide(u)                 ? UnitHash<true>(u)
                                                    : UnitHash<false>(u);
    lookup.PrefetchSlot(h);
    ring[queued % kRing] = {u.data(), static_cast<uint32_t>(u.size()), static_cast<uint32_t>(cut++),
                            h};
    ++queued;
    if (queued > kHalf) {
      const Pending& mid = ring[(queued - 1 - kHalf) % kRing];
      if (mid.h) lookup.PrefetchRecord(mid.h);
    }
    if (queued > kAhead) {
      const Pending& old = ring[(queued - 1 - kAhead) % kRing];
      resolve(std::string_view(old.p, old.len), old.h, old.k);
    }
  };
  struct Emitter {
    decltype(each_unit)& unit;
    const Unit* byte_units;
    Unit* units;
    size_t& cut;
    void operator()(std::string_view u) { unit(u); }
    void OneByte(char c) { units[cut++] = byte_units[static_cast<uint8_t>(c)]; }
  } emit{each_unit, byte_units, units, cut};
  if constexpr (kPadded) {
    ForEachUnitPadded(text, emit);
  } else {
    ForEachUnit(text, emit);
  }
  for (size_t q = queued > kAhead ? queued - kAhead : 0; q < queued; ++q) {
    const Pending& pend = ring[q % kRing];
    resolve(std::string_view(pend.p, pend.len), pend.h, pend.k);
  }
  const size_t m = cut;

  // Every unit's own spelling together is at most one id per byte, so the
  // ids fit in out however the bond DP below shortens them.
  if (!has_bonds) {
    uint32_t* w = out;
    for (size_t i = 0; i < m; ++i) w = CopyIds(units[i], w);
    return static_cast<size_t>(w - out);
  }
  // Unit-sequence DP: cost[i] = fewest tokens for units i.., choice[i] = the
  // bond trie's node of the multi-unit piece taken at i (kNone: the unit's
  // own spelling; the piece is read from the node only if it is written),
  // len[i] = units.
  uint32_t* const cost = scratch.cost.get();
  uint32_t* const choice = scratch.choice.get();
  uint32_t* const len = scratch.len.get();
  const SymbolTrie::Walker bonds = bond_trie.walker();
  cost[m] = 0;
  for (size_t i = m; i-- > 0;) {
    uint32_t best = units[i].n_ids + cost[i + 1], best_node = kNone, best_len = 1;
    if (units[i].bond_unit != kNone) {
      for (uint32_t j = i, node = bonds.Root(units[i].bond_unit); node != 0;) {
        if (bonds.HasValue(node) && 1 + cost[j + 1] <= best) {
          best = 1 + cost[j + 1];
          best_node = node;
          best_len = j + 1 - static_cast<uint32_t>(i);
        }
        if (++j == m) break;
        const uint32_t next = units[j].bond_unit;
        if (next == kNone || !bonds.MayHaveChild(node, next)) break;
        node = bonds.Child(node, next);
      }
    }
    cost[i] = best;
    choice[i] = best_node;
    len[i] = best_len;
  }
  uint32_t* w = out;
  for (size_t i = 0; i < m; i += len[i]) {
    if (choice[i] != kNone) {
      *w++ = bonds.Value(choice[i]);
    } else {
      w = CopyIds(units[i], w);
    }
  }
  return static_cast<size_t>(w - out);
}

// Calls plain(text) for each stretch of text between special tokens' spellings
// and special(id) for each spelling, in order.
template <typename Plain, typename Special>
void Encoder::Impl::SplitAtSpecials(std::string_view text, Plain&& plain, Special&& special) const {
  size_t start = 0;  // text before i not yet handed out
  size_t i = 0;
  while (i < text.size()) {
    if (special_first[static_cast<uint8_t>(text[i])]) {
      const std::string_view rest = text.substr(i);
      auto it = std::find_if(specials.begin(), specials.end(),
                             [&](const auto& s) { return rest.starts_with(s.first); });
      if (it != specials.end()) {
        if (i > start) plain(text.substr(start, i - start));
        special(it->second);
        i += it->first.size();
        start = i;
        continue;
      }
    }
    ++i;
  }
  if (start < text.size()) plain(text.substr(start));
}

size_t WindowEnd(std::string_view text) {
  constexpr size_t kW = Encoder::kWindowBytes;
  if (text.size() <= kW) return text.size();
  for (size_t p = kW; p > kW / 2; --p)
    if (text[p] == ' ' || text[p] == '\n') return p;
  size_t p = kW;
  while (p > kW - 4 && (static_cast<uint8_t>(text[p]) & 0xC0) == 0x80) --p;
  return p;
}

Encoder::Encoder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Encoder::Encoder(Encoder&&) noexcept = default;
Encoder& Encoder::operator=(Encoder&&) noexcept = default;
Encoder::~Encoder() = default;

std::string Encoder::SerializeIndex() const { return impl_->SerializeIndex(); }
bool Encoder::from_index() const { return impl_->from_index; }

StatusOr<Encoder> Encoder::CreateUnchecked(const Codebook& codebook,
                                           std::shared_ptr<const MorphCutter> cutter, int threads) {
  HT_CHECK_OR_RETURN(!codebook.morph_aligned() || cutter != nullptr, FailedPrecondition)
      << "this codebook encodes morph-aligned and needs its morph model: create the encoder "
         "with MakeEncoder (hypertok/trainer.h)";
  auto impl = std::make_unique<Impl>();
  if (codebook.morph_aligned()) {
    impl->cutter = std::move(cutter);
    impl->penalty = codebook.morph_align_penalty();
  }
  bool indexed = false;
  // (With threads, the index's character trie, read meanwhile: ~a third of
  // reading the index, done while the rest is read and the memo filled.
  // Declared after impl, whose trie it writes, so that on any return it is
  // waited for first.)
  std::future<Status> char_trie;
  auto char_trie_read = [&]() -> Status {
    if (!char_trie.valid()) return OkStatus();
    return char_trie.get().WithPrefix("section ENCX");
  };
  if (const std::string_view* index = codebook.extra_section(kIndexSection)) {
    auto read = impl->ReadIndex(codebook, *index, threads > 1 ? &char_trie : nullptr);
    if (!read.ok()) {
      // (Damage is reported in the section's order, the character trie's first.)
      HT_RETURN_IF_ERROR(char_trie_read());
      return read.status().WithPrefix("section ENCX");
    }
    indexed = *read;
  }
  if (!indexed) impl->Build(codebook);
  impl->Finish(codebook);
  HT_RETURN_IF_ERROR(char_trie_read());
  return Encoder(std::move(impl));
}

StatusOr<Encoder> Encoder::Create(const Codebook& codebook,
                                  std::shared_ptr<const MorphCutter> cutter, int threads) {
  HT_ASSIGN_OR_RETURN(Encoder enc, CreateUnchecked(codebook, std::move(cutter), threads));
  const auto& tests = codebook.self_tests();
  for (size_t i = 0; i < tests.size(); ++i) {
    HT_CHECK_OR_RETURN(enc.Encode(tests[i].input) == tests[i].expected, DataLoss)
        << "codebook self-test " << i << " failed: this build encodes its sample "
        << "differently from the build that trained it";
  }
  return enc;
}

template <bool kPadded>
size_t Encoder::Impl::EncodeWindows(std::string_view text, uint32_t* ids) const {
  size_t n = 0;
  while (!text.empty()) {
    const size_t end = WindowEnd(text);
    n += EncodeWindow<kPadded>(text.substr(0, end), ids + n);
    text.remove_prefix(end);
  }
  return n;
}

size_t Encoder::Encode(std::string_view text, uint32_t* ids) const {
  return impl_->EncodeWindows<false>(text, ids);
}

size_t Encoder::EncodePadded(std::string_view text, uint32_t* ids) const {
  return impl_->EncodeWindows<true>(text, ids);
}

void Encoder::Encode(std::string_view text, std::vector<uint32_t>* ids) const {
  // Window by window, so the room asked for stays bounded for a long text.
  while (!text.empty()) {
    const size_t end = WindowEnd(text);
    const size_t base = ids->size();
    ids->resize(base + end);
    ids->resize(base + impl_->EncodeWindow<false>(text.substr(0, end), ids->data() + base));
    text.remove_prefix(end);
  }
}

void Encoder::EncodeAllowingSpecial(std::string_view text, std::vector<uint32_t>* ids) const {
  impl_->SplitAtSpecials(
      text, [&](std::string_view plain) { Encode(plain, ids); },
      [&](uint32_t id) { ids->push_back(id); });
}

template <bool kPadded>
size_t Encoder::Impl::EncodeAllowingSpecial(std::string_view text, uint32_t* ids) const {
  // (What follows a stretch of a padded text is the rest of it, then its
  // padding: the stretch is padded too.)
  size_t n = 0;
  SplitAtSpecials(
      text, [&](std::string_view plain) { n += EncodeWindows<kPadded>(plain, ids + n); },
      [&](uint32_t id) { ids[n++] = id; });
  return n;
}

size_t Encoder::EncodeAllowingSpecial(std::string_view text, uint32_t* ids) const {
  return impl_->EncodeAllowingSpecial<false>(text, ids);
}

size_t Encoder::EncodeAllowingSpecialPadded(std::string_view text, uint32_t* ids) const {
  return impl_->EncodeAllowingSpecial<true>(text, ids);
}

uint64_t Encoder::codebook_id() const { return impl_->codebook_id; }
size_t Encoder::vocab_size() const { return impl_->vocab_size; }

}  // namespace hypertok
