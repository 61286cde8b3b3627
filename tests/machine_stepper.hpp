// A state machine of the model (core/machine.hpp's StateMachine) driven one event at a time
// from its initial state: the fixture the machine tests share.
#pragma once
#include <utility>

namespace lockref::test {

template <class M>
struct Stepper {
  typename M::Profile p;
  typename M::State s;
  explicit Stepper(typename M::Profile prof = {}) : p(std::move(prof)), s(M::initial(p)) {}
  /// step(p, s, e): keeps the next state, returns the output.
  typename M::Output send(const typename M::Event& e) {
    auto st = M::step(p, s, e);
    s = st.next;
    return st.out;
  }
};

}  // namespace lockref::test
