// core/transcript.hpp, whole: corpus generation (generate_corpus) and transcript replay
// (TranscriptChecker, check_transcript) against the header's documented contract (its top
// comment and the comments on generate_corpus, Divergence, TranscriptChecker, feed, finish
// and check_transcript) and README.md "check — replay a device transcript":
//   - JSON Lines: an optional header {machine, profile, seed, walk}, then one line per step
//     {machine, step, event, expect, state}; blank lines are skipped; steps count from 1;
//   - "expect" and "state" may hold any subset of the model's fields, at any depth, and
//     only the keys present are compared; a key the model does not have there (an optional
//     it leaves out) is a divergence with the model's side "(absent)";
//   - unusable input (not JSON, not an object, another machine, an unknown field, a value of
//     the wrong type or outside its type, bad step numbers, a bad profile) is an Error whose
//     message names the line and the field path, never a divergence;
//   - a divergence names the line, step, event, first differing path, both values, the
//     rule (the refusing rule for a refused event, else view_requirement(field)), the
//     model's state before the step and the model's value at that path before the step;
//   - an invariant broken by the state the model reaches is reported with its check name,
//     its requirement and the state after the step;
//   - the profile is the header's unless a resolver (or check_transcript's forced profile)
//     decides; a corpus of several walks restarts each walk ("walk" header, same profile);
//   - generate_corpus: a header with the seed, then `count` steps of a seeded random walk
//     preferring accepted events 3:1; emit() returning false stops it (result false).
// The machine is a tiny counter ("tally") declared here, so every expected value is worked
// out by hand from its few rules below. Expected compact JSON strings (Divergence::before,
// ::after, ::event and the values) were written by hand and checked with /usr/bin/python3's
// json module (json.dumps(json.loads(s), separators=(",", ":")) == s, key order kept).
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "lockref/core/transcript.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own.
namespace LOCKREF_UNITY_ID {
using lockref::Json;

namespace {

namespace tally {

enum class Mode : std::uint8_t { idle, busy };
constexpr auto enum_names(Mode) {
  return std::array{lockref::EnumName<Mode>{Mode::idle, "idle"}, lockref::EnumName<Mode>{Mode::busy, "busy"}};
}

struct Profile {
  BOOST_HANA_DEFINE_STRUCT(Profile, (std::uint8_t, limit));
  Profile() : limit(3) {}
  explicit Profile(std::uint8_t l) : limit(l) {}
  friend bool operator==(const Profile&, const Profile&) = default;
};

struct Info {
  BOOST_HANA_DEFINE_STRUCT(Info, (std::uint8_t, a), (std::uint8_t, b));
  friend bool operator==(const Info&, const Info&) = default;
};

struct State {
  BOOST_HANA_DEFINE_STRUCT(State, (std::uint8_t, count), (std::uint8_t, cap), (Info, info),
                           (std::optional<std::uint8_t>, mark), (Mode, mode));
  friend bool operator==(const State&, const State&) = default;
};

struct View {
  BOOST_HANA_DEFINE_STRUCT(View, (bool, full));
};

struct Echo {
  BOOST_HANA_DEFINE_STRUCT(Echo, (std::uint8_t, count));
};

/// status/rule as every machine's output, plus the count after the step, a `note` only an
/// accepted inc has, and a member named "state" (an object), so an answer's path can start
/// with "state." too.
struct Output {
  BOOST_HANA_DEFINE_STRUCT(Output, (std::string, status), (std::string, rule), (std::uint8_t, value),
                           (std::optional<std::uint8_t>, note), (Echo, state));
  bool is_ok() const { return status == "ok"; }
};

struct Inc {
  static constexpr std::string_view tag = "inc";
};
struct Reset {
  static constexpr std::string_view tag = "reset";
};
struct Poke {
  BOOST_HANA_DEFINE_STRUCT(Poke, (std::uint8_t, value));
  static constexpr std::string_view tag = "poke";
};
struct Mark {
  BOOST_HANA_DEFINE_STRUCT(Mark, (std::uint8_t, value));
  static constexpr std::string_view tag = "mark";
};
struct Glitch {
  static constexpr std::string_view tag = "glitch";
};

}  // namespace tally

/// The rules, all of them:
///   initial: count 0, cap = limit, info {a 0, b 7}, no mark, mode idle; view full = count >= limit
///   inc:    refused FULL (T-INC-LIMIT) when count >= limit, else count + 1, note = new count (T-INC)
///   reset:  refused EMPTY (T-RESET-EMPTY) when count == 0, else count 0 (T-RESET)
///   poke v: count = v (T-POKE: may break the invariant count <= limit, T-BOUND)
///   mark v: mark = v, info.a = v (T-MARK)
///   glitch: mode = an enum value with no name (T-GLITCH: a state its own codec cannot read back)
/// Every answer carries value = state.count = the count after the step. A refused event
/// changes nothing. Requirements of state fields: "full" T-VIEW-FULL, the others T-STATE.
struct Tally {
  static constexpr std::string_view name = "tally";
  using Profile = tally::Profile;
  using State = tally::State;
  using View = tally::View;
  using Output = tally::Output;
  using Event = std::variant<tally::Inc, tally::Reset, tally::Poke, tally::Mark, tally::Glitch>;

