// libFuzzer target: the RFC 4108 loader on arbitrary bytes (the strict DER reader, the CMS
// layers, signature checks, decryption and decompression) and the CMS structure printer.
// Any input must yield a decision: a refusal names a §4.1.3 code from 1 to 36 and an offset
// inside the input, and changes nothing.
#include <cstdlib>

#include "lockref/fwpkg/machine.hpp"
#include "lockref/fwpkg/print.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lockref::fwpkg;
  static const Profile profile = [] {
    Profile p;
    p.receipts = false;
    p.error_reports = false;
    p.max_firmware_size = 1 << 20;
    return p;
  }();
  static const State module = example::module();
  const lockref::Bytes b(data, data + size);
  const auto st = Machine::step(profile, module, Load{b});
  if (!st.out.is_ok()) {
    if (!st.out.error_code || *st.out.error_code < 1 || *st.out.error_code > 36) std::abort();
    if (!st.out.offset || *st.out.offset > size) std::abort();
    if (!(st.next == module)) std::abort();
  }
  (void)describe_cms(b);
  return 0;
}
