// OCP L.O.C.K. key management block: what the other tests left open, written to kill the
// mutants tools/mutate.py found surviving (spec/mutation/report.md). Field names and
// orders: seed 001 §4.7.2 (the command tables).
#include <doctest/doctest.h>

#include <string>

#include "lockref/lock/kmb/decode.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref;

TEST_CASE("kmb decode: a GET_ALGORITHMS response prints every field of Table 20, in order") {
  // Table 20: chksum u32, fips_status u32, reserved u32[4], endorsement_algorithms u32,
  // hpke_algorithms u32, access_key_sizes u32: 36 bytes ("GALG", §4.7.2.6)
  Bytes out(36, 0);
  out[24] = 0x01;  // endorsement_algorithms: byte 0 bit 0
  out[28] = 0x07;  // hpke_algorithms: bits 0-2
  out[32] = 0x01;  // access_key_sizes: 256 bits
  const auto code = lock::kmb::parse_command("GALG");
  REQUIRE(code);
  const auto d = lock::kmb::decode_mailbox(*code, lock::kmb::Direction::response, out);
  REQUIRE(d);
  CHECK(d->command == "GET_ALGORITHMS");
  CHECK(d->table.find("20") != std::string::npos);  // the output table
  REQUIRE_FALSE(d->error);
  REQUIRE(d->fields);
  std::size_t at = 0;
  for (const char* field : {"chksum", "fips_status", "reserved", "endorsement_algorithms", "hpke_algorithms",
                            "access_key_sizes"}) {
    const auto p = d->pretty.find(field, at);
    CHECK_MESSAGE(p != std::string::npos, field << " is not printed after offset " << at << ":\n" << d->pretty);
    if (p != std::string::npos) at = p;
  }
}

}  // namespace LOCKREF_UNITY_ID
