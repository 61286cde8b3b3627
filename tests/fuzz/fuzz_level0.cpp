// libFuzzer target: (Namespace) Level 0 Discovery parser and the Security Protocol
// 0x02 decoders (KPIO AN §3.3.2, §3.3.15-16, §3.4.7.6).
#include <cstdlib>

#include "lockref/tcg/level0.hpp"
#include "lockref/tcg/sp02.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lockref;
  const ByteView b(data, size);
  if (auto d = tcg::level0::parse(b)) {
    auto re = tcg::level0::emit(*d);
    if (!re || re->size() > size || !std::equal(re->begin(), re->end(), b.begin())) std::abort();
    for (const auto& f : d->features) (void)tcg::level0::fields_of(f);
  }
  (void)tcg::sp02::decode_request(b);
  (void)tcg::sp02::decode_response(b);
  (void)tcg::sp02::decode_nonce(b, 16);
  return 0;
}
