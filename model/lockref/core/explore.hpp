// lockref core: exhaustive exploration of a machine's reachable states.
//
// Breadth-first from the initial state over every candidate event; every reachable state
// is checked against every invariant. Pure: returns data, prints nothing (progress goes
// to a caller-supplied callback).
//
// How states are stored (model-checker style, as TLC and SPIN do):
//  - Each state is encoded canonically (core/encode.hpp, derived from the Hana
//    reflection) and fingerprinted with XXH3-64 of its members' hashes (MemberHashes
//    below: a successor rehashes only the members an event changed). The visited set
//    (Abseil's Swiss-table flat_hash_set) holds only the 64-bit fingerprints; with
//    `full_states` it holds the whole encodings instead, so two states can never be
//    confused.
//  - Only the BFS frontier holds whole states (as encodings, decoded when expanded).
//  - Each state has an id (its BFS discovery number); `parent[id]` and `via[id]` (the
//    index of the event in candidate_events(parent)) form the BFS tree, from which
//    trace_to() replays a shortest path to any state: a counterexample.
//
// Parallel: each frontier block is expanded by `threads` workers (read-only on the
// visited set), then merged serially in frontier order and event order. The merge is
// exactly the serial algorithm's order, so state ids, counts, violations, edges and
// counterexamples are the same for every thread count.
//
// Bounds: `max_states` and `max_memory` stop the search cleanly (truncated, with the
// reason); memory is the explorer's own accounting of its tables and buffers, so a
// truncation point depends only on the input, not on the machine it runs on. `max_states`
// stops before the state count passes it. `max_memory` is kept to within one expansion
// buffer (a chunk: the new successors of 64 states) per thread: a chunk's size is known only
// once it has run, so the first chunk of a round always runs, and a chunk more than twice
// the largest before it can pass what the bound left free by its own size. A round starts
// only while twice the largest chunk so far fits beside the tables, and a further chunk of a
// round is taken only while threads x twice the largest still fit after those produced.
//
// Symmetry: a machine may declare `static State canonical(const Profile&, const State&)`
// mapping a state to the representative of its orbit under a symmetry of the machine
// (interchangeable users, key-cache slots). With `symmetry` on, the explorer stores
// canonical states only; counts are then orbit counts. trace_to() still returns a path
// of real (not canonicalised) states, valid for `lockref check`.
//
// Counter abstraction: a machine may declare `static State abstract(const Profile&, State)`
// mapping a state to the representative of a class of counter values its rules cannot tell
// apart within the candidate events (Opal: C_PIN Tries 1..TryLimit-1, kept as TryLimit-1;
// the argument that this is exact is the machine's, next to its abstract()). With
// `abstraction` on, the explorer stores abstract(s) (then canonical(), with symmetry) and
// checks the invariants on it; a representative is itself a reachable state, so a
// violation is real. trace_to() replays such a path on the real machine, repeating an
// event where the real counter has not yet reached the representative's value (e.g. more
// failed authentications), so a counterexample may be longer than the BFS depth.
#pragma once
#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <type_traits>
#include <vector>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "lockref/core/encode.hpp"
#include "lockref/core/machine.hpp"

