// Wire codecs: KMIP TTLV (kmip/ttlv.hpp) and TCG tokens (tcg/token.hpp), decode and encode
// per second over the seed's own messages: every "hex" capture of vectors/kmip-seed002.json
// (12 messages, 200..1224 bytes) and vectors/tcg-seed002.json. tools/bench/pykmip_ttlv.py
// measures PyKMIP (Debian python3-pykmip) on the same TTLV messages, for the ratio in the
// README. items_per_second counts messages. Run: build/release/tools/bench/lockref-bench --benchmark_filter='Ttlv|TcgTokens'
#include <benchmark/benchmark.h>

#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "lockref/core/json.hpp"
#include "lockref/kmip/ttlv.hpp"
#include "lockref/tcg/token.hpp"

namespace LOCKREF_UNITY_ID {  // file-local: the benchmarks are one program, compiled as a unity build

namespace {
using namespace lockref;

void collect(const Json& j, std::set<std::string>& out, const std::string& key = "") {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) collect(v, out, k);
  } else if (j.is_array()) {
    for (const auto& v : j) collect(v, out, key);
  } else if (j.is_string() && key == "hex") {
    out.insert(j.get<std::string>());
  }
}

/// The distinct "hex" captures of a vector file that `accept` decodes.
template <class Accept>
std::vector<Bytes> messages(const std::string& file, Accept accept) {
  std::ifstream f(std::string(LOCKREF_SOURCE_DIR) + "/vectors/" + file);
  std::set<std::string> hex;
  collect(Json::parse(f), hex);
  std::vector<Bytes> out;
  for (const auto& h : hex)
    if (auto b = from_hex(h); b && accept(*b)) out.push_back(*b);
  return out;
}

const std::vector<Bytes>& ttlv() {
  static const auto m = messages("kmip-seed002.json", [](const Bytes& b) { return bool(kmip::decode(b)); });
  return m;
}
const std::vector<Bytes>& tokens() {
  static const auto m = messages("tcg-seed002.json", [](const Bytes& b) { return bool(tcg::decode_tokens(b)); });
  return m;
}

template <class F>
void over(benchmark::State& st, const std::vector<Bytes>& ms, F f) {
  std::size_t bytes = 0;
  for (auto _ : st)
    for (const auto& m : ms) {
      benchmark::DoNotOptimize(f(m));
      bytes += m.size();
    }
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations() * ms.size()));
  st.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  st.counters["messages"] = static_cast<double>(ms.size());
}

void BM_TtlvDecode(benchmark::State& st) { over(st, ttlv(), [](const Bytes& b) { return kmip::decode(b); }); }
void BM_TtlvEncode(benchmark::State& st) {
  std::vector<kmip::Item> items;
  for (const auto& b : ttlv()) items.push_back(*kmip::decode(b));
  std::size_t i = 0;
  over(st, ttlv(), [&](const Bytes&) { return kmip::encode(items[i++ % items.size()]); });
}
void BM_TcgTokensDecode(benchmark::State& st) { over(st, tokens(), [](const Bytes& b) { return tcg::decode_tokens(b); }); }
void BM_TcgTokensEncode(benchmark::State& st) {
  std::vector<std::vector<tcg::Token>> ts;
  for (const auto& b : tokens()) ts.push_back(*tcg::decode_tokens(b));
  std::size_t i = 0;
  over(st, tokens(), [&](const Bytes&) { return tcg::encode_tokens(ts[i++ % ts.size()]); });
}

}  // namespace

BENCHMARK(BM_TtlvDecode);
BENCHMARK(BM_TtlvEncode);
BENCHMARK(BM_TcgTokensDecode);
BENCHMARK(BM_TcgTokensEncode);

}  // namespace LOCKREF_UNITY_ID
