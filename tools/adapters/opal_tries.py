#!/usr/bin/env python3
"""Sample difftest adapter: the Opal try-limit counters (Seagate Opal CC guide, "Try
Limits and Persistence Settings"; TCG Core C_PIN Tries). SAMPLE CODE, NOT PART OF THE
MODEL (see difftest_adapter.py): the device is a stand-in, the reference model run
through `lockref eval opal.step`.

Reports every output field and the whole state (a test drive exposes C_PIN Tries and the
rest through Get).

--bug tries-not-reset: a successful authentication does not reset the authority's Tries
counter to 0 (the guide: the counter "is reset to zero when a successful authentication
occurs"), so failures accumulate across successes and lock the authority out early.
"""
import difftest_adapter as da


def authority(event):
    """The authority an event authenticates, if any."""
    if event.get("type") == "authenticate":
        return event.get("authority")
    if isinstance(event.get("as"), dict):
        return event["as"].get("authority")
    return None


class Opal(da.StandIn):
    machine = "opal"

    def step(self, event):
        before = self.dev.state
        out, st = self.dev.step(event)
        who = authority(event)
        if self.bug == "tries-not-reset" and before and who and out.get("status") == "ok":
            old = {c["authority"]: c["tries"] for c in before["credentials"]}
            for c in st["credentials"]:
                if c["authority"] == who and c["tries"] == 0 and old.get(who, 0) > 0:
                    c["tries"] = old[who]  # the bug: the device's counter stays where it was
        self.dev.state = st
        return out, st


if __name__ == "__main__":
    bug = da.bug_switch(["tries-not-reset"], __doc__)
    da.serve("sample Opal try-limit adapter (stand-in device, bug: %s)" % bug, lambda m, p: Opal(m, p, bug))
