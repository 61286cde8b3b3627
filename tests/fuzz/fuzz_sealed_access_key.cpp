// libFuzzer target: OCP L.O.C.K. 0.9 SealedAccessKey decoder (§4.7.2.22.1, Table 54) with
// the default profile (every Table 20 HPKE algorithm). Accepted bytes must re-encode to
// themselves; a refusal must name a Table 57 result code.
#include <cstdlib>

#include "lockref/lock/sealed_access_key.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lockref;
  namespace sak = lockref::lock::sealed;
  const ByteView b(data, size);
  const sak::Profile p{};
  auto s = sak::decode(p, b);
  if (const auto* k = std::get_if<sak::SealedAccessKey>(&s)) {
    if (sak::encode(*k) != Bytes(b.begin(), b.end())) std::abort();
  } else if (std::get<sak::Failure>(s).code.rfind("LOCK_", 0) != 0) {
    std::abort();
  }
  return 0;
}