namespace lockref {

/// The state fingerprint: XXH3-64 of an encoding, in pieces of at most 128 bytes, each
/// piece's hash the seed of the next one's. XXH3's short-input paths (up to 128 bytes)
/// take about 0.6 instructions a byte, its paths for 129-240 bytes and for long inputs
/// nearer 1 and 1.3 (with a fixed cost): an engine state of 240-360 bytes hashes in about
/// half the instructions this way (issue 12). Each piece is hashed with a 64-bit seed, so
/// the chain is as good a 64-bit hash as XXH3's seeded variant.
inline std::uint64_t fingerprint(std::string_view bytes) {
  constexpr std::size_t piece = 128;
  const char* p = bytes.data();
  std::size_t n = bytes.size();
  std::uint64_t h = 0;
  for (; n > piece; p += piece, n -= piece) h = XXH3_64bits_withSeed(p, piece, h);
  return XXH3_64bits_withSeed(p, n, h);
}

/// A machine that declares a symmetry reduction (see the header comment).
template <class M>
concept HasSymmetry = requires(const typename M::Profile& p, const typename M::State& s) {
  { M::canonical(p, s) } -> std::same_as<typename M::State>;
  { M::symmetry_note(p) } -> std::convertible_to<std::string>;  // what is interchangeable, in words
};

/// A machine that declares a counter abstraction (see the header comment).
template <class M>
concept HasAbstraction = requires(const typename M::Profile& p, const typename M::State& s) {
  { M::abstract(p, s) } -> std::same_as<typename M::State>;
  { M::abstraction_note(p) } -> std::convertible_to<std::string>;  // what is merged, in words
};

/// A machine whose candidate_events() does not depend on the state declares
/// `static constexpr bool events_independent_of_state = true;`: the explorer then builds
/// the event list once instead of once per state.
template <class M>
concept HasFixedEvents = requires { requires M::events_independent_of_state; };

/// A machine whose candidate_events() reads only a small part of a state declares
/// `static std::string event_key(const Profile&, const State&)`, equal for states whose
/// candidate events are equal: the explorer builds each list once per key and worker.
template <class M>
concept HasEventKey = requires(const typename M::Profile& p, const typename M::State& s) {
  { M::event_key(p, s) } -> std::same_as<std::string>;
};

/// A machine whose step() is built on rules that write into a scratch state (machine.hpp
/// Verdict) may hand them to the explorer:
///   using fast_step_of = Machine;   // the class itself
///   static Verdict fast_step(const Profile&, const State& s, const Event& e, State& next);
/// deciding exactly as step(p, s, e) does (status, rule) and, when it returns `wrote`,
/// leaving step(p, s, e).next in `next`, a scratch state the explorer owns and reuses;
/// otherwise step(p, s, e).next == s. No Output is built and an event that leaves the state
/// alone copies nothing. step() stays the definition (tests/test_explore.cpp compares the
/// two on every reachable state). The marker names the class, so a struct deriving from the
/// machine (a mutant that overrides step()) is explored through its own step().
template <class M>
concept HasFastStep = std::same_as<typename M::fast_step_of, M> &&
    requires(const typename M::Profile& p, const typename M::State& s, const typename M::Event& e, typename M::State& n) {
      { M::fast_step(p, s, e, n) } -> std::same_as<Verdict>;
    };

struct ExploreProgress {
  std::size_t states = 0;       // distinct states found
  std::size_t frontier = 0;     // states waiting to be expanded
  std::size_t level = 0;        // BFS depth being expanded
  std::size_t transitions = 0;  // events tried
  std::size_t memory = 0;       // bytes, the explorer's accounting
  double seconds = 0;
};

struct ExploreOptions {
  std::size_t max_states = 0;     // stop after this many distinct states (0: no limit)
  std::size_t max_memory = 0;     // stop near this many bytes of the accounting (0: no limit; see Bounds above)
  unsigned threads = 1;           // workers expanding the frontier (same result for any count)
  bool full_states = false;       // visited set of whole encodings: no fingerprint collision possible
  bool symmetry = false;          // store canonical states only (M::canonical; ignored without it)
  bool abstraction = false;       // store M::abstract(s): counter values merged (ignored without it)
  bool keep_states = false;       // Exploration::states holds every state, by id (diagrams, tests)
  bool keep_edges = false;        // Exploration::edges holds every state change
  bool event_cache = true;        // with M::event_key: build each event list once per key (tests turn it off)
  std::size_t max_violations = 1000;  // violations kept (all are counted)
  std::function<void(const ExploreProgress&)> progress;  // called about every progress_seconds
  double progress_seconds = 0.5;
};

namespace explore_detail {
/// The state the explorer stores for `s`: the counter abstraction's representative (with
/// `abs`), then its symmetry orbit's (with `sym`).
template <class M>
typename M::State representative(const typename M::Profile& p, typename M::State s, bool abs, bool sym) {
  if constexpr (HasAbstraction<M>) {
    if (abs) s = M::abstract(p, std::move(s));
  }
  if constexpr (HasSymmetry<M>) {
    if (sym) return M::canonical(p, std::move(s));
  }
  (void)p, (void)abs, (void)sym;
  return s;
}

/// An append-only array in fixed pages: no doubling peak, memory counted exactly.
template <class T>
class PagedArray {
 public:
  static constexpr std::size_t page = std::size_t{1} << 12;
  void push_back(T v) {
    if (size_ % page == 0) pages_.push_back(std::make_unique_for_overwrite<T[]>(page));  // (no zero-filling)
    pages_.back()[size_ % page] = v;
    ++size_;
  }
  T operator[](std::size_t i) const { return pages_[i / page][i % page]; }
  std::size_t size() const { return size_; }
  std::size_t bytes() const { return pages_.size() * page * sizeof(T); }

 private:
  std::vector<std::unique_ptr<T[]>> pages_;
  std::size_t size_ = 0;
};

/// Frontier storage: encodings back to back, with their ids.
struct Block {
  std::string arena;
  std::vector<std::uint32_t> ends;  // ends[i]: end offset of state i in arena
  std::vector<std::uint32_t> ids;
  std::size_t size() const { return ids.size(); }
  std::string_view at(std::size_t i) const {
    const std::size_t b = i ? ends[i - 1] : 0;
    return std::string_view(arena).substr(b, ends[i] - b);
  }
  void add(std::string_view enc, std::uint32_t id) {
    arena.append(enc);
    ends.push_back(static_cast<std::uint32_t>(arena.size()));
    ids.push_back(id);
  }
  std::size_t bytes() const { return arena.capacity() + (ends.capacity() + ids.capacity()) * 4 + sizeof(Block); }
  /// Bytes add(enc) would allocate (a growing buffer doubles; the old one is freed after).
  std::size_t growth_bytes(std::size_t enc_size) const {
    std::size_t g = 0;
    if (arena.size() + enc_size > arena.capacity()) g += std::max(2 * arena.capacity(), arena.size() + enc_size);
    if (ids.size() == ids.capacity()) g += 2 * 4 * std::max<std::size_t>(2 * ids.capacity(), 1);
    return g;
  }
};

/// The fingerprint of a state, from its members (the top-level members of the reflected
/// State): a hash per member, then XXH3-64 of those hashes. A member's hash is a function
/// of its value:
///  - a type with unique object representations (integers, enums, bools, arrays and
///    padding-free structs of them) of at most 8 bytes: its bytes, as a number (exact);
///  - a larger such type: XXH3-64 of its bytes; a vector of such: XXH3-64 of its elements'
///    bytes (the length is part of XXH3's input);
///  - anything else: XXH3-64 of its canonical encoding (core/encode.hpp).
/// Equal states have equal fingerprints, and two different states share one only if a
/// member's XXH3 or the final XXH3 collides (about twice the 2^-64 of one XXH3). It is
/// built this way so that a successor's fingerprint hashes only the members the event
/// changed (the others' hashes are its parent's) and a successor already visited is never
/// encoded: the encoding and XXH3 of every successor, 250-370 bytes for an engine state,
/// were 40 % of an engine search (issue 12).
template <class S>
struct MemberHashes {
  static constexpr std::size_t size = decltype(boost::hana::length(boost::hana::accessors<S>()))::value;
  std::array<std::uint64_t, size> h{};
  std::uint64_t fingerprint() const { return XXH3_64bits(h.data(), sizeof(h)); }
};

template <class T>
constexpr bool bytewise = std::has_unique_object_representations_v<T>;
template <class T>
constexpr bool vector_of_bytewise = [] {
  if constexpr (detail::is_vector<T>::value) return bytewise<typename T::value_type>;
  return false;
}();

template <class T>
std::uint64_t member_hash(const T& v, std::string& buf) {
  if constexpr (bytewise<T> && sizeof(T) <= 8) {
    std::uint64_t x = 0;
    std::memcpy(&x, &v, sizeof(T));
    return x;
  } else if constexpr (bytewise<T>) {
    return XXH3_64bits(&v, sizeof(T));
  } else if constexpr (vector_of_bytewise<T>) {
    return XXH3_64bits(v.data(), v.size() * sizeof(typename T::value_type));
  } else {
    encode_over(buf, v);
    return XXH3_64bits(buf.data(), buf.size());
  }
}

/// a == b for a member of a State, whose == is memberwise (defaulted, as the explorer's
/// encodings assume): a type with unique object representations compares as its bytes.
template <class T>
bool member_equal(const T& a, const T& b) {
  if constexpr (bytewise<T>) {
    return std::memcmp(&a, &b, sizeof(T)) == 0;
  } else if constexpr (vector_of_bytewise<T>) {
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(a[0])) == 0);
  } else {
    return a == b;
  }
}

