// Requirement catalogue access and human-readable divergence reports.
#pragma once
#include <optional>
#include <ostream>
#include <string>

#include "lockref/core/json.hpp"
#include "lockref/core/transcript.hpp"

namespace lockref::cli {

/// spec/requirements/*.json merged, loaded once. Error if missing or malformed.
const Result<Json>& requirements();
/// The requirement with this id, if the catalogue has it.
std::optional<Json> find_requirement(const std::string& id);
/// A divergence: the differing field by path first, then the context (the value before
/// the step, the event, the requirement); `verbose` adds the whole state before the step.
void print_divergence(std::ostream& os, const std::string& source, const Divergence& d, bool verbose = false);

}  // namespace lockref::cli
