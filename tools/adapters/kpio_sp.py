#!/usr/bin/env python3
"""Sample difftest adapter: the TCG Key Per I/O SP (application note §3.2, §3.4.7 replay
protection). SAMPLE CODE, NOT PART OF THE MODEL (see difftest_adapter.py): the device is a
stand-in, the reference model run through `lockref eval kpio.step`.

Reports every output field and the state a host can read from the SP's tables; not the
list of outstanding nonces, which the TPer does not expose.

--bug nonce-reused: a nonce from Get Nonce is not consumed when a key wrapped with it is
imported (§3.4.7: each nonce is used once), so the same import is accepted twice.
"""
import difftest_adapter as da


class Kpio(da.StandIn):
    machine = "kpio"

    def step(self, event):
        before = self.dev.state
        out, st = self.dev.step(event)
        if self.bug == "nonce-reused" and before and out.get("status") == "ok":
            kept = [n for n in before["nonces"] if n not in st["nonces"]]
            if kept and event.get("type") in ("import_kek", "import_mek"):
                st["nonces"] = before["nonces"]  # the bug: the used nonce stays outstanding
        self.dev.state = st
        shown = {k: v for k, v in st.items() if k != "nonces"}
        return out, shown


if __name__ == "__main__":
    bug = da.bug_switch(["nonce-reused"], __doc__)
    da.serve("sample Key Per I/O SP adapter (stand-in device, bug: %s)" % bug, lambda m, p: Kpio(m, p, bug))
