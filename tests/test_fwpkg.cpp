// RFC 4108 firmware packages (seed 003 and the whole RFC in ../shared/external-vectors/rfc4108/):
// DER strictness, the CMS layers, receipts and error reports, the loader's decisions.
// Expected values come from the RFC's text, from third-party bytes (the pyasn1-modules sample
// package, openssl-generated receipt and error report) with their offsets as `openssl
// asn1parse` lists them, or from packages made by openssl / tests/oracle/fwpkg_builder.py.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "external_vectors.hpp"
#include "lockref/fwpkg/machine.hpp"

using namespace lockref;
using namespace lockref::fwpkg;

namespace {

Bytes read_file(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  REQUIRE_MESSAGE(f.good(), "missing " << p.string());
  return Bytes(std::istreambuf_iterator<char>(f), {});
}
std::filesystem::path rfc4108_dir() { return std::filesystem::path(LOCKREF_SHARED_DIR) / "external-vectors" / "rfc4108"; }

/// The pyasn1-modules sample package (1,216 bytes DER; base64 in the shared file).
Bytes sample_package() {
  std::ifstream f(rfc4108_dir() / "rfc4108_firmware_package_sample.pem.b64");
  REQUIRE(f.good());
  std::string b64, line;
  while (std::getline(f, line))
    if (line.rfind("-----", 0) != 0) b64 += line;
  static const std::string a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  Bytes out;
  unsigned acc = 0;
  int bits = 0;
  for (char c : b64) {
    if (c == '=' || c == '\r' || c == ' ') continue;
    const auto v = a.find(c);
    REQUIRE(v != std::string::npos);
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(acc >> bits));
    }
  }
  REQUIRE(out.size() == 1216);
  return out;
}

Output load(const Profile& p, const State& s, ByteView pkg) { return Machine::step(p, s, Load{Bytes(pkg.begin(), pkg.end())}).out; }

}  // namespace

TEST_CASE("fwpkg: the third-party sample package is refused as SignedData version 1, at its version") {
  // openssl asn1parse of the sample: "23:d=3 hl=2 l=1 prim: INTEGER :01" is SignedData.version;
  // §2.1.2 "version ... MUST be set to 3".
  const Bytes pkg = sample_package();
  const auto out = load(Profile{}, example::module(), pkg);
  CHECK(out.status == "badSignedData");
  CHECK(out.error_code == 3);
  CHECK(out.offset == 23);
  CHECK(out.decision == "reject");
  // With the version patched to 3 (the INTEGER's contents octet is at 25), the next problem is
  // the missing firmware-package-identifier (§2.2 MUST): badSignedAttrs at the signedAttrs,
  // "624:d=5 hl=3 l=188 cons: cont [ 0 ]".
  Bytes v3 = pkg;
  REQUIRE(v3[25] == 0x01);
  v3[25] = 0x03;
  const auto o2 = load(Profile{}, example::module(), v3);
  CHECK(o2.status == "badSignedAttrs");
  CHECK(o2.offset == 624);
  CHECK(o2.detail.find("firmware-package-identifier") != std::string::npos);
}

