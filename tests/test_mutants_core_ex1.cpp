// core/explore.hpp, its data structures (the header's lines 1-540): what Run BA of
// tools/mutate.py left surviving there (spec/mutation/report.md). The explorer's searches of
// the real machines go through these structures only along their usual paths (member
// fingerprints of bytewise states, a frontier block of a few states), so these tests call
// the structures of explore_detail directly and run whole searches of a tiny machine of
// their own (Tally, below) whose states take the paths a mutant changes.
// Where expected values come from:
//   - the comments on each structure in core/explore.hpp: PagedArray and Block count
//     their memory exactly; Block::growth_bytes is what add() would allocate; a member's
//     hash is its bytes as a number (at most 8 bytes), XXH3-64 of its bytes, of a vector's
//     element bytes, or of its canonical encoding; the fingerprint is XXH3-64 of the member
//     hashes; member_fingerprints() holds when every member hashes without being encoded;
//     FirstByFingerprint keeps the first index stored for a fingerprint; collision_probability
//     is n(n-1)/2 pairs times 2^-63 (member fingerprints) or 2^-64;
//   - the byte layout of a canonical encoding, written by hand from core/encode.hpp's
//     header comment (a string is its varint length, then its bytes);
//   - XXH3-64 itself from the xxHash library (xxhash.h), not from lockref;
//   - the real allocations of the same std containers (capacity() after the operation,
//     libstdc++'s documented growth: a std::string grows to max(2 * capacity, the size
//     needed), a std::vector appending to a full buffer to twice its size, at least 1);
//   - breadth-first searches of Tally drawn by hand (the counts in each test's comment).
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "lockref/core/explore.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own.
namespace LOCKREF_UNITY_ID {
namespace ed = lockref::explore_detail;

namespace {

/// XXH3-64 of bytes written out by hand.
std::uint64_t xxh3(std::string_view bytes) { return XXH3_64bits(bytes.data(), bytes.size()); }

// ---- Tally: two counters a and b in 0..top, events BumpA and BumpB (refused at top) -------

struct TallyProfile {
  BOOST_HANA_DEFINE_STRUCT(TallyProfile, (std::uint32_t, top));
};
struct TallyOutput {
  BOOST_HANA_DEFINE_STRUCT(TallyOutput, (std::string, status), (std::string, rule));
  bool is_ok() const { return status == "ok"; }
};
struct TallyView {
  BOOST_HANA_DEFINE_STRUCT(TallyView, (std::uint32_t, sum));
};
/// Bytewise members only: fingerprinted by member hashes.
struct Pair {
  BOOST_HANA_DEFINE_STRUCT(Pair, (std::uint32_t, a), (std::uint32_t, b));
  friend bool operator==(const Pair&, const Pair&) = default;
};
/// A string member (a + b as digits): fingerprinted by XXH3 of the whole encoding.
struct Noted {
  BOOST_HANA_DEFINE_STRUCT(Noted, (std::uint32_t, a), (std::uint32_t, b), (std::string, note));
  friend bool operator==(const Noted&, const Noted&) = default;
};
struct BumpA {
  static constexpr std::string_view tag = "bump_a";
};
struct BumpB {
  static constexpr std::string_view tag = "bump_b";
};

template <class S>
S with_note(S s) {
  if constexpr (requires { s.note; }) s.note = std::to_string(s.a + s.b);
  return s;
}

/// With Reduced, the machine declares a symmetry (a and b interchangeable: the representative
/// has a <= b) and a counter abstraction (a's values 1..top merged into 1).
template <class S, bool Reduced>
struct Tally {
  static constexpr std::string_view name = "tally";
  using Profile = TallyProfile;
  using State = S;
  using Event = std::variant<BumpA, BumpB>;
  using Output = TallyOutput;
  using View = TallyView;
  static State initial(const Profile&) { return with_note(State{}); }
  static lockref::Step<State, Output> step(const Profile& p, const State& s, const Event& e) {
    std::uint32_t& (*pick)(State&) = [](State& x) -> std::uint32_t& { return x.a; };
    if (e.index() == 1) pick = [](State& x) -> std::uint32_t& { return x.b; };
    State n = s;
    if (pick(n) >= p.top) return {s, Output{"at_top", "TALLY-1"}};
    ++pick(n);
    return {with_note(n), Output{"ok", "TALLY-1"}};
  }
  static View observe(const Profile&, const State& s) { return View{s.a + s.b}; }
  static std::vector<Event> candidate_events(const Profile&, const State&) { return {BumpA{}, BumpB{}}; }
  /// tally.sum_below_4: fails at (2, 2) only, with top 2.
  static std::span<const lockref::Invariant<Tally>> invariants() {
    static const lockref::Invariant<Tally> list[] = {
        {"tally.sum_below_4", "TALLY-2", [](const Profile&, const State& s) { return s.a + s.b < 4; }}};
    return list;
  }
  static std::string_view view_requirement(std::string_view) { return "TALLY-1"; }
  static std::string label(const Profile&, const State& s) { return std::to_string(s.a) + "," + std::to_string(s.b); }
  static lockref::Status validate(const Profile&) { return lockref::ok_status(); }

