#!/usr/bin/env python3
"""Sample difftest adapter: the OCP L.O.C.K. 0.9 KMB mailbox (§4.6, §4.7.2). SAMPLE CODE,
NOT PART OF THE MODEL (see difftest_adapter.py): the device is a stand-in, the reference
model run through `lockref eval kmb.step`.

Reports what a mailbox exposes: the response to each command (output: status, result
code, response bytes); no state — the Key Vault's contents are not observable.

--bug vek-kept: the VEK, the volatile key that encrypts enabled MPKs, survives a cold
reset (§4.6.1.5: it is lost on every cold reset), so an enabled MPK from before the reset
is still accepted by MIX_MPK.
"""
import difftest_adapter as da


class Kmb(da.StandIn):
    machine = "kmb"

    def step(self, event):
        before = self.dev.state
        out, st = self.dev.step(event)
        if self.bug == "vek-kept" and event.get("type") == "cold_reset" and before and before["kv"].get("vek"):
            st["kv"]["vek"] = before["kv"]["vek"]
        self.dev.state = st
        return out, None


if __name__ == "__main__":
    bug = da.bug_switch(["vek-kept"], __doc__)
    da.serve("sample KMB mailbox adapter (stand-in device, bug: %s)" % bug, lambda m, p: Kmb(m, p, bug))
