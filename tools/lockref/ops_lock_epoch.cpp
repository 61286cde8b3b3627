// lockref eval ops and machine registration for the OCP L.O.C.K. 0.9 epoch keys.
#include "lockref/lock/epoch.hpp"
#include "machine_tool.hpp"

namespace lockref::cli {
namespace LOCKREF_UNITY_ID {
using namespace lockref::lock::epoch;

struct HekMetadataRequest {
  std::string op;
  Lifecycle lifecycle = Lifecycle::production;
  std::vector<Slot> slots;
  bool perma_hek = false;
};

}  // namespace LOCKREF_UNITY_ID
}  // namespace lockref::cli

BOOST_HANA_ADAPT_STRUCT(lockref::cli::LOCKREF_UNITY_ID::HekMetadataRequest, op, lifecycle, slots, perma_hek);

namespace lockref::cli {
namespace LOCKREF_UNITY_ID {

/// lock.hek_metadata: REPORT_HEK_METADATA (Table 15) and REPORT_EPOCH_KEY_STATE's
/// hek_state (Table 53) and hek_erasures_remaining (§4.7.2.21.1) for a fuse image.
Result<Json> hek_metadata_op(const Json& j) {
  for (const char* k : {"lifecycle", "slots", "perma_hek"})
    if (!j.contains(k)) return make_error(std::string("missing field \"") + k + "\"");
  auto req = from_json<HekMetadataRequest>(j);
  if (!req) return req.error();
  const auto perma = req->perma_hek ? PermaHek::set : PermaHek::unset;
  if (auto v = validate_fuses(req->slots, perma); !v) return v.error();
  State s{req->lifecycle, req->slots, perma, Sek::zeroized};
  const auto v = view_of(s);
  return Json{{"seed_state", enum_name(v.hek_metadata.seed_state)},
              {"active_slot", v.hek_metadata.active_slot},
              {"total_slots", v.hek_metadata.total_slots},
              {"hek_state", enum_name(v.hek_state)},
              {"hek_erasures_remaining", v.hek_erasures_remaining}};
}

LOCKREF_REGISTER(EvalOp{"lock.hek_metadata",
                        "REPORT_HEK_METADATA / hek_state / hek_erasures_remaining for a HEK fuse image "
                        "{lifecycle, slots:[blank|randomized|zeroized|corrupted], perma_hek}",
                        hek_metadata_op});

Result<Profile> epoch_profile(const Args& a, Profile p) {
  if (a.has("slots")) p.slots = static_cast<std::uint16_t>(a.uint("slots"));
  return p;
}

LOCKREF_REGISTER(make_machine_tool<lockref::lock::epoch::Machine>(
    "OCP L.O.C.K. 0.9 HEK/SEK epoch-key lifecycle (§4.6.4, Figure 19)",
    {opt::number("slots", "HEK fuse slots; §4.6.4.1 requires 4 <= n <= 16", min_slots, max_slots, 4)}, epoch_profile));

}  // namespace LOCKREF_UNITY_ID
}  // namespace lockref::cli