  static State canonical(const Profile&, const State& s)
    requires Reduced
  {
    State c = s;
    if (c.b < c.a) std::swap(c.a, c.b);
    return with_note(c);
  }
  static std::string symmetry_note(const Profile&)
    requires Reduced
  {
    return "a and b";
  }
  static State abstract(const Profile&, State s)
    requires Reduced
  {
    s.a = std::min<std::uint32_t>(s.a, 1);
    return with_note(s);
  }
  static std::string abstraction_note(const Profile&)
    requires Reduced
  {
    return "a in 1..top";
  }
};
using PlainTally = Tally<Pair, false>;
using NotedTally = Tally<Noted, false>;
using ReducedTally = Tally<Pair, true>;
static_assert(lockref::StateMachine<PlainTally> && lockref::StateMachine<NotedTally> && lockref::StateMachine<ReducedTally>);
static_assert(lockref::HasSymmetry<ReducedTally> && lockref::HasAbstraction<ReducedTally>);
static_assert(!lockref::HasSymmetry<PlainTally> && !lockref::HasAbstraction<PlainTally>);

/// Star: from the centre x = 0, events Set{1..K} (and, with Dup, Set{1..K} again) lead to
/// K leaves, where every event is refused. With Fail, invariant star.centre fails on each leaf.
struct Set {
  static constexpr std::string_view tag = "set";
  BOOST_HANA_DEFINE_STRUCT(Set, (std::uint32_t, v));
};
struct StarState {
  BOOST_HANA_DEFINE_STRUCT(StarState, (std::uint32_t, x));
  friend bool operator==(const StarState&, const StarState&) = default;
};
template <std::uint32_t K, bool Dup, bool Fail>
struct Star {
  static constexpr std::string_view name = "star";
  using Profile = TallyProfile;
  using State = StarState;
  using Event = std::variant<Set>;
  using Output = TallyOutput;
  using View = TallyView;
  static State initial(const Profile&) { return {}; }
  static lockref::Step<State, Output> step(const Profile&, const State& s, const Event& e) {
    if (s.x != 0) return {s, Output{"leaf", "STAR-1"}};
    return {State{std::get<Set>(e).v}, Output{"ok", "STAR-1"}};
  }
  static View observe(const Profile&, const State& s) { return View{s.x}; }
  static std::vector<Event> candidate_events(const Profile&, const State&) {
    std::vector<Event> v;
    for (std::uint32_t r = 0; r < (Dup ? 2u : 1u); ++r)
      for (std::uint32_t i = 1; i <= K; ++i) v.push_back(Set{i});
    return v;
  }
  static std::span<const lockref::Invariant<Star>> invariants() {
    static const lockref::Invariant<Star> list[] = {
        {"star.centre", "STAR-2", [](const Profile&, const State& s) { return !Fail || s.x == 0; }}};
    return list;
  }
  static std::string_view view_requirement(std::string_view) { return "STAR-1"; }
  static std::string label(const Profile&, const State& s) { return std::to_string(s.x); }
  static lockref::Status validate(const Profile&) { return lockref::ok_status(); }
};
static_assert(lockref::StateMachine<Star<5, true, true>>);

template <class M>
lockref::Exploration<M> search(lockref::ExploreOptions o = {}) {
  return lockref::explore<M>(TallyProfile{2}, o);
}

}  // namespace

// ---- PagedArray ----------------------------------------------------------------------------

TEST_CASE("explore_detail: PagedArray keeps every value, in pages of 4096 counted exactly") {
  ed::PagedArray<std::uint32_t> a;
  CHECK(a.size() == 0);
  CHECK(a.bytes() == 0);
  // 4096 values fill one page; the 4097th opens a second (4096 * 4 bytes each).
  for (std::uint32_t i = 0; i < 4097; ++i) {
    a.push_back(i * 7 + 1);
    if (i == 0) CHECK(a.bytes() == 4096 * 4);
    if (i == 4095) CHECK(a.bytes() == 4096 * 4);
  }
  CHECK(a.size() == 4097);
  CHECK(a.bytes() == 2 * 4096 * 4);
  for (std::uint32_t i = 0; i < 4097; ++i) REQUIRE(a[i] == i * 7 + 1);
}

// ---- Block ---------------------------------------------------------------------------------

TEST_CASE("explore_detail: Block stores encodings back to back and counts its buffers exactly") {
  ed::Block b;
  const std::vector<std::string> encs = {"abc", "", "0123456789abcdefXYZ", "q"};
  for (std::size_t i = 0; i < encs.size(); ++i) b.add(encs[i], static_cast<std::uint32_t>(100 + i));
  REQUIRE(b.size() == encs.size());
  for (std::size_t i = 0; i < encs.size(); ++i) {
    CHECK(b.at(i) == encs[i]);
    CHECK(b.ids[i] == 100 + i);
  }
  // Its bytes: the three buffers' capacities (u32 offsets and ids) and the Block itself.
  REQUIRE(b.ends.capacity() > 0);
  CHECK(b.bytes() == b.arena.capacity() + 4 * b.ends.capacity() + 4 * b.ids.capacity() + sizeof(ed::Block));
  const ed::Block empty;
  CHECK(empty.bytes() == empty.arena.capacity() + sizeof(ed::Block));
}

TEST_CASE("explore_detail: Block::growth_bytes is what add() then allocates") {
  // Encoding sizes chosen to meet every case: 15 bytes fill std::string's own 15-byte buffer
  // exactly (no allocation), one more byte needs one (twice 15), a large one more than twice
  // the capacity; the id and offset vectors grow at sizes 0, 1, 2, 4, 8 and not in between.
  const std::vector<std::size_t> sizes = {15, 1, 14, 0, 30, 200, 3, 3, 5, 1, 0, 64};
  ed::Block b;
  for (std::size_t k = 0; k < sizes.size(); ++k) {
    const std::string enc(sizes[k], static_cast<char>('a' + k));
    const std::size_t arena0 = b.arena.capacity(), ids0 = b.ids.capacity(), ends0 = b.ends.capacity();
    const std::size_t predicted = b.growth_bytes(enc.size());
    b.add(enc, static_cast<std::uint32_t>(k));
    std::size_t allocated = 0;
    if (b.arena.capacity() != arena0) allocated += b.arena.capacity();
    if (b.ids.capacity() != ids0) allocated += 4 * b.ids.capacity();
    if (b.ends.capacity() != ends0) allocated += 4 * b.ends.capacity();
    INFO("add #", k, " of ", sizes[k], " bytes");
    CHECK(predicted == allocated);
  }
}

// ---- member hashes -------------------------------------------------------------------------

TEST_CASE("explore_detail: a member's hash is its bytes, XXH3 of its bytes, or XXH3 of its encoding") {
  std::string buf = "stale bytes from an earlier member";
  // At most 8 bytes with unique object representations: the bytes as a number.
  CHECK(ed::member_hash(std::uint16_t{0x1234}, buf) == 0x1234);
  CHECK(ed::member_hash(std::uint64_t{0xfedcba9876543210}, buf) == 0xfedcba9876543210);
  // Larger: XXH3 of its bytes.
  const std::array<std::uint8_t, 12> arr = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  CHECK(ed::member_hash(arr, buf) == xxh3(std::string_view("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c", 12)));
  // A vector of such: XXH3 of the elements' bytes (u16 little-endian).
  const std::vector<std::uint16_t> v = {0x0201, 0x0403};
  CHECK(ed::member_hash(v, buf) == xxh3(std::string_view("\x01\x02\x03\x04", 4)));
  // Anything else: XXH3 of the canonical encoding (a string: varint length, then its bytes).
  CHECK(ed::member_hash(std::string("abc"), buf) == xxh3(std::string_view("\x03" "abc", 4)));
  CHECK(ed::member_hash(std::string(), buf) == xxh3(std::string_view("\x00", 1)));
}

TEST_CASE("explore_detail: member_equal is == for every kind of member") {
  // Bytewise members.
  CHECK(ed::member_equal(std::uint32_t{7}, std::uint32_t{7}));
  CHECK_FALSE(ed::member_equal(std::uint32_t{7}, std::uint32_t{8}));
  CHECK(ed::member_equal(Pair{1, 2}, Pair{1, 2}));
  CHECK_FALSE(ed::member_equal(Pair{1, 2}, Pair{1, 3}));
  // Vectors of bytewise elements: equal lengths and bytes.
  using V = std::vector<std::uint16_t>;
  CHECK(ed::member_equal(V{}, V{}));
  CHECK(ed::member_equal(V{1, 2}, V{1, 2}));
  CHECK_FALSE(ed::member_equal(V{1, 2}, V{1, 3}));
  CHECK_FALSE(ed::member_equal(V{1}, V{1, 2}));
  CHECK_FALSE(ed::member_equal(V{}, V{0}));
  // Anything else.
  CHECK(ed::member_equal(std::string("x"), std::string("x")));
  CHECK_FALSE(ed::member_equal(std::string("x"), std::string("y")));
}

TEST_CASE("explore_detail: a state's fingerprint is XXH3 of its member hashes") {
  std::string buf;
  // Pair{a, b}: member hashes a and b (u32, as numbers), XXH3 of the two as u64 little-endian.
  const Pair s{0x01020304, 5};
  ed::MemberHashes<Pair> hs;
  ed::hash_members(s, hs, buf);
  CHECK(hs.h[0] == 0x01020304);
  CHECK(hs.h[1] == 5);
  const std::uint64_t want = xxh3(std::string_view("\x04\x03\x02\x01\0\0\0\0\x05\0\0\0\0\0\0\0", 16));
  CHECK(hs.fingerprint() == want);
  CHECK(ed::state_fingerprint(s, buf) == want);

  // A successor: only the changed members are hashed; false when nothing changed.
  ed::MemberHashes<Pair> out;
  out.h = {~0ull, ~0ull};
  CHECK(ed::hash_changed_members(Pair{0x01020304, 9}, s, hs, out, buf));
  CHECK(out.h[0] == 0x01020304);
  CHECK(out.h[1] == 9);
  out.h = {~0ull, ~0ull};
  CHECK(ed::hash_changed_members(Pair{1, 5}, s, hs, out, buf));
  CHECK(out.h[0] == 1);
  CHECK(out.h[1] == 5);
  out.h = {~0ull, ~0ull};
  CHECK_FALSE(ed::hash_changed_members(s, s, hs, out, buf));
  CHECK(out.h == hs.h);

  // A state with a string member: its member hash is XXH3 of the encoding.
  ed::MemberHashes<Noted> hn;
  ed::hash_members(Noted{1, 2, "ab"}, hn, buf);
  CHECK(hn.h[0] == 1);
  CHECK(hn.h[1] == 2);
  CHECK(hn.h[2] == xxh3(std::string_view("\x02" "ab", 3)));
}

TEST_CASE("explore_detail: member fingerprints only when no member must be encoded") {
  CHECK(ed::member_fingerprints<Pair>());
  CHECK_FALSE(ed::member_fingerprints<Noted>());
  struct Mixed {
    BOOST_HANA_DEFINE_STRUCT(Mixed, (std::uint8_t, x), (std::vector<std::uint32_t>, v));
  };
  CHECK(ed::member_fingerprints<Mixed>());
}

// ---- FirstByFingerprint --------------------------------------------------------------------

TEST_CASE("explore_detail: FirstByFingerprint keeps the first index for each fingerprint") {
  ed::FirstByFingerprint f;
  CHECK(f.find(42) == UINT32_MAX);
  // clear() forgets every entry (fingerprint 0 is one like any other).
  f.try_emplace(0, 3);
  REQUIRE(f.find(0) == 3);
  f.try_emplace(42, 4);
  REQUIRE(f.find(42) == 4);
  f.clear();
  REQUIRE(f.find(0) == UINT32_MAX);
  REQUIRE(f.find(42) == UINT32_MAX);
  // Fingerprints that share their low bits (the table's slot) and repeat; a reference map
  // of the first index for each is the expected answer.
  std::map<std::uint64_t, std::uint32_t> first;
  for (std::uint32_t k = 0; k < 300; ++k) {
    const std::uint64_t fp = (std::uint64_t{k % 97} << 10) | (k % 5) | (std::uint64_t{k % 3} << 40);
    f.try_emplace(fp, k);
    first.try_emplace(fp, k);
    if (k % 37 == 0)
      for (const auto& [x, i] : first) REQUIRE(f.find(x) == i);
  }
  for (const auto& [x, i] : first) CHECK(f.find(x) == i);
  CHECK(f.find(0x77777) == UINT32_MAX);
  f.clear();
  for (const auto& [x, i] : first) REQUIRE(f.find(x) == UINT32_MAX);
  f.try_emplace(5, 1);
  CHECK(f.find(5) == 1);
  CHECK(f.find(first.begin()->first) == UINT32_MAX);
}

TEST_CASE("explore_detail: FirstByFingerprint keeps the first index across a growth that wraps") {
  // Fingerprint 63 twice (slot 63 of the first 64-slot table), then 32 others in slots 1..32:
  // the table grows to 128 slots and moves every entry. The first index stays 0.
  ed::FirstByFingerprint f;
  f.try_emplace(63, 0);
  f.try_emplace(63, 1);
  for (std::uint32_t k = 1; k <= 32; ++k) f.try_emplace(k, 100 + k);
  CHECK(f.find(63) == 0);
  for (std::uint32_t k = 1; k <= 32; ++k) CHECK(f.find(k) == 100 + k);
  // Filling the table as far as it goes: every lookup still ends (an absent one too).
  ed::FirstByFingerprint g;
  for (std::uint32_t k = 0; k < 64; ++k) g.try_emplace(std::uint64_t{k} << 6, k);
  CHECK(g.find(std::uint64_t{99} << 6) == UINT32_MAX);
}

// ---- representative and whole searches of Tally -------------------------------------------

TEST_CASE("explore_detail: representative applies the abstraction, then the symmetry, as asked") {
  const TallyProfile p{2};
  const Pair s{2, 0};
  CHECK(ed::representative<ReducedTally>(p, s, false, false) == Pair{2, 0});
  CHECK(ed::representative<ReducedTally>(p, s, true, false) == Pair{1, 0});
  CHECK(ed::representative<ReducedTally>(p, s, false, true) == Pair{0, 2});
  CHECK(ed::representative<ReducedTally>(p, s, true, true) == Pair{0, 1});
  // Without the machine's declarations the flags change nothing.
  CHECK(ed::representative<PlainTally>(p, s, true, true) == Pair{2, 0});
}

TEST_CASE("explore: Tally's searches (hand-drawn BFS) report their counts, flags and bounds") {
  // (a, b) in {0,1,2}^2: 9 states, 18 events tried, 12 changes (2 per state below top, per
  // counter), 6 refusals; levels: a + b = 0..4, 5 levels; (2, 2) breaks sum_below_4.
  const auto plain = search<PlainTally>();
  CHECK(plain.state_count == 9);
  CHECK(plain.transitions == 18);
  CHECK(plain.changes == 12);
  CHECK(plain.rejected == 6);
  CHECK(plain.levels == 5);
  CHECK(plain.violation_count == 1);
  CHECK_FALSE(plain.symmetric);
  CHECK_FALSE(plain.abstracted);
  CHECK_FALSE(plain.full_states);
  // The collision bound: 36 pairs of states, 2^-63 each with member fingerprints (Pair),
  // 2^-64 with XXH3 of the whole encoding (Noted, with its string); none with whole states.
  CHECK(plain.collision_probability() == 36 * 0x1p-63);
  const auto noted = search<NotedTally>();
  CHECK(noted.state_count == 9);
  CHECK(noted.collision_probability() == 36 * 0x1p-64);
  lockref::ExploreOptions full;
  full.full_states = true;
  const auto whole = search<PlainTally>(full);
  CHECK(whole.full_states);
  CHECK(whole.state_count == 9);
  CHECK(whole.collision_probability() == 0);
  // The memory at the end holds the BFS tree (two arrays of one 4096-entry page of u32) and
  // a visited set of at least one 8-byte fingerprint per state; the peak at least as much.
  CHECK(plain.parent.bytes() == 4096 * 4);
  CHECK(plain.memory_final >= 2 * 4096 * 4 + 9 * 8);
  CHECK(plain.memory_peak >= plain.memory_final);
  CHECK(plain.memory_peak < 1 << 20);
}

TEST_CASE("explore: Tally's reduced searches store representatives (hand-drawn BFS)") {
  // Symmetry: the 6 pairs with a <= b. Abstraction: a in {0, 1}, b in {0, 1, 2}: 6.
  // Both: (0,0) (0,1) (1,1) (0,2) (1,2): 5. Neither: all 9.
  struct Case {
    bool sym, abs;
    std::size_t states;
  };
  for (const Case c : {Case{true, false, 6}, Case{false, true, 6}, Case{true, true, 5}, Case{false, false, 9}}) {
    INFO("symmetry ", c.sym, ", abstraction ", c.abs);
    lockref::ExploreOptions o;
    o.symmetry = c.sym;
    o.abstraction = c.abs;
    const auto ex = search<ReducedTally>(o);
    CHECK(ex.symmetric == c.sym);
    CHECK(ex.abstracted == c.abs);
    CHECK(ex.state_count == c.states);
    // A machine without the declarations ignores the options.
    const auto plain = search<PlainTally>(o);
    CHECK_FALSE(plain.symmetric);
    CHECK_FALSE(plain.abstracted);
    CHECK(plain.state_count == 9);
  }
}

// ---- Visited --------------------------------------------------------------------------------

namespace {
/// The encoding of state k: 5 bytes, or 16-20 (past std::string's 15-byte inline buffer).
std::string enc_of(std::uint32_t k) { return std::string(k % 3 ? 5 : 16 + k % 5, static_cast<char>('a' + k % 26)) + char(k); }
/// Slot sizes of the four Abseil tables (their value types).
std::size_t slot_of(bool full, bool ids) {
  if (full) return ids ? sizeof(absl::flat_hash_map<std::string, std::uint32_t>::value_type) : sizeof(std::string);
  return ids ? sizeof(absl::flat_hash_map<std::uint64_t, std::uint32_t>::value_type) : sizeof(std::uint64_t);
}
/// An Abseil Swiss table of capacity cap allocates cap slots and cap + 1 + 15 control bytes
/// (raw_hash_set.h: "capacity_ + 1 + NumClonedBytes()", Group::kWidth - 1 = 15 cloned bytes),
/// nothing while empty; alignment padding (below 8 bytes) is not counted.
std::size_t swiss_bytes(std::size_t cap, std::size_t slot) { return cap ? cap * slot + cap + 16 : 0; }
/// Runs f(full, ids) for each of Visited's four forms.
template <class F>
void each_form(F f) {
  for (const bool full : {false, true})
    for (const bool ids : {false, true}) {
      INFO("full ", full, ", ids ", ids);
      f(full, ids);
    }
}
}  // namespace

TEST_CASE("explore_detail: Visited finds what was inserted, by fingerprint or by whole encoding") {
  each_form([](bool full, bool ids) {
    ed::Visited v(full, ids);
    CHECK(v.size() == 0);
    for (std::uint32_t k = 0; k < 40; ++k) {
      const std::uint64_t fp = 1000 + k;
      const std::string e = enc_of(k);
      REQUIRE_FALSE(v.contains(fp, e));
      REQUIRE(v.insert(fp, e, k));
      REQUIRE(v.contains(fp, e));
      REQUIRE_FALSE(v.insert(fp, e, 500 + k));
    }
    CHECK(v.size() == 40);
    for (std::uint32_t k = 0; k < 40; ++k) {
      REQUIRE(v.contains(1000 + k, enc_of(k)));
      if (ids) REQUIRE(v.id_of(1000 + k, enc_of(k)) == k);
    }
    // A known fingerprint with another encoding: there by fingerprint, absent by encoding.
    CHECK(v.contains(1000, "another encoding") == !full);
    CHECK(v.contains(7, enc_of(3)) == full);
  });
}

TEST_CASE("explore_detail: Visited counts its Swiss table and its encodings' heap blocks") {
  each_form([](bool full, bool ids) {
    ed::Visited v(full, ids);
    const std::size_t slot = slot_of(full, ids);
    CHECK(v.slot_bytes() == slot);
    CHECK(v.table_bytes(0) == 0);
    CHECK(v.table_bytes(7) == swiss_bytes(7, slot));
    CHECK(v.table_bytes(31) == swiss_bytes(31, slot));
    CHECK(v.bytes() == 0);
    // Short encodings (at most 15 bytes: std::string keeps them inline) add only the table.
    v.insert(1, std::string(15, 'x'), 0);
    v.insert(2, std::string(1, 'y'), 1);
    CHECK(v.bytes() == swiss_bytes(v.capacity(), slot));
    // Longer ones, kept whole, each add a heap block: at least the n + 1 bytes std::string
    // allocates (capacity() + 1), at most 32 more (allocator rounding and header).
    std::size_t counted = 0;  // heap bytes counted so far
    for (const std::size_t n : {16, 40}) {
      v.insert(100 + n, std::string(n, 'z'), static_cast<std::uint32_t>(n));
      v.insert(100 + n, std::string(n, 'z'), static_cast<std::uint32_t>(n));  // (already there: nothing)
      const std::size_t heap = v.bytes() - swiss_bytes(v.capacity(), slot) - counted;
      counted += heap;
      if (full) {
        CHECK(heap >= n + 1);
        CHECK(heap <= n + 1 + 32);
      } else {
        CHECK(heap == 0);
      }
    }
  });
}

TEST_CASE("explore_detail: Visited::growth_bytes is the table the next insertion allocates") {
  // Abseil's table grows when an insertion would fill more than 7/8 of it, to twice its
  // capacity plus one (1, 3, 7, 15, 31, 63, 127: capacity() after each insertion shows it).
  each_form([](bool full, bool ids) {
    ed::Visited v(full, ids);
    const std::size_t slot = slot_of(full, ids);
    int grew = 0;
    for (std::uint32_t k = 0; k < 100; ++k) {
      const std::string e = "s" + std::to_string(k);  // at most 15 bytes: no heap block
      const std::size_t cap0 = v.capacity();
      const std::size_t predicted = v.growth_bytes(e.size());
      v.insert(k * 0x9E3779B97F4A7C15ull, e, k);
      const std::size_t allocated = v.capacity() != cap0 ? swiss_bytes(v.capacity(), slot) : 0;
      grew += v.capacity() != cap0;
      INFO("insertion #", k, " into capacity ", cap0);
      if (k == 0) CHECK(predicted >= allocated);  // (from empty: reserved for 15 slots, Abseil takes 1)
      else CHECK(predicted == allocated);
    }
    CHECK(grew == 7);
  });
}

// ---- an Exploration's derived figures and the expansion buffers' accounting ----------------

TEST_CASE("explore: bytes_per_state is 0 without states, else the final bytes per state") {
  CHECK(lockref::Exploration<PlainTally>{}.bytes_per_state() == 0);
  lockref::ExploreOptions o;
  o.max_memory = 1;  // not even the initial state fits
  const auto none = search<PlainTally>(o);
  CHECK(none.truncated);
  CHECK(none.state_count == 0);
  CHECK(none.bytes_per_state() == 0);
  const auto all = search<PlainTally>();
  CHECK(all.bytes_per_state() == double(all.memory_final) / 9);
}

TEST_CASE("explore: the memory peak counts the expansion buffers (Star, differential)") {
  // Star<5>: level 1 expands the centre into one chunk of 5 new leaves; the peak is at its
  // last admission, when the chunk is still held. Variants that differ only in that chunk's
  // buffers differ in the peak by exactly those buffers' bytes (std::vector capacities
  // after n push_backs: 1, 2, 4, 8, 16).
  const auto base = lockref::explore<Star<5, false, false>>(TallyProfile{0}, lockref::ExploreOptions{});
  REQUIRE(base.state_count == 6);
  // Every leaf breaks an invariant: the chunk's u16 list of failed invariants holds 5 (capacity 8).
  const auto fail = lockref::explore<Star<5, false, true>>(TallyProfile{0}, lockref::ExploreOptions{});
  CHECK(fail.violation_count == 5);
  CHECK(fail.memory_peak - base.memory_peak == 8 * 2);
  // Each event twice: 10 successors instead of 5 (capacity 16, not 8), sharing 5 encodings. A
  // successor record is 40 bytes (a u64 fingerprint and seven u32, padded to 8).
  const auto dup = lockref::explore<Star<5, true, false>>(TallyProfile{0}, lockref::ExploreOptions{});
  CHECK(dup.state_count == 6);
  CHECK(dup.memory_peak - base.memory_peak == (16 - 8) * 40);
  // With edges kept, each successor also has its (event JSON, tag) pair of strings.
  lockref::ExploreOptions keep;
  keep.keep_edges = true;
  const auto base_e = lockref::explore<Star<5, false, false>>(TallyProfile{0}, keep);
  const auto dup_e = lockref::explore<Star<5, true, false>>(TallyProfile{0}, keep);
  CHECK(dup_e.edges.size() == 10);
  CHECK(dup_e.memory_peak - base_e.memory_peak == (16 - 8) * (40 + sizeof(std::pair<std::string, std::string>)));
}

}  // namespace LOCKREF_UNITY_ID