/// Every member's hash of s.
template <class S>
void hash_members(const S& s, MemberHashes<S>& out, std::string& buf) {
  std::size_t i = 0;
  boost::hana::for_each(boost::hana::accessors<S>(),
                        [&](auto pair) { out.h[i++] = member_hash(boost::hana::second(pair)(s), buf); });
}

/// The member hashes of n, a successor of s whose member hashes are `hs`: only the members
/// that differ from s's are hashed. False if n == s, member for member.
template <class S>
bool hash_changed_members(const S& n, const S& s, const MemberHashes<S>& hs, MemberHashes<S>& out, std::string& buf) {
  bool changed = false;
  std::size_t i = 0;
  boost::hana::for_each(boost::hana::accessors<S>(), [&](auto pair) {
    const auto& a = boost::hana::second(pair)(n);
    if (member_equal(a, boost::hana::second(pair)(s))) {
      out.h[i] = hs.h[i];
    } else {
      out.h[i] = member_hash(a, buf);
      changed = true;
    }
    ++i;
  });
  return changed;
}

/// Whether the explorer fingerprints S by its member hashes: when every member hashes
/// without being encoded (epoch, engine). A state with members that must be encoded to be
/// hashed (Opal's credentials and ranges, with their strings) is fingerprinted by XXH3 of
/// its whole encoding instead (fingerprint()): its parent's member hashes would cost an
/// encoding per expanded state, and the member comparison the early exit of ==; measured,
/// Opal's search took 3 % more instructions that way.
template <class S>
constexpr bool member_fingerprints() {
  return []<std::size_t... I>(std::index_sequence<I...>) {
    using codec_detail::member_type;
    return ((bytewise<member_type<S, I>> || vector_of_bytewise<member_type<S, I>>) && ...);
  }(std::make_index_sequence<MemberHashes<S>::size>{});
}

/// The fingerprint of a whole state (MemberHashes).
template <class S>
std::uint64_t state_fingerprint(const S& s, std::string& buf) {
  MemberHashes<S> h;
  hash_members(s, h, buf);
  return h.fingerprint();
}

/// A chunk's new successors by fingerprint: the index of the first one with each
/// fingerprint (try_emplace keeps the first). Open addressing over a power-of-two table,
/// cleared for each chunk: the few hundred entries of a chunk did not need Abseil's table,
/// whose out-of-line insertion path (the shared library's, with its debug checks) cost
/// ~80 instructions a successor (issue 12).
class FirstByFingerprint {
 public:
  void clear() {
    for (const std::uint32_t i : filled_) slots_[i].full = false;
    filled_.clear();
  }
  /// The index stored for fp, or UINT32_MAX.
  std::uint32_t find(std::uint64_t fp) const {
    if (slots_.empty()) return UINT32_MAX;
    for (std::size_t i = fp & mask();; i = (i + 1) & mask()) {
      if (!slots_[i].full) return UINT32_MAX;
      if (slots_[i].fp == fp) return slots_[i].index;
    }
  }
  /// Stores index for fp unless fp is there already.
  void try_emplace(std::uint64_t fp, std::uint32_t index) {
    if (2 * (filled_.size() + 1) > slots_.size()) grow();
    for (std::size_t i = fp & mask();; i = (i + 1) & mask()) {
      if (!slots_[i].full) {
        slots_[i] = Slot{fp, index, true};
        filled_.push_back(static_cast<std::uint32_t>(i));
        return;
      }
      if (slots_[i].fp == fp) return;
    }
  }

 private:
  struct Slot {
    std::uint64_t fp = 0;
    std::uint32_t index = 0;
    bool full = false;
  };
  std::size_t mask() const { return slots_.size() - 1; }
  void grow() {
    std::vector<Slot> old(std::max<std::size_t>(64, 2 * slots_.size()));
    old.swap(slots_);
    filled_.clear();
    for (const Slot& x : old)
      if (x.full) try_emplace(x.fp, x.index);
  }
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> filled_;  // the slots in use, to clear
};

