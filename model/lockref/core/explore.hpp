// lockref core: exhaustive exploration of a machine's reachable states.
// Breadth-first from the initial state over every candidate event; every reachable
// state is checked against every invariant. Pure: returns data, prints nothing.
#pragma once
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "lockref/core/machine.hpp"

namespace lockref {

template <StateMachine M>
struct Exploration {
  struct Edge {
    std::size_t from, to;
    std::string event;  // the event as compact JSON
    std::string tag;    // event tag, for diagram labels
  };
  struct Violation {
    std::size_t state;
    std::string invariant, requirement;
  };
  std::vector<typename M::State> states;  // states[0] is the initial state
  std::vector<Edge> edges;                // events that change the state
  std::vector<Violation> violations;
  std::size_t transitions = 0;            // events tried
  std::size_t rejected = 0;               // events answered with an error
  bool truncated = false;                 // max_states reached
};

/// What explore() reports to its progress hook (every 1024 states expanded).
struct ExploreProgress {
  std::size_t states = 0;       // states found so far
  std::size_t expanded = 0;     // states whose events have all been tried
  std::size_t transitions = 0;  // events tried
};

/// Stops (truncated = true) once max_states states are stored: never more.
template <StateMachine M>
Exploration<M> explore(const typename M::Profile& p, std::size_t max_states = 1'000'000,
                       const std::function<void(const ExploreProgress&)>& progress = {}) {
  Exploration<M> ex;
  std::map<std::string, std::size_t> index;  // canonical JSON of state -> id
  auto key = [](const typename M::State& s) { return to_json(s).dump(); };
  auto visit = [&](const typename M::State& s) -> std::size_t {
    auto k = key(s);
    auto it = index.find(k);
    if (it != index.end()) return it->second;
    if (ex.states.size() >= max_states) {
      ex.truncated = true;
      return static_cast<std::size_t>(-1);
    }
    std::size_t id = ex.states.size();
    index.emplace(std::move(k), id);
    ex.states.push_back(s);
    for (const auto& inv : M::invariants())
      if (!inv.holds(p, s)) ex.violations.push_back({id, std::string(inv.id), std::string(inv.requirement)});
    return id;
  };
  visit(M::initial(p));
  for (std::size_t i = 0; i < ex.states.size() && !ex.truncated; ++i) {
    if (progress && i % 1024 == 0) progress(ExploreProgress{ex.states.size(), i, ex.transitions});
    const auto s = ex.states[i];
    for (const auto& e : M::candidate_events(p, s)) {
      ++ex.transitions;
      auto st = M::step(p, s, e);
      if (!st.out.is_ok()) ++ex.rejected;
      // Follow every transition that changes the state, refused or not: some refusals
      // have effects the specification requires (a failed Authenticate counts a try).
      if (st.next == s) continue;
      std::size_t to = visit(st.next);
      if (to == static_cast<std::size_t>(-1)) break;
      ex.edges.push_back({i, to, to_json(e).dump(), std::string(event_tag(e))});
    }
  }
  return ex;
}

/// Graphviz rendering: one node per state (M::label), one edge per distinct
/// (from, to, event tag). Self-loops are not drawn.
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
