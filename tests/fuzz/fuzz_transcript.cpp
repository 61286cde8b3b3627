// libFuzzer target: the transcript reader (core/transcript.hpp: JSON Lines header, steps,
// expected outputs and states) driving the HEK/SEK epoch machine, as `lockref check` does.
// The input is split at newlines; any line may be malformed. Must not crash, and a report
// must either conform or name the divergent step.
#include <cstdlib>
#include <string>

#include "lockref/core/transcript.hpp"
#include "lockref/lock/epoch.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lockref;
  TranscriptChecker<lock::epoch::Machine> c;
  std::size_t start = 0, line = 0;
  for (std::size_t i = 0; i <= size && !c.diverged(); ++i) {
    if (i < size && data[i] != '\n') continue;
    if (auto s = c.feed(++line, std::string(reinterpret_cast<const char*>(data) + start, i - start)); !s) return 0;
    start = i + 1;
  }
  (void)c.finish();
  return 0;
}
