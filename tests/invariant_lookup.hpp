// One machine invariant by its id (the ids listed in spec/requirements/), for tests that
// feed it a state built by hand: tests/test_invariants.cpp, tests/test_mutants_engine.cpp.
#pragma once
#include <doctest/doctest.h>

#include <string_view>

namespace lockref::testing {

/// Does invariant `id` of machine M hold for s? An id M does not have fails the test.
template <class M>
bool holds(std::string_view id, const typename M::Profile& p, const typename M::State& s) {
  for (const auto& i : M::invariants())
    if (i.id == id) return i.holds(p, s);
  FAIL("no invariant " << id);
  return false;
}

}  // namespace lockref::testing
