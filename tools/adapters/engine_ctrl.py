#!/usr/bin/env python3
"""Sample difftest adapter: the encryption engine's CTRL register (OCP L.O.C.K. 0.9
§4.7.1.2, Tables 5-11, Figure 34). SAMPLE CODE, NOT PART OF THE MODEL (see
difftest_adapter.py): the device is a stand-in, the reference model run through
`lockref eval engine.step`; what a real adapter reports is the same.

Reports every output field and, as the state, the CTRL register as its fields (`ctrl`)
and as the 32-bit value a register read returns (`ctrl_value`).

--bug err-not-cleared: ERR is not cleared when the DONE acknowledgement completes
(Table 9 DONE: a write of 1b to DONE "shall ... set the ERR field to 0000b"): the ERR
field keeps the failed command's code until the next command completes.
"""
import difftest_adapter as da

class Engine(da.StandIn):
    machine = "engine"

    def reset(self):
        super().reset()
        self.stale_err = 0

    def step(self, event):
        before = self.dev.state
        out, st = self.dev.step(event)
        self.dev.state = st
        ctrl = dict(st["ctrl"])
        if self.bug == "err-not-cleared":
            was = before["ctrl"] if before else {"done": False, "err": 0}
            if event["type"] in ("power_cycle", "fatal_error") or ctrl["done"]:
                self.stale_err = 0  # a reset or fatal error clears the register; a completion writes ERR
            elif was["done"] and was["err"] and not ctrl["done"] and event["type"] in ("write_ctrl", "tick"):
                self.stale_err = was["err"]  # the acknowledgement cleared DONE but not ERR
            if self.stale_err:
                ctrl["err"] = self.stale_err
        value = int(st["ctrl_value"], 16)
        if ctrl["err"] != st["ctrl"]["err"]:
            # The same register read as a value: ERR is bits 19:16 (Table 9).
            value = (value & ~(0xF << 16)) | (ctrl["err"] << 16)
        return out, {"ctrl": ctrl, "ctrl_value": "0x%08x" % value}


if __name__ == "__main__":
    bug = da.bug_switch(["err-not-cleared"], __doc__)
    da.serve("sample engine CTRL adapter (stand-in device, bug: %s)" % bug, lambda m, p: Engine(m, p, bug))
