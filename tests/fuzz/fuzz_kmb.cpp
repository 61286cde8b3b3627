// libFuzzer target: OCP L.O.C.K. 0.9 KMB mailbox decoder (§4.7.2, every command's request
// and response table through core/wire.hpp). The first byte picks the command (index in
// §4.7.2's table order, modulo their number) and the direction (bit 0); the rest is the
// payload. Whatever decodes must pretty-print and convert to JSON without failing.
#include <cstdlib>

#include "lockref/lock/kmb/decode.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lockref;
  using namespace lockref::lock::kmb;
  if (size == 0) return 0;
  std::vector<std::uint32_t> codes;
  for_each_command([&](auto c) { codes.push_back(decltype(c)::code); });
  const auto code = codes[(data[0] >> 1) % codes.size()];
  const auto dir = (data[0] & 1) ? Direction::response : Direction::request;
  auto d = decode_mailbox(code, dir, ByteView(data + 1, size - 1));
  if (!d) std::abort();  // every listed code is a known command
  if (!d->error && !d->fields) std::abort();
  if (d->error && d->error->offset > size - 1) std::abort();  // an error points inside the input
  return 0;
}