struct IdentityHash {
  std::size_t operator()(std::uint64_t fp) const { return static_cast<std::size_t>(fp); }
};
struct EncodingHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return static_cast<std::size_t>(fingerprint(s)); }
};
struct EncodingEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};

/// The visited set: fingerprints or whole encodings, with ids only where edges need them.
class Visited {
 public:
  Visited(bool full, bool ids) : full_(full), ids_(ids) {}
  /// Is the state there? (read-only; safe from several threads while nobody inserts)
  bool contains(std::uint64_t fp, std::string_view enc) const {
    if (!full_ && !ids_) return fp_set_.contains(fp);  // the usual case, inlined into the explorer's loop
    return contains_other(fp, enc);
  }
  /// Id of a state that is there (only with ids).
  std::uint32_t id_of(std::uint64_t fp, std::string_view enc) const {
    return full_ ? full_ids_.find(enc)->second : fp_ids_.find(fp)->second;
  }
  /// Inserts; true if it was new.
  bool insert(std::uint64_t fp, std::string_view enc, std::uint32_t id) {
    if (full_) {
      const bool fresh = ids_ ? full_ids_.try_emplace(std::string(enc), id).second : full_set_.emplace(std::string(enc)).second;
      if (fresh && enc.size() > 15) heap_ += (enc.size() + 1 + 15) / 16 * 16 + 16;  // std::string's heap block
      return fresh;
    }
    return ids_ ? fp_ids_.try_emplace(fp, id).second : fp_set_.insert(fp).second;
  }
  std::size_t size() const {
    return full_ ? (ids_ ? full_ids_.size() : full_set_.size()) : (ids_ ? fp_ids_.size() : fp_set_.size());
  }
  std::size_t capacity() const {
    return full_ ? (ids_ ? full_ids_.capacity() : full_set_.capacity())
                 : (ids_ ? fp_ids_.capacity() : fp_set_.capacity());
  }
  std::size_t slot_bytes() const {
    return full_ ? (ids_ ? sizeof(std::pair<std::string, std::uint32_t>) : sizeof(std::string))
                 : (ids_ ? sizeof(std::pair<std::uint64_t, std::uint32_t>) : sizeof(std::uint64_t));
  }
  std::size_t table_bytes(std::size_t cap) const { return cap ? cap * (slot_bytes() + 1) + 16 : 0; }
  std::size_t bytes() const { return table_bytes(capacity()) + heap_; }
  /// Bytes the next insertion would add (a rehash to twice the capacity keeps the old
  /// table until it has moved: both count at the peak).
  std::size_t growth_bytes(std::size_t enc_size) const {
    const std::size_t cap = capacity();
    const std::size_t growth = cap - cap / 8;
    std::size_t add = full_ && enc_size > 15 ? enc_size + 32 : 0;
    if (size() + 1 > growth) add += table_bytes(cap ? cap * 2 + 1 : 15);
    return add;
  }

 private:
  bool full_, ids_;
  absl::flat_hash_set<std::uint64_t, IdentityHash> fp_set_;
  absl::flat_hash_map<std::uint64_t, std::uint32_t, IdentityHash> fp_ids_;
  absl::flat_hash_set<std::string, EncodingHash, EncodingEq> full_set_;
  absl::flat_hash_map<std::string, std::uint32_t, EncodingHash, EncodingEq> full_ids_;
  std::size_t heap_ = 0;

  bool contains_other(std::uint64_t fp, std::string_view enc) const {
    if (full_) return ids_ ? full_ids_.contains(enc) : full_set_.contains(enc);
    return fp_ids_.contains(fp);
  }
};
}  // namespace explore_detail

template <StateMachine M>
struct Exploration {
  struct Edge {
    std::size_t from, to;
    std::string event;  // the event as compact JSON
    std::string tag;    // event tag, for diagram labels
  };
  struct Violation {
    std::size_t state;  // id: BFS order, so the first violation is at the least depth
    std::string invariant, requirement;
  };
  std::size_t state_count = 0;            // distinct states (orbits, with symmetry)
  std::vector<typename M::State> states;  // with keep_states: states[id]; states[0] is the initial state
  std::vector<Edge> edges;                // with keep_edges: events that change the state
  std::vector<Violation> violations;      // the first max_violations, by state id
  std::size_t violation_count = 0;        // all of them
  std::size_t transitions = 0;            // events tried
  std::size_t rejected = 0;               // events answered with an error
  std::size_t changes = 0;                // events that change the state (edges, counted always)
  std::size_t levels = 0;                 // BFS levels expanded (the depth of the deepest state + 1)
  bool truncated = false;                 // a bound stopped the search
  std::string truncation;                 // which bound, in words
  bool symmetric = false;                 // states are canonical representatives (M::canonical)
  bool abstracted = false;                // states are counter-abstraction representatives (M::abstract)
  bool full_states = false;               // the visited set held whole encodings
  std::size_t encoded_bytes = 0;          // sum of the states' encoding sizes
  std::size_t memory_peak = 0;            // bytes at the peak, the explorer's accounting
  std::size_t memory_final = 0;           // bytes of the visited set and the BFS tree at the end
  // The BFS tree: state id -> the id it was first reached from, and the index of the
  // event in candidate_events(parent). parent[0] == 0.
  explore_detail::PagedArray<std::uint32_t> parent, via;

