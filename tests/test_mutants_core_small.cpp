// The small core headers, each against its documented contract: core/inline_string.hpp,
// core/machine.hpp (Verdict, step_by_rules, Outcome), core/enum.hpp (enum_choices),
// core/result.hpp (value() of an rvalue, context()) and core/prng.hpp (SplitMix64).
// Written for the whole-domain mutation run of core (Run BA, spec/mutation/report.md).
// Where the expected values come from:
//   - SplitMix64: a Python SplitMix64 with Vigna's constants (/usr/bin/python3), whose first
//     outputs for seed 0 are the published reference values 0xe220a8397b1dcdaf,
//     0x6e789e6aa1b965f4, 0x06c45d188009454f; the seed 0x71a00ba151aeadc2 was found by
//     inverting the output function in Python (xor-shifts undone, multipliers inverted
//     mod 2^64) so that its first output is exactly below(10)'s rejection limit
//     2^64 - 1 - ((2^64 - 1) mod 10) = 0xfffffffffffffffa; below() must reject it and answer
//     the second output mod 10, which Python gives as 3;
//   - below(2^63 + 1) from seed 0: the limit is 2^63 + 1, the first output is above it and is
//     rejected, the second (0x6e789e6aa1b965f4 = 7960286522194355700) is the answer;
//   - the rest: the comments of the headers (quoted next to each check).
#include <doctest/doctest.h>

#include <array>
#include <span>
#include <stdexcept>
#include <string>

#include "lockref/core/enum.hpp"
#include "lockref/core/inline_string.hpp"
#include "lockref/core/machine.hpp"
#include "lockref/core/prng.hpp"
#include "lockref/core/result.hpp"