TEST_CASE("fwpkg: DER only - indefinite and non-minimal lengths, trailing and missing bytes are refused with their offset") {
  const Bytes pkg = sample_package();
  const State s = example::module();
  SUBCASE("trailing octet: not one BER value -> decodeFailure at the octet after the ContentInfo") {
    Bytes b = pkg;
    b.push_back(0x00);
    const auto o = load(Profile{}, s, b);
    CHECK(o.status == "decodeFailure");
    CHECK(o.offset == 1216);
  }
  SUBCASE("truncated: the outer length promises more than there is -> decodeFailure at the ContentInfo") {
    const Bytes b(pkg.begin(), pkg.end() - 1);
    const auto o = load(Profile{}, s, b);
    CHECK(o.status == "decodeFailure");
    CHECK(o.offset == 0);
  }
  SUBCASE("indefinite length: BER, so not decodeFailure, but not DER -> badContentInfo at the length octet") {
    // 30 82 04 bc ... -> 30 80 ... 00 00 (same contents, end-of-contents octets appended)
    Bytes b{0x30, 0x80};
    b.insert(b.end(), pkg.begin() + 4, pkg.end());
    b.push_back(0);
    b.push_back(0);
    const auto o = load(Profile{}, s, b);
    CHECK(o.status == "badContentInfo");
    CHECK(o.offset == 1);
    CHECK(o.detail.find("indefinite") != std::string::npos);
  }
  SUBCASE("non-minimal length (06 81 09 for 06 09) in the contentType -> badContentInfo at that length") {
    Bytes b{0x30, 0x82, 0x04, 0xbd, 0x06, 0x81};
    b.insert(b.end(), pkg.begin() + 5, pkg.end());
    const auto o = load(Profile{}, s, b);
    CHECK(o.status == "badContentInfo");
    CHECK(o.offset == 5);
    CHECK(o.detail.find("minimal") != std::string::npos);
  }
  SUBCASE("not ASN.1 at all") {
    const auto o = load(Profile{}, s, to_bytes("firmware"));
    CHECK(o.status == "decodeFailure");
    CHECK(o.error_code == 1);
    CHECK(load(Profile{}, s, Bytes{}).status == "decodeFailure");
  }
}

TEST_CASE("fwpkg: receipts and error reports are the DER openssl generates for the same fields") {
  // ../shared/external-vectors/rfc4108/receipt.der and error_report.der: made with
  // `openssl asn1parse -genconf` from receipt.cnf / error_report.cnf (unsigned, §3.1.1, §4.1.1).
  const Bytes receipt = read_file(rfc4108_dir() / "receipt.der");
  ReceiptFields r{"1.3.6.1.4.1.221121.1.1.42", Bytes{1, 2, 3, 4, 5, 6, 7, 8}, Legacy{to_bytes("fw-1.2.3")}, Bytes(20, 0x11),
                  Bytes{0xAA, 0xBB}};
  CHECK(to_hex(content_info(oid::firmware_load_receipt, receipt_content(r))) == to_hex(receipt));
  const Bytes error = read_file(rfc4108_dir() / "error_report.der");
  ErrorFields e{"1.3.6.1.4.1.221121.1.1.42", Bytes{1, 2, 3, 4, 5, 6, 7, 8}, ErrorCode::stalePackage, std::nullopt,
                Preferred{"1.3.6.1.4.1.221121.1.2.1", 7}, std::nullopt};
  CHECK(to_hex(content_info(oid::firmware_load_error, error_content(e))) == to_hex(error));
  // Appendix A: the version is DEFAULT v1, so DER leaves it out: the first field is hwType.
  CHECK(receipt_content(r)[2] == der::OBJECT_ID);
}

TEST_CASE("fwpkg: legacy names compare naturally within a family (errata E-FWPKG-LEGACY)") {
  auto b = [](const char* s) { return to_bytes(s); };
  CHECK(legacy::family(b("fw-1.2.3")) == legacy::family(b("fw-1.10.0")));
  CHECK(legacy::family(b("fw-1.2.3")) != legacy::family(b("fw-1.2")));
  CHECK(legacy::family(b("fw-1.2.3")) != legacy::family(b("boot-1.2.3")));
  CHECK(legacy::compare(b("fw-1.9.0"), b("fw-1.10.0")) < 0);  // bytewise order would say the opposite
  CHECK(legacy::compare(b("fw-1.10.0"), b("fw-1.9.0")) > 0);
  CHECK(legacy::compare(b("fw-01.2.3"), b("fw-1.2.3")) == 0);
  CHECK(legacy::compare(b("fw-1.2.3"), b("fw-1.2.3")) == 0);
}
