// The pieces of the lockref program below its command line: option values, typed
// arguments, JSON input bounds, path-naming differences, the streaming transcript checker
// and the line reader. (The program end to end: tests/cli/program.sh.)
#include <doctest/doctest.h>

#include <sstream>

#include "line_source.hpp"
#include "lockref/core/transcript.hpp"
#include "lockref/lock/epoch.hpp"
#include "registry.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using lockref::Json;
using namespace std::string_literals;
using namespace lockref::cli;

TEST_CASE("program: number options are plain decimal u64 within their range") {
  const Option seed = opt::number("seed", "");
  CHECK(option_value_problem(seed, "18446744073709551615").empty());
  CHECK(option_value_problem(seed, "0").empty());
  for (const char* bad : {"18446744073709551616", "99999999999999999999", "-1", "+1", "0x10", "1e3", "", " 1", "1 ", "four"})
    CHECK_MESSAGE(option_value_problem(seed, bad) ==
                      std::string("expected an integer in 0..18446744073709551615, got \"") + bad + "\"",
                  bad);
  const Option slots = opt::number("slots", "", 4, 16);
  CHECK(option_value_problem(slots, "4").empty());
  CHECK(option_value_problem(slots, "16").empty());
  CHECK(option_value_problem(slots, "3") == "expected an integer in 4..16, got \"3\"");
  CHECK(option_value_problem(slots, "17") == "expected an integer in 4..16, got \"17\"");
  // a value that is not text is shown escaped, never copied raw into a message
  CHECK(option_value_problem(slots, "\xc3") == "expected an integer in 4..16, got \"\\xc3\"");
}

TEST_CASE("program: choice options name every accepted value") {
  const Option e = opt::choice("engine", "", {"strict", "lenient"});
  CHECK(option_value_problem(e, "strict").empty());
  CHECK(option_value_problem(e, "Strict") == "expected strict or lenient, got \"Strict\"");
  const Option free_text = opt::text("out", "", "FILE");
  CHECK(option_value_problem(free_text, "anything at all").empty());
}

TEST_CASE("program: Args gives typed values, defaults, and refuses undeclared names") {
  Args a("explore epoch");
  a.declare(opt::number("slots", "", 4, 16, 4));
  a.declare(opt::number("max-states", "", 1, 1000));
  a.declare(opt::flag("verbose", ""));
  a.declare(opt::text("dot", "", "FILE"));
  CHECK_FALSE(a.has("slots"));
  CHECK(a.uint("slots") == 4);  // the declared default
  CHECK_THROWS_AS((void)a.uint("max-states"), std::logic_error);  // neither given nor defaulted
  a.set("slots", {"8"});
  a.set("verbose", {});
  CHECK(a.has("slots"));
  CHECK(a.uint("slots") == 8);
  CHECK(a.flag("verbose"));
  CHECK(a.text("dot").empty());
  CHECK(a.given() == std::vector<std::string>{"slots", "verbose"});
  CHECK_THROWS_AS((void)a.has("slot"), std::logic_error);
}

TEST_CASE("program: JSON from outside is bounded in depth and never echoed") {
  CHECK(lockref::parse_json(std::string(256, '[') + std::string(256, ']')).ok());
  auto deep = lockref::parse_json(std::string(257, '[') + std::string(257, ']'));
  REQUIRE_FALSE(deep.ok());
  CHECK(deep.error().message == "nested deeper than 256 levels (byte 257)");
  // brackets inside strings do not count
  CHECK(lockref::parse_json("{\"a\":\"" + std::string(1000, '[') + "\"}").ok());
  auto bad = lockref::parse_json("{\"a\":\xff}");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.rfind("not valid JSON (byte ", 0) == 0);
}

TEST_CASE("program: first_difference names the path of the first differing value") {
  const Json model = Json::parse(R"({"credentials":[{"name":"SID","tries":2},{"name":"PSID","tries":0}],"locked":false})");
  Json device = model;
  device["credentials"][1]["tries"] = 3;
  auto d = lockref::first_difference(device, model, "state");
  REQUIRE(d.has_value());
  CHECK(d->path == "state.credentials[1].tries");
  CHECK(*d->left == 3);
  CHECK(*d->right == 0);
  CHECK(lockref::json_at(model, "credentials[1].tries") == Json(0));
  device = model;
  device["credentials"].erase(1);
  d = lockref::first_difference(device, model, "");
  REQUIRE(d.has_value());
  CHECK(d->path == "credentials.length");
  device = model;
  device.erase("locked");
  d = lockref::first_difference(device, model, "");
  REQUIRE(d.has_value());
  CHECK(d->path == "locked");
  CHECK_FALSE(d->left.has_value());
  CHECK_FALSE(lockref::first_difference(model, model).has_value());
}