namespace LOCKREF_UNITY_ID {
enum class One { a };
enum class Two { a, b };
enum class Three { a, b, c };
constexpr auto enum_names(One) { return std::array{lockref::EnumName{One::a, "a"}}; }
constexpr auto enum_names(Two) { return std::array{lockref::EnumName{Two::a, "a"}, lockref::EnumName{Two::b, "b"}}; }
constexpr auto enum_names(Three) {
  return std::array{lockref::EnumName{Three::a, "a"}, lockref::EnumName{Three::b, "b"}, lockref::EnumName{Three::c, "c"}};
}

using namespace lockref;

TEST_CASE("enum: names to values and back") {
  CHECK(enum_name(Three::b) == "b");
  CHECK(enum_name(Three::c) == "c");
  CHECK(enum_name(static_cast<Three>(7)) == "<invalid>");
  CHECK(enum_from_name<Three>("c") == Three::c);
  CHECK(enum_from_name<Three>("a") == Three::a);
  CHECK(!enum_from_name<Three>("d"));
}

TEST_CASE("enum: enum_choices reads \"a, b or c\"") {
  CHECK(enum_choices<One>() == "a");
  CHECK(enum_choices<Two>() == "a or b");
  CHECK(enum_choices<Three>() == "a, b or c");
}

TEST_CASE("inline string: reads as a string of at most N bytes") {
  InlineString<8> s("pin");
  CHECK(!s.empty());
  CHECK(s.size() == 3);
  CHECK(std::string(s.begin(), s.end()) == "pin");
  CHECK(s.end() - s.begin() == 3);
  CHECK(s == InlineString<8>("pin"));
  CHECK(!(s == InlineString<8>("pio")));
  CHECK(s == std::string_view("pin"));
  CHECK(!(s == std::string_view("pi")));
  CHECK(s == std::string("pin"));
  CHECK(!(s == std::string("pins")));
  CHECK(s == "pin");
  CHECK(!(s == "PIN"));
  CHECK(std::string("my ") + s == "my pin");
  CHECK(s + std::string("!") == "pin!");
  s.clear();
  CHECK(s.empty());
  CHECK(s.size() == 0);
  CHECK(s == "");
  InlineString<8> full("12345678");
  CHECK(full.size() == 8);
  CHECK_THROWS_AS(full.assign("123456789"), std::length_error);
  CHECK(full == "12345678");  // a refused assignment leaves the value
  CHECK(InlineString<8>().empty());
}

TEST_CASE("machine: Verdict's three constructors and step_by_rules") {
  // "refuse: status, rule, not written; keep: accepted, state unchanged; write: accepted, scratch written"
  const auto r = Verdict::refuse("LOCK_X", "R-1");
  CHECK(r.status == "LOCK_X");
  CHECK(r.rule == "R-1");
  CHECK(!r.wrote);
  CHECK(!r.is_ok());
  const auto k = Verdict::keep("R-2");
  CHECK(k.is_ok());
  CHECK(k.rule == "R-2");
  CHECK(!k.wrote);
  const auto w = Verdict::write("R-3");
  CHECK(w.is_ok());
  CHECK(w.wrote);
  CHECK(Verdict{}.is_ok());

  struct Out {
    std::string status, rule;
    int extra = 0;
  };
  // step_by_rules: "writing the next state into n if it is written and the Output fields other
  // than status and rule into out"; the next state is the current one when not written.
  const auto wrote = step_by_rules<int, Out>(5, [](int& n, Out* o) {
    n = 6;
    o->extra = 1;
    return Verdict::write("W");
  });
  CHECK(wrote.next == 6);
  CHECK(wrote.out.status == "ok");
  CHECK(wrote.out.rule == "W");
  CHECK(wrote.out.extra == 1);
  const auto refused = step_by_rules<int, Out>(5, [](int& n, Out*) {
    n = 7;  // a rule that scribbles on the scratch state and then refuses
    return Verdict::refuse("BAD", "R");
  });
  CHECK(refused.next == 5);
  CHECK(refused.out.status == "BAD");
  CHECK(refused.out.rule == "R");
}

/// Two invariants over an int state: "non-negative" and "even" (check_invariants needs only
/// Profile, State and invariants()).
struct Parity {
  using Profile = int;
  using State = int;
  static std::span<const Invariant<Parity>> invariants() {
    static constexpr Invariant<Parity> list[] = {
        {"parity.non_negative", "R-1", [](const int&, const int& x) { return x >= 0; }},
        {"parity.even", "R-2", [](const int&, const int& x) { return x % 2 == 0; }},
    };
    return list;
  }
};

TEST_CASE("machine: check_invariants names the first invariant a state breaks") {
  // "the first one it breaks, as \"violates <check> (<requirement>)\""
  CHECK(check_invariants<Parity>(0, 4).ok());
  const auto odd = check_invariants<Parity>(0, 3);
  REQUIRE(!odd.ok());
  CHECK(odd.error().message == "violates parity.even (R-2)");
  const auto both = check_invariants<Parity>(0, -3);
  REQUIRE(!both.ok());
  CHECK(both.error().message == "violates parity.non_negative (R-1)");
}

TEST_CASE("machine: Outcome is ok only with status \"ok\"") {
  CHECK(Outcome{}.is_ok());
  CHECK(!Outcome{"LOCK_HEK_INVALID_SLOT", "R"}.is_ok());
}

TEST_CASE("result: value() of an rvalue moves the value out; context() prefixes only errors") {
  Result<int> lv(3);
  lv.value() = 4;  // value() of an lvalue is the value itself
  CHECK(*lv == 4);
  Result<std::string> r(std::string("payload"));
  const std::string v = std::move(r).value();
  CHECK(v == "payload");
  Result<int> ok(4);
  const auto same = std::move(ok).context("where");
  REQUIRE(same.ok());
  CHECK(*same == 4);
  Result<int> bad(make_error("broken"));
  const auto said = std::move(bad).context("field.sub");
  REQUIRE(!said.ok());
  CHECK(said.error().message == "field.sub: broken");
}

TEST_CASE("prng: SplitMix64's reference outputs and below()'s rejection") {
  SplitMix64 g{0};
  CHECK(g.next() == 0xe220a8397b1dcdafull);
  CHECK(g.next() == 0x6e789e6aa1b965f4ull);
  CHECK(g.next() == 0x06c45d188009454full);
  // the first output is exactly below(10)'s limit: rejected, the second answers
  SplitMix64 at_limit{0x71a00ba151aeadc2ull};
  CHECK(at_limit.below(10) == 3);
  // below(2^63 + 1): the first output of seed 0 is above the limit 2^63 + 1
  SplitMix64 h{0};
  CHECK(h.below((std::uint64_t{1} << 63) + 1) == 7960286522194355700ull);
}

}  // namespace LOCKREF_UNITY_ID
