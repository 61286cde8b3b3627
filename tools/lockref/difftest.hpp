// `lockref difftest MACHINE --dut COMMAND`: differential testing of an implementation
// (through its adapter, a child process speaking JSON Lines) against the model, with
// RapidCheck generating and shrinking the event sequences. The protocol is documented in
// README.md ("difftest") and tools/adapters/README.md.
//
// The machine-specific part is only this header's make_diff_machine<M>: it turns a
// StateMachine into events as JSON (the machine's own Hana-reflected encoding, the one
// transcripts use) and a transcript checker, so the driver (difftest.cpp, the only file
// that includes RapidCheck) is written once for every machine.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "lockref/core/transcript.hpp"
#include "registry.hpp"

namespace lockref::cli {

/// A transcript checker for one machine and profile, behind a virtual interface.
struct LineChecker {
  virtual ~LineChecker() = default;
  virtual Status feed(std::size_t line, std::string_view text) = 0;
  virtual bool diverged() const = 0;
  virtual Result<CheckReport> finish() const = 0;
};

/// Every type tag of an Event variant, in declaration order.
template <class V>
std::vector<std::string> event_tags() {
  return []<std::size_t... I>(std::index_sequence<I...>) {
    return std::vector<std::string>{std::string(std::variant_alternative_t<I, V>::tag)...};
  }(std::make_index_sequence<std::variant_size_v<V>>{});
}

/// One machine with a fixed profile, as the generic difftest driver sees it.
struct DiffMachine {
  std::string name;
  Json profile;                  // to_json(profile)
  std::vector<std::string> tags;  // every event type
  /// The events a sequence of choices selects, walking the model from its initial state:
  /// choice c picks, by c % 8, an event the model accepts (0-4: the first accepted candidate
  /// from candidate c / 8 on), one it refuses (5, 6: likewise), or (7) an event sent earlier
  /// in the sequence and accepted then again, number c / 8 modulo their count (a replayed
  /// nonce, a stale key blob). Only events whose type is in `allowed` (empty: every type).
  /// Zero, the value RapidCheck shrinks towards, is the first accepted event.
  std::function<std::vector<Json>(const std::vector<std::uint64_t>& choices, const std::vector<std::string>& allowed)> walk;
  std::function<std::unique_ptr<LineChecker>()> checker;
};

template <StateMachine M>
std::vector<Json> walk_events(const typename M::Profile& p, const std::vector<std::uint64_t>& choices,
                              const std::vector<std::string>& allowed) {
  auto s = M::initial(p);
  std::vector<typename M::Event> history;
  std::vector<std::size_t> accepted;  // indices into history of the events the model accepted
  std::vector<Json> out;
  auto permitted = [&](const typename M::Event& e) {
    return allowed.empty() || std::find(allowed.begin(), allowed.end(), event_tag(e)) != allowed.end();
  };
  for (const std::uint64_t c : choices) {
    auto cands = M::candidate_events(p, s);
    std::erase_if(cands, [&](const auto& e) { return !permitted(e); });
    const std::uint64_t kind = c % 8, index = c / 8;
    std::optional<typename M::Event> e;
    std::optional<Step<typename M::State, typename M::Output>> st;
    if (kind == 7 && !accepted.empty()) {
      e = history[accepted[index % accepted.size()]];
    } else if (!cands.empty()) {
      // From candidate `index` on, the first one the model accepts (kind 0-4) or refuses
      // (5, 6); stepping only as many candidates as that takes keeps the walk cheap.
      const bool want_ok = kind < 5;
      for (std::size_t j = 0; j < cands.size() && !e; ++j) {
        const auto& x = cands[(index + j) % cands.size()];
        auto t = M::step(p, s, x);
        if (t.out.is_ok() == want_ok) e = x, st = std::move(t);
      }
      if (!e) e = cands[index % cands.size()];
    } else if (!history.empty()) {
      e = history[index % history.size()];
    } else {
      continue;
    }
    if (!st) st = M::step(p, s, *e);
    if (st->out.is_ok()) accepted.push_back(history.size());
    s = std::move(st->next);
    out.push_back(to_json(*e));
    history.push_back(std::move(*e));
  }
  return out;
}

template <StateMachine M>
struct TypedLineChecker final : LineChecker {
  explicit TypedLineChecker(typename M::Profile p)
      : c([p](const auto&) -> Result<typename M::Profile> { return p; }) {}
  Status feed(std::size_t line, std::string_view text) override { return c.feed(line, text); }
  bool diverged() const override { return c.diverged(); }
  Result<CheckReport> finish() const override { return c.finish(); }
  TranscriptChecker<M> c;
};

template <StateMachine M>
DiffMachine make_diff_machine(const typename M::Profile& p) {
  DiffMachine d;
  d.name = std::string(M::name);
  d.profile = to_json(p);
  d.tags = event_tags<typename M::Event>();
  d.walk = [p](const std::vector<std::uint64_t>& c, const std::vector<std::string>& allowed) {
    return walk_events<M>(p, c, allowed);
  };
  d.checker = [p]() -> std::unique_ptr<LineChecker> { return std::make_unique<TypedLineChecker<M>>(p); };
  return d;
}

/// The difftest command's own options (--dut, --sequences, ...), for main.cpp.
std::vector<Option> difftest_options();
/// Runs difftest for one machine whose profile is already resolved; the exit status.
int run_difftest(const Args& a, const DiffMachine& m);

}  // namespace lockref::cli
