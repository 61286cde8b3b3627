// Loads third-party known-answer files from ../shared/external-vectors/ (see its README
// for the source of each file). Header for the tests that replay them.
#pragma once
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "lockref/core/json.hpp"

namespace lockref::testing {

inline Json load_external(const std::string& rel) {
  const std::filesystem::path p = std::filesystem::path(LOCKREF_SHARED_DIR) / "external-vectors" / rel;
  std::ifstream f(p);
  REQUIRE_MESSAGE(f.good(), "missing " << p.string());
  std::stringstream ss;
  ss << f.rdbuf();
  return Json::parse(ss.str());
}
/// A JSON hex string as bytes (the files are trusted test data: bad hex fails the test).
inline Bytes unhex(const Json& j) {
  auto b = from_hex(j.get<std::string>());
  REQUIRE_MESSAGE(b.ok(), "bad hex in vector file");
  return *b;
}

}  // namespace lockref::testing