  std::size_t size() const { return state_count; }
  /// Bytes per stored state (visited set + BFS tree), at the end.
  double bytes_per_state() const { return state_count ? double(memory_final) / double(state_count) : 0; }
  /// Upper bound on the probability that two distinct states shared a fingerprint:
  /// n(n-1)/2 pairs, each colliding with probability 2^-64 (XXH3 of the encoding), or at
  /// most 2^-63 with member fingerprints (a member's XXH3, then the XXH3 of the member
  /// hashes: explore_detail::MemberHashes).
  double collision_probability() const {
    if (full_states) return 0;
    const double n = double(state_count);
    const double per_pair = explore_detail::member_fingerprints<typename M::State>() ? 0x1p-63 : 0x1p-64;
    return n * (n - 1) / 2 * per_pair;
  }
};

template <StateMachine M>
Exploration<M> explore(const typename M::Profile& p, const ExploreOptions& o) {
  using State = typename M::State;
  using namespace explore_detail;
  const auto t0 = std::chrono::steady_clock::now();
  const bool sym = [&] {
    if constexpr (HasSymmetry<M>) return o.symmetry;
    return false;
  }();
  const bool abs = [&] {
    if constexpr (HasAbstraction<M>) return o.abstraction;
    return false;
  }();
  const bool reduce = sym || abs;  // stored states are representatives, not every state
  constexpr bool member_fp = member_fingerprints<State>();  // else XXH3 of the whole encoding
  auto representative = [&](State s) -> State { return explore_detail::representative<M>(p, std::move(s), abs, sym); };
  const auto invariants = M::invariants();

  Exploration<M> ex;
  ex.symmetric = sym;
  ex.abstracted = abs;
  ex.full_states = o.full_states;
  Visited visited(o.full_states, o.keep_edges);

  // One successor found while expanding a block (phase 1), merged in phase 2.
  struct Succ {
    std::uint64_t fp;
    std::uint32_t from, via;
    std::uint32_t enc_begin, enc_end;    // in the chunk's arena (a candidate)
    std::uint32_t fail_begin, fail_end;  // failed invariant indices, in the chunk's fails
    std::uint32_t known;                 // id of an already visited target (keep_edges), else UINT32_MAX
  };
  struct Chunk {
    std::string arena;
    std::vector<Succ> succ;
    std::vector<std::uint16_t> fails;
    std::vector<std::pair<std::string, std::string>> edge_text;  // keep_edges: (event JSON, tag) per succ
    std::size_t transitions = 0, rejected = 0, changes = 0;
    std::size_t bytes() const {
      return arena.capacity() + succ.capacity() * sizeof(Succ) + fails.capacity() * 2 +
             edge_text.capacity() * sizeof(edge_text[0]);
    }
  };

  std::vector<Block> frontier(1), next(1);
  std::size_t frontier_states = 0, next_states = 0;
  std::size_t frontier_bytes = 0;  // current + next frontier blocks
  std::size_t peak = 0;
  std::size_t held = 0;  // bytes of the expansion buffers (chunks) not yet merged and freed
  auto tree_bytes = [&] { return ex.parent.bytes() + ex.via.bytes(); };
  auto memory = [&](std::size_t extra) {
    return visited.bytes() + tree_bytes() + frontier_bytes + extra + ex.states.size() * sizeof(State);
  };
  auto stop = [&](std::string why) {
    if (!ex.truncated) {
      ex.truncated = true;
      ex.truncation = std::move(why);
    }
  };
  auto record_violations = [&](std::uint32_t id, const std::uint16_t* b, const std::uint16_t* e) {
    for (; b != e; ++b) {
      ++ex.violation_count;
      if (ex.violations.size() < o.max_violations)
        ex.violations.push_back({id, std::string(invariants[*b].id), std::string(invariants[*b].requirement)});
    }
  };
  constexpr std::size_t block_states = 8192;  // frontier block: the unit of merging and of progress
  // Adds a new state (phase 2, and the initial state); false if a bound stops the search.
  auto admit = [&](std::uint64_t fp, std::string_view enc, std::uint32_t from, std::uint32_t via_event,
                   const std::uint16_t* fb, const std::uint16_t* fe) -> bool {
    if (o.max_states && ex.state_count >= o.max_states) {
      stop("--max-states " + std::to_string(o.max_states) + " reached");
      return false;
    }
    if (o.max_memory) {
      const std::size_t need = memory(held) + visited.growth_bytes(enc.size()) + next.back().growth_bytes(enc.size()) +
                               (ex.parent.size() % decltype(ex.parent)::page == 0 ? 2 * decltype(ex.parent)::page * 4 : 0);
      if (need > o.max_memory) {
        stop("--max-memory " + std::to_string(o.max_memory) + " bytes reached");
        return false;
      }
    }
    const auto id = static_cast<std::uint32_t>(ex.state_count);
    if (!visited.insert(fp, enc, id)) return true;  // callers insert only new states
    ++ex.state_count;
    ex.parent.push_back(from);
    ex.via.push_back(via_event);
    ex.encoded_bytes += enc.size();
    if (next.back().size() >= block_states) next.emplace_back();
    const std::size_t before = next.back().bytes();
    next.back().add(enc, id);
    frontier_bytes += next.back().bytes() - before;
    ++next_states;
    record_violations(id, fb, fe);
    if (o.keep_states) {
      auto s = decode<State>(enc);
      ex.states.push_back(std::move(*s));
    }
    peak = std::max(peak, memory(held));
    return true;
  };

  {  // the initial state
    const State s0 = representative(M::initial(p));
    const std::string enc = encode(s0);
    std::vector<std::uint16_t> fails;
    for (std::size_t k = 0; k < invariants.size(); ++k)
      if (!invariants[k].holds(p, s0)) fails.push_back(static_cast<std::uint16_t>(k));
    std::string member_buf;
    std::uint64_t fp0;
    if constexpr (member_fp) fp0 = state_fingerprint(s0, member_buf);
    else fp0 = fingerprint(enc);
    admit(fp0, enc, 0, 0, fails.data(), fails.data() + fails.size());
  }

  // With HasFixedEvents, the one event list every state shares (read-only on every worker).
  std::vector<typename M::Event> fixed_events;
  if constexpr (HasFixedEvents<M>) fixed_events = M::candidate_events(p, M::initial(p));

  // Each worker's event lists by M::event_key (HasEventKey): as many as distinct keys, which
  // are few (they are not counted in --max-memory).
  using EventList = std::vector<typename M::Event>;
  using EventCache = absl::flat_hash_map<std::string, EventList>;
  const unsigned threads = std::max(1u, o.threads);
  std::vector<EventCache> event_caches(threads);

  // The events of state s: the fixed list, the worker's cached list for its key, or its own.
  auto events_of = [&](const State& s, EventCache& cache, EventList& own) -> const EventList& {
    if constexpr (HasFixedEvents<M>) return fixed_events;
    if constexpr (HasEventKey<M>) {
      if (o.event_cache) {
        auto [it, fresh] = cache.try_emplace(M::event_key(p, s));
        if (fresh) it->second = M::candidate_events(p, s);
        return it->second;
      }
    }
    own = M::candidate_events(p, s);
    return own;
  };

  // Each worker's expansion buffers, kept from chunk to chunk and level to level (a small
  // search, such as epoch's 72 states in 36 levels, otherwise spends much of its time
  // allocating them again). Not counted in --max-memory: a few states and one chunk's keys.
  struct Scratch {
    std::string buf;
    EventList own_events;
    State s;        // the state being expanded, decoded in place (its buffers reused)
    State scratch;  // its successor by one event
    State canon;    // with symmetry or abstraction: the successor's representative
    MemberHashes<State> hs, hn;  // of s and of a successor (the fingerprint's parts)
    std::string member_buf;      // a member's encoding, for its hash
    // New successors this chunk has already found, by fingerprint -> index in out.succ: a
    // state reached from several states of the chunk (usual in BFS) is stored and checked
    // against the invariants once; its later Succs share the first one's encoding and
    // results, and phase 2 finds them visited as it would have anyway.
    FirstByFingerprint found;
  };
  std::vector<Scratch> scratches(threads);

  // Expands states [b, e) of a frontier block into a chunk (phase 1; runs on any worker).
  auto expand = [&](const Block& blk, std::size_t b, std::size_t e, Chunk& out, EventCache& cache, Scratch& w) {
    std::string& buf = w.buf;
    EventList& own_events = w.own_events;
    State& s = w.s;
    State& scratch = w.scratch;
    State& canon = w.canon;
    auto& found = w.found;
    auto& hs = w.hs;
    auto& hn = w.hn;
    std::string& member_buf = w.member_buf;
    found.clear();
    for (std::size_t i = b; i < e; ++i) {
      const std::string_view enc = blk.at(i);
      if (Decoder d(enc); !d.read(s) || !d.at_end())
        throw std::logic_error("explore: a stored state does not decode at offset " + std::to_string(d.offset()));
      const EventList& events = events_of(s, cache, own_events);
      if constexpr (member_fp) hash_members(s, hs, member_buf);
      for (std::size_t k = 0; k < events.size(); ++k) {
        ++out.transitions;
        // Follow every transition that changes the state, refused or not: some refusals
        // have effects the specification requires (a failed Authenticate counts a try).
        // A stored state is its orbit's representative, so an unchanged state needs no
        // canonical form to be known.
        if constexpr (HasFastStep<M>) {
          const Verdict v = M::fast_step(p, s, events[k], scratch);
          if (!v.is_ok()) ++out.rejected;
          if (!v.wrote) continue;
          // (with member fingerprints, the member comparison below finds an unchanged state)
          if constexpr (!member_fp) {
            if (scratch == s) continue;
          }
        } else {
          auto st = M::step(p, s, events[k]);
          if (!st.out.is_ok()) ++out.rejected;
          if (st.next == s) continue;
          scratch = std::move(st.next);
        }
        if (reduce) {
          if constexpr (member_fp) {
            if (scratch == s) continue;
          }
          canon = representative(std::move(scratch));
        }
        const State& next_state = reduce ? canon : scratch;
        std::uint64_t fp;
        bool encoded = false;  // buf holds next_state's encoding
        if constexpr (member_fp) {
          // Unchanged (its representative is s): the member comparison is == (defaulted).
          if (!hash_changed_members(next_state, s, hs, hn, member_buf)) continue;
          fp = hn.fingerprint();
        } else {
          encode_over(buf, next_state);
          encoded = true;
          if (reduce && buf == enc) continue;  // (without a reduction, != s above: the encoding is injective)
          fp = fingerprint(buf);
        }
        ++out.changes;
        Succ x{fp, blk.ids[i], static_cast<std::uint32_t>(k), 0, 0, 0, 0, UINT32_MAX};
        // With member fingerprints only a state not yet visited is encoded (--full-states
        // looks states up by encoding).
        if (o.full_states && !encoded) {
          encode_over(buf, next_state);
          encoded = true;
        }
        if (visited.contains(fp, buf)) {
          if (!o.keep_edges) continue;
          x.known = visited.id_of(fp, buf);
        } else {
          if (!encoded) encode_over(buf, next_state);
          const std::uint32_t seen = found.find(fp);
          if (seen != UINT32_MAX && std::string_view(out.arena).substr(out.succ[seen].enc_begin,
                                                                       out.succ[seen].enc_end - out.succ[seen].enc_begin) ==
                                        buf) {
            const Succ& first = out.succ[seen];
            x.enc_begin = first.enc_begin;
            x.enc_end = first.enc_end;
            x.fail_begin = first.fail_begin;
            x.fail_end = first.fail_end;
          } else {
            found.try_emplace(fp, static_cast<std::uint32_t>(out.succ.size()));
            x.enc_begin = static_cast<std::uint32_t>(out.arena.size());
            out.arena.append(buf);
            x.enc_end = static_cast<std::uint32_t>(out.arena.size());
            x.fail_begin = static_cast<std::uint32_t>(out.fails.size());
            for (std::size_t v = 0; v < invariants.size(); ++v)
              if (!invariants[v].holds(p, next_state)) out.fails.push_back(static_cast<std::uint16_t>(v));
            x.fail_end = static_cast<std::uint32_t>(out.fails.size());
          }
        }
        if (o.keep_edges) out.edge_text.emplace_back(to_json(events[k]).dump(), std::string(event_tag(events[k])));
        out.succ.push_back(x);
      }
    }
  };

  constexpr std::size_t chunk_states = 64;  // the unit of work stealing and of the memory check
  auto last_report = t0;
  auto report = [&](bool force) {
    if (!o.progress) return;
    const auto now = std::chrono::steady_clock::now();
    if (!force && std::chrono::duration<double>(now - last_report).count() < o.progress_seconds) return;
    last_report = now;
    o.progress(ExploreProgress{ex.state_count, frontier_states + next_states, ex.levels, ex.transitions, memory(0),
                               std::chrono::duration<double>(now - t0).count()});
  };

  std::vector<Chunk> chunks;
  std::atomic<std::size_t> largest{0};  // the largest chunk's bytes so far
  while (!ex.truncated) {
    std::swap(frontier, next);
    frontier_states = next_states;
    next.assign(1, Block{});
    next_states = 0;
    if (frontier_states == 0) break;
    ++ex.levels;
    for (std::size_t fb = 0; fb < frontier.size() && !ex.truncated; ++fb) {
      Block& blk = frontier[fb];
      const std::size_t n = blk.size();
      // A block is expanded in rounds: phase 1 stops taking chunks once their buffers
      // would pass what --max-memory leaves free (the first chunk always runs), phase 2
      // merges the finished prefix, freeing each chunk once merged, and admits a state only
      // while the tables and the chunks still held stay within the bound; the next round
      // goes on from there. Results do not depend on where rounds split a block: merging is
      // in order either way.
      for (std::size_t done_states = 0; done_states < n && !ex.truncated;) {
        const std::size_t nchunks = (n - done_states + chunk_states - 1) / chunk_states;
        chunks.clear();  // (assign would keep the old chunks' buffers: std::string keeps its capacity)
        chunks.resize(nchunks);
        const std::size_t used = memory(0);
        const std::size_t budget =
            o.max_memory ? (o.max_memory > used ? o.max_memory - used : 0) : std::numeric_limits<std::size_t>::max();
        // Phase 1: expand (parallel, read-only on `visited`).
        // A chunk's size is known only once it has run: each worker may have one running, so
        // a chunk is taken only if that many more of twice the largest size so far still fit
        // (chunks grow from one BFS level to the next).
        std::atomic<std::size_t> next_chunk{0}, produced{0}, first_skipped{nchunks};
        // Not even one more chunk fits beside the tables: the search cannot go on within the bound.
        if (o.max_memory && budget < 2 * largest.load()) {
          stop("--max-memory " + std::to_string(o.max_memory) + " bytes reached");
          break;
        }
        auto work = [&](unsigned worker) {
          for (std::size_t c; (c = next_chunk.fetch_add(1)) < nchunks;) {
            if (c > 0 && (produced.load() > budget || budget - produced.load() < 2 * threads * largest.load())) {
              for (std::size_t f = first_skipped.load(); c < f && !first_skipped.compare_exchange_weak(f, c);) {
              }
              return;
            }
            const std::size_t b = done_states + c * chunk_states;
            expand(blk, b, std::min(n, b + chunk_states), chunks[c], event_caches[worker], scratches[worker]);
            const std::size_t made = chunks[c].bytes();
            produced.fetch_add(made);
            for (std::size_t l = largest.load(); made > l && !largest.compare_exchange_weak(l, made);) {
            }
          }
        };
        if (threads > 1 && nchunks > 1) {
          std::vector<std::thread> pool;
          for (unsigned t = 1; t < std::min<std::size_t>(threads, nchunks); ++t) pool.emplace_back(work, t);
          work(0);
          for (auto& t : pool) t.join();
        } else {
          work(0);
        }
        const std::size_t merged = first_skipped.load();
        held = 0;
        for (const auto& c : chunks) held += c.bytes();
        peak = std::max(peak, memory(held));
        // Phase 2: merge in frontier order, then event order (the serial algorithm's order).
        for (std::size_t ci = 0; ci < merged && !ex.truncated; ++ci) {
          auto& c = chunks[ci];
          ex.transitions += c.transitions;
          ex.rejected += c.rejected;
          ex.changes += c.changes;
          for (std::size_t si = 0; si < c.succ.size(); ++si) {
            const Succ& x = c.succ[si];
            std::uint32_t to = x.known;
            if (to == UINT32_MAX) {
              const std::string_view enc(c.arena.data() + x.enc_begin, x.enc_end - x.enc_begin);
              if (visited.contains(x.fp, enc)) {
                if (!o.keep_edges) continue;
                to = visited.id_of(x.fp, enc);
              } else {
                to = static_cast<std::uint32_t>(ex.state_count);
                if (!admit(x.fp, enc, x.from, x.via, c.fails.data() + x.fail_begin, c.fails.data() + x.fail_end)) break;
              }
            }
            if (o.keep_edges) ex.edges.push_back({x.from, to, std::move(c.edge_text[si].first), std::move(c.edge_text[si].second)});
          }
          held -= c.bytes();
          c = Chunk{};
        }
        held = 0;
        done_states = std::min(n, done_states + merged * chunk_states);
      }
      chunks.clear();
      frontier_states -= n;
      frontier_bytes -= std::min(frontier_bytes, blk.bytes());
      blk = Block{};
      report(false);
    }
  }
  ex.memory_peak = peak;
  ex.memory_final = visited.bytes() + tree_bytes();
  report(true);
  return ex;
}

