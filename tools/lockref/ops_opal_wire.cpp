// `lockref explore|corpus|check opal-wire`: the Opal Admin SP and Locking SP at the wire
// (model/lockref/opal/wire.hpp). Transcript steps are host items ({"call": {...}} in Packet
// tsn:hsn, as tcg/json.hpp writes them) or raw Security Protocol 0x01 ComPackets ({"send":
// {"bytes": hex}}), so a capture of sedutil or go-tcg-storage against a drive is checked as it is.
#include "lockref/opal/wire.hpp"
#include "machine_tool.hpp"

namespace lockref::cli {
namespace LOCKREF_UNITY_ID {

Result<lockref::opal::Profile> opal_wire_profile(const Args& a, lockref::opal::Profile p) {
  if (a.has("firmware")) p = *lockref::opal::profile_named(a.text("firmware"));
  return p;
}

LOCKREF_REGISTER(make_machine_tool<lockref::opal::wire::Machine>(
    "TCG Opal Admin SP and Locking SP at the wire: StartSession, Get/Set C_PIN, Activate, Revert, RevertSP, "
    "Locking, GenKey, Reactivate and Erase (Single User Mode) as method calls or raw ComPackets over the abstract opal machine",
    {opt::choice("firmware", "a Seagate profile (try limits per firmware), or generic", {"SE4SA530", "SGEBHG02", "generic"},
                 "generic")},
    opal_wire_profile));

}  // namespace LOCKREF_UNITY_ID
}  // namespace lockref::cli
