// A downstream project using the installed lockref::model package.
#include <lockref/lock/epoch.hpp>
#include <iostream>

int main() {
  using namespace lockref::lock::epoch;
  // Table 15 row 4 / Table 53: slot 1 randomized after slot 0 was zeroized.
  State s{Lifecycle::production, {Slot::zeroized, Slot::randomized, Slot::blank, Slot::blank}, PermaHek::unset,
          Sek::programmed};
  const auto v = view_of(s);
  const bool ok = v.hek_metadata.seed_state == SeedState::programmed && v.hek_metadata.active_slot == 1 &&
                  v.hek_erasures_remaining == 3 && v.mek_load_allowed;
  std::cout << "consumer: " << lockref::to_json(v).dump() << "\n";
  return ok ? 0 : 1;
}