/// The whole graph, every state and edge kept: for diagrams, tests and small machines.
template <StateMachine M>
Exploration<M> explore(const typename M::Profile& p, std::size_t max_states = 1'000'000) {
  ExploreOptions o;
  o.max_states = max_states;
  o.keep_states = o.keep_edges = true;
  return explore<M>(p, o);
}

/// A path from the initial state: events[i] takes states[i] to states[i + 1].
template <StateMachine M>
struct Trace {
  std::vector<typename M::State> states;
  std::vector<typename M::Event> events;
};

/// A shortest path from the initial state to state `id` of an exploration, replayed on
/// the real machine (Exploration::parent/via give the BFS tree). With symmetry, each step
/// takes the event of the real state whose successor has the recorded representative. With
/// the counter abstraction, where no single event gets there, an event is repeated until
/// its representative is the recorded one (the real counter catches up with the
/// representative's: at most `max_repeat` times), so the real path may be longer.
template <StateMachine M>
Result<Trace<M>> trace_to(const typename M::Profile& p, const Exploration<M>& ex, std::size_t id,
                          std::size_t max_repeat = 1 << 16) {
  using State = typename M::State;
  if (id >= ex.state_count) return make_error("trace: no state " + std::to_string(id));
  auto representative = [&](const State& s) -> State {
    return explore_detail::representative<M>(p, s, ex.abstracted, ex.symmetric);
  };
  std::vector<std::uint32_t> chain;  // ids from the state back to the initial state
  for (std::size_t i = id; i != 0; i = ex.parent[i]) {
    chain.push_back(static_cast<std::uint32_t>(i));
    if (chain.size() > ex.state_count) return make_error("trace: the BFS tree has a cycle");
  }
  std::reverse(chain.begin(), chain.end());
  Trace<M> t;
  State canon = representative(M::initial(p));  // the recorded path, in representatives
  State real = M::initial(p);              // the same path on the real machine
  t.states.push_back(real);
  for (const auto i : chain) {
    const auto events = M::candidate_events(p, canon);
    const auto k = ex.via[i];
    if (k >= events.size()) return make_error("trace: event index out of range (fingerprint collision?)");
    canon = representative(M::step(p, canon, events[k]).next);
    const std::string want = encode(canon);
    const auto real_events = M::candidate_events(p, real);
    bool found = false;
    for (const auto& e : real_events) {
      auto st = M::step(p, real, e);
      if (encode(representative(st.next)) != want) continue;
      real = std::move(st.next);
      t.events.push_back(e);
      t.states.push_back(real);
      found = true;
      break;
    }
    // The abstraction merged counter values: repeat one event until the real state's
    // representative is the recorded one (or the event stops changing the state).
    for (std::size_t r = 0; !found && ex.abstracted && r < real_events.size(); ++r) {
      std::vector<State> path;
      State cur = real;
      for (std::size_t n = 0; n < max_repeat; ++n) {
        auto st = M::step(p, cur, real_events[r]);
        if (st.next == cur) break;
        cur = std::move(st.next);
        path.push_back(cur);
        if (encode(representative(cur)) == want) {
          found = true;
          break;
        }
      }
      if (!found) continue;
      for (auto& s : path) {
        t.events.push_back(real_events[r]);
        t.states.push_back(std::move(s));
      }
      real = t.states.back();
    }
    if (!found) return make_error("trace: no event of the real state reaches the recorded successor");
  }
  return t;
}

