// libFuzzer target: strict KMIP TTLV decoder (KPIO AN §3.4). Accepted bytes must be
// exactly the canonical encoding of the decoded item.
#include <cstdlib>

#include "lockref/kmip/ttlv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lockref;
  const ByteView b(data, size);
  if (auto it = kmip::decode(b)) {
    auto re = kmip::encode(*it);
    if (!re || *re != Bytes(b.begin(), b.end())) std::abort();
  }
  (void)kmip::decode_sequence(b);
  (void)kmip::decode_prefix(b);
  return 0;
}
