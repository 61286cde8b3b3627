// libFuzzer target: TCG token stream, method-call structure and ComPacket decoders
// (KPIO AN §3.3). Whatever decodes must re-encode to the same bytes.
#include <cstdlib>

#include "lockref/tcg/packet.hpp"
#include "lockref/tcg/token.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lockref;
  const ByteView b(data, size);
  if (auto ts = tcg::decode_tokens(b)) {
    auto re = tcg::encode_tokens(*ts);
    if (!re || *re != Bytes(b.begin(), b.end())) std::abort();
    if (auto items = tcg::parse_items(*ts)) (void)tcg::encode_items(*items);
  }
  if (auto c = tcg::decode_compacket(b)) {
    auto re = tcg::encode_compacket(*c);
    if (!re || re->size() > size || !std::equal(re->begin(), re->end(), b.begin())) std::abort();
  }
  (void)tcg::decode_raw_compacket(b);
  return 0;
}