TEST_CASE("program: the transcript checker calls a device value of the wrong type unusable, not a divergence") {
  using M = lockref::lock::epoch::Machine;
  auto check = [](const std::string& line) { return lockref::check_transcript<M>({line}); };
  auto r = check(R"({"machine":"epoch","step":1,"event":{"type":"cold_reset"},"state":{"slots":"blank"}})");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "line 1: state.slots: expected array, got string");
  r = check(R"({"machine":"epoch","step":1,"event":{"type":"cold_reset"},"state":{"hek_metadata":{"total_slots":-1}}})");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("line 1: state.hek_metadata.total_slots: expected unsigned integer") == 0);
  r = check(R"({"machine":"epoch","step":1,"event":{"type":"cold_reset"},"expect":{"status":1}})");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "line 1: expect.status: expected string, got number");
  // a well-typed value that differs is a divergence, named by path
  r = check(R"({"machine":"epoch","step":1,"event":{"type":"cold_reset"},"state":{"hek_metadata":{"seed_state":"HEK_SEED_UNAVAIL_EMPTY","active_slot":0,"total_slots":8}}})");
  REQUIRE(r.ok());
  REQUIRE(r->divergence.has_value());
  CHECK(r->divergence->field == "state.hek_metadata.total_slots");
  CHECK(r->divergence->device == "8");
  CHECK(r->divergence->model == "4");
  CHECK(r->divergence->before_value == "4");
}

TEST_CASE("program: the transcript checker resolves the profile once, from the header unless told otherwise") {
  using M = lockref::lock::epoch::Machine;
  const std::vector<std::string> t{R"({"machine":"epoch","profile":{"slots":8}})",
                                   R"({"machine":"epoch","step":1,"event":{"type":"cold_reset"},"state":{"hek_metadata":{"total_slots":8}}})"};
  std::optional<M::Profile> seen;
  int calls = 0;
  lockref::TranscriptChecker<M> c([&](const std::optional<M::Profile>& header) -> lockref::Result<M::Profile> {
    ++calls;
    seen = header;
    return *header;
  });
  for (std::size_t i = 0; i < t.size(); ++i) REQUIRE(c.feed(i + 1, t[i]).ok());
  auto r = c.finish();
  REQUIRE(r.ok());
  CHECK_FALSE(r->divergence.has_value());
  CHECK(calls == 1);
  REQUIRE(seen.has_value());
  CHECK(seen->slots == 8);
  // a resolver's error stops the check
  lockref::TranscriptChecker<M> refuse([](const auto&) -> lockref::Result<M::Profile> { return lockref::make_error("no"); });
  REQUIRE(refuse.feed(1, t[0]).ok());
  CHECK(refuse.feed(2, t[1]).error().message == "no");
}

TEST_CASE("program: LineSource reads long lines whole and refuses what is not text") {
  std::string long_line(200000, 'x');
  std::istringstream in(long_line + "\r\nsecond\n\nlast");
  LineSource src(in, "mem");
  std::string l;
  REQUIRE(*src.next(l));
  CHECK(l == long_line);  // read across 64 KiB pieces; the CR of CRLF dropped
  REQUIRE(*src.next(l));
  CHECK(l == "second");
  src.unread();
  REQUIRE(*src.next(l));
  CHECK(l == "second");
  CHECK(src.line_number() == 2);
  REQUIRE(*src.next(l));
  CHECK(l.empty());
  REQUIRE(*src.next(l));
  CHECK(l == "last");
  CHECK_FALSE(*src.next(l));

  auto first_error = [](const std::string& text) {
    std::istringstream s(text);
    LineSource ls(s, "mem");
    std::string x;
    for (;;) {
      auto r = ls.next(x);
      if (!r) return r.error().message;
      if (!*r) return std::string();
    }
  };
  CHECK(first_error("ok\nab\0c\n"s) == "line 2, byte 3: NUL byte: binary data, not text (0x00)");
  CHECK(first_error("caf\xe9\n") == "line 1, byte 4: invalid UTF-8 (0xe9)");
  CHECK(first_error("\xc0\x80") == "line 1, byte 1: invalid UTF-8 (0xc0)");        // overlong NUL
  CHECK(first_error("\xed\xa0\x80") == "line 1, byte 1: invalid UTF-8 (0xed)");    // a surrogate
  CHECK(first_error("\xf4\x90\x80\x80") == "line 1, byte 1: invalid UTF-8 (0xf4)");  // beyond U+10FFFF
  CHECK(first_error("caf\xc3\xa9 \xe2\x80\xa6\n").empty());                        // é and … are text
}

}  // namespace LOCKREF_UNITY_ID
