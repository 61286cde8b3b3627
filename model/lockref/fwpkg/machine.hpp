// RFC 4108 firmware-package loader: the whole machine (fwpkg/loader.hpp) with the example
// module and packages (fwpkg/builder.hpp) that `lockref explore|corpus fwpkg` start from.
#pragma once
#include "lockref/fwpkg/builder.hpp"
#include "lockref/fwpkg/loader.hpp"

namespace lockref::fwpkg {

inline State Machine::initial(const Profile&) { return example::module(); }

inline std::vector<Event> Machine::candidate_events(const Profile& p, const State&) {
  std::vector<Event> out;
  for (auto& b : example::packages(p.explore_versions)) out.push_back(Load{std::move(b)});
  return out;
}

static_assert(lockref::StateMachine<Machine>);

}  // namespace lockref::fwpkg