  static State initial(const Profile& p) {
    State s{};
    s.cap = p.limit;
    s.info.b = 7;
    return s;
  }
  static lockref::Step<State, Output> step(const Profile& p, const State& s, const Event& e) {
    State n = s;
    Output o{};
    o.status = "ok";
    if (std::holds_alternative<tally::Inc>(e)) {
      if (s.count >= p.limit) {
        o.status = "FULL";
        o.rule = "T-INC-LIMIT";
      } else {
        ++n.count;
        o.rule = "T-INC";
        o.note = n.count;
      }
    } else if (std::holds_alternative<tally::Reset>(e)) {
      if (s.count == 0) {
        o.status = "EMPTY";
        o.rule = "T-RESET-EMPTY";
      } else {
        n.count = 0;
        o.rule = "T-RESET";
      }
    } else if (const auto* pk = std::get_if<tally::Poke>(&e)) {
      n.count = pk->value;
      o.rule = "T-POKE";
    } else if (const auto* mk = std::get_if<tally::Mark>(&e)) {
      n.mark = mk->value;
      n.info.a = mk->value;
      o.rule = "T-MARK";
    } else {
      n.mode = static_cast<tally::Mode>(7);
      o.rule = "T-GLITCH";
    }
    o.value = n.count;
    o.state.count = n.count;
    return {n, o};
  }
  static View observe(const Profile& p, const State& s) {
    View v{};
    v.full = s.count >= p.limit;
    return v;
  }
  static std::vector<Event> candidate_events(const Profile&, const State&) { return {tally::Inc{}, tally::Reset{}}; }
  static bool bounded(const Profile& p, const State& s) { return s.count <= p.limit; }
  static std::span<const lockref::Invariant<Tally>> invariants() {
    static const lockref::Invariant<Tally> inv[] = {{"count-within-limit", "T-BOUND", &Tally::bounded}};
    return inv;
  }
  static std::string_view view_requirement(std::string_view f) { return f == "full" ? "T-VIEW-FULL" : "T-STATE"; }
  static std::string label(const Profile&, const State& s) { return std::to_string(s.count); }
  static lockref::Status validate(const Profile& p) {
    if (p.limit == 0 || p.limit > 9) return lockref::make_error("limit: expected 1..9, got " + std::to_string(p.limit));
    return lockref::ok_status();
  }
};
static_assert(lockref::StateMachine<Tally>);

using Report = lockref::Result<lockref::CheckReport>;

Report check(const std::vector<std::string>& lines, std::optional<tally::Profile> forced = std::nullopt) {
  return lockref::check_transcript<Tally>(lines, forced);
}

/// The error message of an unusable transcript ("" when it was usable).
std::string refusal(const std::vector<std::string>& lines) {
  const auto r = check(lines);
  return r ? std::string() : r.error().message;
}

/// The divergence of a usable transcript (REQUIRE'd).
lockref::Divergence diverges(const std::vector<std::string>& lines) {
  const auto r = check(lines);
  REQUIRE_MESSAGE(r, (r ? "" : r.error().message));
  REQUIRE(r->divergence);
  return *r->divergence;
}

/// What a test pins of a divergence: the path, the device's and the model's values, the
/// rule and the model's value at the path before the step.
struct Want {
  std::string field, device, model, rule, before_value;
};
void check_fields(const lockref::Divergence& d, const Want& w) {
  CHECK(d.field == w.field);
  CHECK(d.device == w.device);
  CHECK(d.model == w.model);
  CHECK(d.rule == w.rule);
  CHECK(d.before_value == w.before_value);
}

const std::string kHeader2 = R"({"machine":"tally","profile":{"limit":2}})";
const std::string kInc1 = R"({"machine":"tally","step":1,"event":{"type":"inc"}})";
const std::string kInc2 = R"({"machine":"tally","step":2,"event":{"type":"inc"}})";
// The initial state's JSON for limit 3 and 2, as Divergence::before shows it (no view).
const std::string kInitial3 = R"({"count":0,"cap":3,"info":{"a":0,"b":7},"mode":"idle"})";
const std::string kAfterInc2 = R"({"count":1,"cap":2,"info":{"a":0,"b":7},"mode":"idle"})";

}  // namespace

TEST_CASE("transcript: a conforming transcript - subsets of answer and state, at any depth, blank lines skipped") {
  // Header limit 2: the third inc is refused (with the default limit 3 it would be accepted).
  const std::vector<std::string> t{
      R"({"machine":"tally","profile":{"limit":2},"seed":1,"walk":1})",
      R"({"machine":"tally","step":1,"event":{"type":"inc"},"expect":{"status":"ok","rule":"T-INC","value":1,"note":1,"state":{"count":1}},"state":{"count":1,"cap":2,"info":{"a":0,"b":7},"mode":"idle","full":false}})",
      "",
      R"({"step":2,"event":{"type":"inc"},"expect":{"status":"ok","note":2},"state":{"count":2,"full":true,"info":{"b":7}}})",
      " \t\r",
      R"({"machine":"tally","step":3,"event":{"type":"inc"},"expect":{"status":"FULL","rule":"T-INC-LIMIT","value":2},"state":{"count":2}})",
      R"({"step":4,"event":{"type":"reset"},"expect":{},"state":{}})",
      R"({"step":5,"event":{"type":"mark","value":4},"expect":{"rule":"T-MARK"},"state":{"mark":4,"info":{"a":4}}})"};
  const auto r = check(t);
  REQUIRE_MESSAGE(r, (r ? "" : r.error().message));
  CHECK_FALSE(r->divergence);
  CHECK(r->steps == 5);

  // The checker itself: not started before the first step, the header's profile after it.
  lockref::TranscriptChecker<Tally> c;
  CHECK(c.feed(1, t[0]));
  CHECK_FALSE(c.started());
  CHECK(c.feed(2, t[1]));
  CHECK(c.started());
  CHECK(c.profile().limit == 2);
  CHECK_FALSE(c.diverged());
}

TEST_CASE("transcript: only the members reported are read with the model's types") {
  // After glitch the model's own mode has no name: a device that reports only the view
  // ("full") is not checked against the state's members, so the transcript conforms.
  const auto r = check({R"({"step":1,"event":{"type":"glitch"},"expect":{"rule":"T-GLITCH"},"state":{"full":false}})"});
  REQUIRE_MESSAGE(r, (r ? "" : r.error().message));
  CHECK_FALSE(r->divergence);
  CHECK(r->steps == 1);
}

TEST_CASE("transcript: unusable lines are errors naming the line and the field, never divergences") {
  const std::string step1 = R"("step":1,"event":{"type":"inc"})";
  auto with = [&](const std::string& extra) { return "{" + step1 + "," + extra + "}"; };
  CHECK(refusal({"not json"}).starts_with("line 1: not valid JSON"));
  CHECK(refusal({kHeader2, "[1,2]"}) == "line 2: expected a JSON object, got array");
  CHECK(refusal({R"({"machine":"other","step":1,"event":{"type":"inc"}})"}) ==
        R"(line 1: machine is "other", expected "tally")");
  CHECK(refusal({R"({"machine":5,"step":1,"event":{"type":"inc"}})"}) == R"(line 1: machine is number, expected "tally")");
  CHECK(refusal({R"({"machine":"other"})"}) == R"(line 1: machine is "other", expected "tally")");
  CHECK(refusal({R"({"step":"one","event":{"type":"inc"}})"}) ==
        "line 1: step: expected unsigned integer 0..18446744073709551615, got string");
  CHECK(refusal({R"({"step":2,"event":{"type":"inc"}})"}) ==
        "line 1: step 2 where step 1 was expected (lines missing or reordered?)");
  CHECK(refusal({kInc1, kInc1}) == "line 2: step 1 where step 2 was expected (lines missing or reordered?)");
  CHECK(refusal({R"({"step":1})"}) == R"(line 1: missing field "event")");
  CHECK(refusal({R"({"step":1,"event":{"type":"nope"}})"}) ==
        R"(line 1: event: type: unknown "nope" (expected one of: inc, reset, poke, mark, glitch))");
  CHECK(refusal({with(R"("extra":1)")}) ==
        R"(line 1: unknown field "extra" (expected machine, step, event, expect, state))");
  CHECK(refusal({with(R"("expect":[1])")}) == "line 1: expect: expected object, got array");
  CHECK(refusal({with(R"("expect":{"bogus":1})")}) == R"(line 1: expect: unknown field "bogus")");
  CHECK(refusal({with(R"("expect":{"status":5})")}) == "line 1: expect.status: expected string, got number");
  CHECK(refusal({with(R"("expect":{"value":"x"})")}) == "line 1: expect.value: expected unsigned integer 0..255, got string");
  CHECK(refusal({with(R"("expect":{"state":{"count":256}})")}) ==
        "line 1: expect.state.count: expected unsigned integer 0..255, got 256");
  CHECK(refusal({with(R"("state":[1])")}) == "line 1: state: expected object, got array");
  CHECK(refusal({with(R"("state":{"bogus":1})")}) == R"(line 1: state: unknown field "bogus")");
  CHECK(refusal({with(R"("state":{"count":"x"})")}) == "line 1: state.count: expected unsigned integer 0..255, got string");
  CHECK(refusal({with(R"("state":{"count":300})")}) == "line 1: state.count: expected unsigned integer 0..255, got 300");
  CHECK(refusal({with(R"("state":{"full":3})")}) == "line 1: state.full: expected boolean, got number");
  CHECK(refusal({with(R"("state":{"mode":"asleep"})")}) ==
        R"(line 1: state.mode: unknown value "asleep" (expected idle or busy))");
  // header lines
  CHECK(refusal({R"({"machine":"tally","foo":1})", kInc1}) ==
        R"(line 1: unknown header field "foo" (expected machine, profile, seed, walk; a step needs "step"))");
  CHECK(refusal({R"({"profile":{"limit":"x"}})", kInc1}) == "line 1: profile.limit: expected unsigned integer 0..255, got string");
  CHECK(refusal({R"({"profile":{"limit":0}})", kInc1}) == "line 1: profile: limit: expected 1..9, got 0");
  CHECK(refusal({kHeader2, kHeader2, kInc1}) == "line 2: a second header line");
  CHECK(refusal({kHeader2, kInc1, kHeader2}) == "line 3: header line after the first step");
  CHECK(refusal({kInc1, R"({"machine":"tally","walk":2})"}) == "line 2: header line after the first step");
  CHECK(refusal({kHeader2}) == "the transcript has a header but no steps");
  CHECK(refusal({}) == "the transcript has no steps");
  CHECK(refusal({"", "  "}) == "the transcript has no steps");
}

TEST_CASE("transcript: a divergence in the answer names its path, both values, the rule and the state before") {
  SUBCASE("status of an accepted inc") {
    const auto d = diverges({kHeader2, kInc1, R"({"step":2,"event":{"type":"inc"},"expect":{"status":"FULL"}})"});
    CHECK(d.line == 3);
    CHECK(d.step == 2);
    CHECK(d.event == R"({"type":"inc"})");
    check_fields(d, {"status", R"("FULL")", R"("ok")", "T-INC", ""});
    CHECK(d.before == kAfterInc2);
    CHECK(d.invariant == "");
    CHECK(d.after == "");
  }
  SUBCASE("a nested answer member named state: the answer's path, no state value before") {
    const auto d = diverges({R"({"step":1,"event":{"type":"poke","value":2},"expect":{"state":{"count":9}}})"});
    CHECK(d.event == R"({"type":"poke","value":2})");
    check_fields(d, {"state.count", "9", "2", "T-POKE", ""});
    CHECK(d.before == kInitial3);
  }
  // A refused inc has no note: the device's note is compared with "(absent)".
  SUBCASE("an answer member the model leaves out") {
    check_fields(diverges({R"({"step":1,"event":{"type":"reset"},"expect":{"status":"EMPTY","note":5}})"}),
                 {"note", "5", "(absent)", "T-RESET-EMPTY", ""});
  }
}

TEST_CASE("transcript: a divergence in the reported state names the governing rule and the value before the step") {
  SUBCASE("state member after an accepted event: view_requirement's rule") {
    const auto d = diverges({kHeader2, kInc1, R"({"step":2,"event":{"type":"inc"},"state":{"cap":2,"count":5}})"});
    CHECK(d.line == 3);
    CHECK(d.step == 2);
    check_fields(d, {"state.count", "5", "2", "T-STATE", "1"});
    CHECK(d.before == kAfterInc2);
  }
  SUBCASE("a view after an accepted event") {
    check_fields(diverges({R"({"step":1,"event":{"type":"inc"},"state":{"full":true}})"}),
                 {"state.full", "true", "false", "T-VIEW-FULL", "false"});
  }
  SUBCASE("a refused event that changed the device's state: the refusing rule") {
    check_fields(diverges({R"({"step":1,"event":{"type":"reset"},"state":{"info":{"b":8}}})"}),
                 {"state.info.b", "8", "7", "T-RESET-EMPTY", "7"});
  }
  SUBCASE("an optional state member the model does not have") {
    check_fields(diverges({R"({"step":1,"event":{"type":"inc"},"state":{"mark":4}})"}),
                 {"state.mark", "4", "(absent)", "T-STATE", ""});
  }
}

TEST_CASE("transcript: an agreed step into a state that breaks an invariant is reported with that state") {
  const auto d = diverges({R"({"step":1,"event":{"type":"poke","value":9},"expect":{"status":"ok"},"state":{"count":9}})",
                           R"({"step":2,"event":{"type":"reset"}})"});
  CHECK(d.line == 1);
  CHECK(d.step == 1);
  CHECK(d.event == R"({"type":"poke","value":9})");
  CHECK(d.field == "invariant");
  CHECK(d.invariant == "count-within-limit");
  CHECK(d.rule == "T-BOUND");
  CHECK(d.before == kInitial3);
  CHECK(d.after == R"({"count":9,"cap":3,"info":{"a":0,"b":7},"mode":"idle","full":true})");
  CHECK(d.device == "");
  CHECK(d.model == "");

  // Once diverged, further lines (even garbage) are ignored and the report keeps the first.
  lockref::TranscriptChecker<Tally> c;
  CHECK(c.feed(1, R"({"step":1,"event":{"type":"inc"},"expect":{"status":"EMPTY"}})"));
  CHECK(c.diverged());
  CHECK(c.feed(2, "not json"));
  const auto r = c.finish();
  REQUIRE(r);
  CHECK(r->steps == 1);
  REQUIRE(r->divergence);
  CHECK(r->divergence->line == 1);
}

TEST_CASE("transcript: the resolver decides the profile from the header's, once, before the first step") {
  std::vector<std::optional<tally::Profile>> seen;
  auto to_one = [&](const std::optional<tally::Profile>& h) -> lockref::Result<tally::Profile> {
    seen.push_back(h);
    return tally::Profile(1);
  };
  {
    lockref::TranscriptChecker<Tally> c(to_one);
    CHECK(c.feed(1, kHeader2));
    CHECK(c.feed(2, kInc1));
    CHECK(c.feed(3, R"({"step":2,"event":{"type":"inc"},"expect":{"status":"FULL"}})"));
    CHECK_FALSE(c.diverged());
    CHECK(c.profile().limit == 1);
    REQUIRE(seen.size() == 1);
    REQUIRE(seen[0]);
    CHECK(seen[0]->limit == 2);
  }
  {
    lockref::TranscriptChecker<Tally> c(to_one);
    CHECK(c.feed(1, kInc1));
    REQUIRE(seen.size() == 2);
    CHECK_FALSE(seen[1]);
  }
  {
    lockref::TranscriptChecker<Tally> c([](const auto&) -> lockref::Result<tally::Profile> { return lockref::make_error("no"); });
    const auto s = c.feed(1, kInc1);
    REQUIRE_FALSE(s);
    CHECK(s.error().message == "no");
  }
  {
    lockref::TranscriptChecker<Tally> c([](const auto&) -> lockref::Result<tally::Profile> { return tally::Profile(0); });
    const auto s = c.feed(1, kInc1);
    REQUIRE_FALSE(s);
    CHECK(s.error().message == "profile: limit: expected 1..9, got 0");
  }
  // check_transcript's forced profile replaces the header's: limit 1 refuses the second inc.
  const std::vector<std::string> t{R"({"profile":{"limit":3}})", kInc1,
                                   R"({"step":2,"event":{"type":"inc"},"expect":{"status":"FULL"}})"};
  const auto forced = check(t, tally::Profile(1));
  REQUIRE(forced);
  CHECK_FALSE(forced->divergence);
  const auto header = check(t);
  REQUIRE(header);
  REQUIRE(header->divergence);
  CHECK(header->divergence->field == "status");
}

TEST_CASE("transcript: each walk of a corpus starts again at step 1 in the initial state, under the first header's profile") {
  const std::string again = R"({"step":1,"event":{"type":"inc"},"expect":{"status":"ok"},"state":{"count":1}})";
  const auto two = check({kHeader2, kInc1, kInc2, R"({"machine":"tally","walk":2,"profile":{"limit":2},"seed":3})", again});
  REQUIRE_MESSAGE(two, (two ? "" : two.error().message));
  CHECK_FALSE(two->divergence);
  CHECK(two->steps == 3);
  // a header without a profile, walks without one either
  const auto bare = check({R"({"machine":"tally"})", kInc1, R"({"walk":2})", again});
  REQUIRE_MESSAGE(bare, (bare ? "" : bare.error().message));
  CHECK(bare->steps == 2);
  CHECK(refusal({kHeader2, kInc1, R"({"walk":2,"profile":{"limit":3}})", again}) ==
        "line 3: walk header: its profile differs from the first header's (one corpus, one profile)");
  CHECK(refusal({kHeader2, kInc1, R"({"walk":2})", again}) ==
        "line 3: walk header: its profile differs from the first header's (one corpus, one profile)");
  CHECK(refusal({R"({"machine":"tally"})", kInc1, R"({"walk":2,"profile":{"limit":3}})", again}) ==
        "line 3: walk header: its profile differs from the first header's (one corpus, one profile)");
  CHECK(refusal({kHeader2, kInc1, R"({"walk":2,"profile":{"limit":"x"}})", again}) ==
        "line 3: profile.limit: expected unsigned integer 0..255, got string");
}

TEST_CASE("corpus: a header with the seed, then seeded steps that replay; emit() returning false stops it") {
  const tally::Profile p(2);
  const auto lines = lockref::generate_corpus<Tally>(p, 5, 30);
  REQUIRE(lines.size() == 31);
  CHECK(lines[0] == Json::parse(R"({"machine":"tally","profile":{"limit":2},"seed":5})"));
  // Each line is the model's own step from the state the previous lines reached.
  auto s = Tally::initial(p);
  std::vector<std::string> text{lines[0].dump()};
  for (std::size_t n = 1; n < lines.size(); ++n) {
    INFO("line " << n << ": " << lines[n].dump());
    CHECK(lines[n]["step"] == n);
    const auto e = lockref::from_json<Tally::Event>(lines[n]["event"]);
    REQUIRE(e);
    const auto st = Tally::step(p, s, *e);
    CHECK(lines[n]["expect"]["status"] == st.out.status);
    CHECK(lines[n]["state"]["count"] == st.next.count);
    s = st.next;
    text.push_back(lines[n].dump());
  }
  const auto r = check(text);
  REQUIRE(r);
  CHECK_FALSE(r->divergence);
  CHECK(r->steps == 30);

  // The streaming overload: true when every line went out; false, and no more lines, once
  // emit() says stop (at the header, or at step 2).
  for (const std::size_t stop_at : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{99}}) {
    INFO("stop at " << stop_at);
    std::size_t calls = 0;
    const bool all = lockref::generate_corpus<Tally>(p, 5, 4, [&](const Json&) { return calls++ != stop_at; });
    CHECK(all == (stop_at > 4));
    CHECK(calls == std::min<std::size_t>(stop_at + 1, 5));
  }
}

TEST_CASE("corpus: accepted events are preferred 3:1 over refused ones") {
  // With limit 1 every state has one accepted and one refused candidate (count 0: inc ok,
  // reset EMPTY; count 1: inc FULL, reset ok), so about 3 steps in 4 are accepted.
  const auto lines = lockref::generate_corpus<Tally>(tally::Profile(1), 17, 4000);
  REQUIRE(lines.size() == 4001);
  std::size_t ok = 0;
  for (std::size_t n = 1; n < lines.size(); ++n) ok += lines[n]["expect"]["status"] == "ok";
  const double share = static_cast<double>(ok) / 4000.0;
  CHECK(share > 0.70);
  CHECK(share < 0.80);
}

}  // namespace LOCKREF_UNITY_ID
