// libFuzzer target: OCP L.O.C.K. 0.9 WrappedKey decoder (§4.7.2, Table 56). Accepted bytes
// must be exactly the encoding of the decoded key (no trailing byte, no slack).
#include <cstdlib>

#include "lockref/lock/wrapped_key.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lockref;
  const ByteView b(data, size);
  if (auto w = lock::decode_wrapped_key(b)) {
    if (lock::encode(*w) != Bytes(b.begin(), b.end())) std::abort();
  }
  return 0;
}
