// RapidCheck under doctest, with a fixed seed by default and a deep mode.
// Note: RC_ASSERT(a || b) does NOT short-circuit (the macro decomposes the expression);
// write RC_ASSERT((a || b)) when b is only valid if a is false.
//
//   LOCKREF_DEEP=1        many more cases per property (default run: a few hundred)
//   LOCKREF_RC_SEED=N     another seed (default 0x10CC)
//
// holds(desc, prop): the property must hold; on failure the shrunk counterexample is
//                    reported through doctest.
// fails(desc, prop): the property must FAIL — used with deliberately broken "mutant"
//                    models to show that each property can catch the bug it targets.
#pragma once
#include <doctest/doctest.h>
#include <rapidcheck.h>

#include <cstdlib>
#include <sstream>
#include <string>

namespace lockref::prop {

inline bool deep() {
  const char* d = std::getenv("LOCKREF_DEEP");
  return d && *d && std::string(d) != "0";
}

inline rc::detail::TestParams params(int default_cases = 200) {
  rc::detail::TestParams p;
  p.seed = 0x10CC;
  if (const char* s = std::getenv("LOCKREF_RC_SEED"); s && *s) p.seed = std::strtoull(s, nullptr, 0);
  p.maxSuccess = deep() ? default_cases * 50 : default_cases;
  p.maxSize = 100;
  return p;
}

/// Listens to nothing: keeps RapidCheck's at-exit "reproduce" banner out of the log for
/// the expected failures of mutants (doctest reports real failures with counterexamples).
struct QuietListener : rc::detail::TestListener {
  void onTestCaseFinished(const rc::detail::CaseDescription&) override {}
  void onShrinkTried(const rc::detail::CaseDescription&, bool) override {}
  void onTestFinished(const rc::detail::TestMetadata&, const rc::detail::TestResult&) override {}
};

template <class Testable>
rc::detail::TestResult run(const std::string& desc, Testable&& t, const rc::detail::TestParams& p) {
  rc::detail::TestMetadata md;
  md.id = desc;
  md.description = desc;
  QuietListener quiet;
  return rc::detail::checkTestable(std::forward<Testable>(t), md, p, quiet);
}

template <class Testable>
void holds(const std::string& desc, Testable&& t, int cases = 200) {
  auto r = run(desc, std::forward<Testable>(t), params(cases));
  std::ostringstream ss;
  rc::detail::printResultMessage(r, ss);
  INFO(desc << "\n" << ss.str());
  CHECK(r.template is<rc::detail::SuccessResult>());
}

/// The property must find a counterexample against a broken model (mutant).
template <class Testable>
void fails(const std::string& desc, Testable&& t, int cases = 2000) {
  auto p = params(cases);
  p.maxSuccess = cases;  // same budget in every mode: the mutant must be caught quickly
  p.disableShrinking = true;  // that it fails is the finding; a shrunk counterexample adds nothing
  auto r = run(desc, std::forward<Testable>(t), p);
  INFO("mutant: " << desc << " — the property did not catch this deliberately broken model");
  CHECK(r.template is<rc::detail::FailureResult>());
}

}  // namespace lockref::prop