/// Graphviz rendering: one node per state (M::label), one edge per distinct
/// (from, to, event tag). Self-loops are not drawn. Needs keep_states and keep_edges.
template <StateMachine M>
std::string to_dot(const typename M::Profile& p, const Exploration<M>& ex, std::string_view title) {
  auto esc = [](std::string s) {
    std::string o;
    for (char c : s) {
      if (c == '"') o += "\\\"";
      else if (c == '\n') o += "\\n";
      else o += c;
    }
    return o;
  };
  std::string out = "digraph \"" + esc(std::string(title)) + "\" {\n  rankdir=TB;\n  node [shape=box, fontname=\"Helvetica\"];\n";
  for (std::size_t i = 0; i < ex.states.size(); ++i)
    out += "  s" + std::to_string(i) + " [label=\"" + esc(M::label(p, ex.states[i])) + "\"" +
           (i == 0 ? ", penwidth=2" : "") + "];\n";
  std::map<std::tuple<std::size_t, std::size_t, std::string>, int> seen;
  for (const auto& e : ex.edges) {
    if (seen[{e.from, e.to, e.tag}]++) continue;
    out += "  s" + std::to_string(e.from) + " -> s" + std::to_string(e.to) + " [label=\"" + esc(e.tag) + "\", fontsize=9];\n";
  }
  out += "}\n";
  return out;
}

}  // namespace lockref
