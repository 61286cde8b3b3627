// Test-data loaders: third-party known-answer files from ../shared/external-vectors/ (see
// its README for the source of each file) and lockref's own vectors/*.json.
#pragma once
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "lockref/core/json.hpp"

namespace lockref::testing {

/// A JSON file; a missing file fails the test.
inline Json load_json_file(const std::filesystem::path& p) {
  std::ifstream f(p);
  REQUIRE_MESSAGE(f.good(), "missing " << p.string());
  std::stringstream ss;
  ss << f.rdbuf();
  return Json::parse(ss.str());
}
/// A JSON file that may be absent or not JSON (a directory scan): a discarded value then,
/// which the caller tests with is_discarded().
inline Json try_load_json_file(const std::filesystem::path& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return Json::parse(ss.str(), nullptr, false);
}
/// ../shared/external-vectors/<rel>
inline Json load_external(const std::string& rel) {
  return load_json_file(std::filesystem::path(LOCKREF_SHARED_DIR) / "external-vectors" / rel);
}
/// vectors/<name> of this tree.
inline Json load_vectors(const std::string& name) {
  return load_json_file(std::filesystem::path(LOCKREF_SOURCE_DIR) / "vectors" / name);
}
/// A JSON hex string as bytes (the files are trusted test data: bad hex fails the test).
inline Bytes unhex(const Json& j) {
  auto b = from_hex(j.get<std::string>());
  REQUIRE_MESSAGE(b.ok(), "bad hex in vector file");
  return *b;
}

}  // namespace lockref::testing
