"""The `lockref difftest` adapter protocol (version 1), and a stand-in device.

SAMPLE CODE, NOT PART OF THE MODEL. An adapter is the small program that connects
`lockref difftest MACHINE --dut COMMAND` to an implementation under test: firmware on a
board, a simulator, an RTL testbench. It reads one JSON object per line on stdin and
answers each with one JSON object per line on stdout (flushed):

  {"op":"hello","protocol":"lockref-difftest","version":1,"machine":M,"profile":{...}}
      -> {"ok":true,"version":1,"implementation":"free text",
          "events":["type", ...]}      (optional: the event types it can drive; default all)
      -> {"ok":false,"error":"..."}   (cannot test this machine/profile: lockref exits 2)
  {"op":"reset"}
      -> {"ok":true}                    (the implementation is back in its initial state)
  {"op":"step","event":{"type":...,...}}
      -> {"output":{...},"state":{...}}
         output: what the implementation answered (status, result codes, response bytes);
         state:  what it reports afterwards. Either holds any subset of the model's fields
         (`lockref check`'s rule: only the fields present are compared); bytes are
         lowercase hex. "state" may be left out.

The events and fields are the model's own JSON, exactly as `lockref corpus MACHINE` prints
them. When stdin closes, exit. Anything on stderr goes to lockref's stderr.

The four sample adapters (engine_ctrl.py, opal_tries.py, kmb_mailbox.py, kpio_sp.py) need
a device to drive and this repository has none, so each stands one in: `ModelDevice` runs
the reference model itself (`$LOCKREF_BIN eval`, one `<machine>.step` request per event,
the device's state carried in the adapter) and the adapter's --bug switch changes that
device the way a real implementation goes wrong. The samples show the protocol, what an
adapter reports, and that difftest finds and shrinks each planted bug; with --bug none
they must agree with the model. For a real device, replace ModelDevice by code that
drives the device and reads its registers (README.md, "Writing an adapter").
"""
import json
import os
import subprocess
import sys


class ModelDevice:
    """The reference model as a stand-in device, through `lockref eval` (a co-process)."""

    def __init__(self, machine, profile):
        self.machine, self.profile = machine, profile
        exe = os.environ.get("LOCKREF_BIN", "lockref")
        self.proc = subprocess.Popen([exe, "eval"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.state = None  # None: the initial state

    def reset(self):
        self.state = None

    def step(self, event, state=None):
        """(output, state after) for `event` in `state` (default: the device's own)."""
        req = {"op": self.machine + ".step", "profile": self.profile, "event": event}
        st = self.state if state is None else state
        if st is not None:
            req["state"] = st
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        ans = json.loads(self.proc.stdout.readline())
        if not ans.get("ok"):
            raise RuntimeError("stand-in device: " + ans.get("error", "?"))
        return ans["output"], ans["state"]


class StandIn:
    """Base of the sample adapters: a stand-in device for one machine with a --bug switch."""
    machine = ""

    def __init__(self, machine, profile, bug):
        if machine != self.machine:
            raise ValueError("this adapter drives the %s machine, not %s" % (self.machine, machine))
        self.dev, self.bug = ModelDevice(machine, profile), bug
        self.reset()

    def reset(self):
        self.dev.reset()


def serve(name, make_device, events=None):
    """The protocol loop. make_device(machine, profile) -> object with reset() and
    step(event) -> (output, state or None)."""
    device = None
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        op = req.get("op")
        if op == "hello":
            if req.get("version") != 1:
                ans = {"ok": False, "error": "this adapter speaks protocol version 1"}
            else:
                try:
                    device = make_device(req["machine"], req["profile"])
                    ans = {"ok": True, "version": 1, "implementation": name}
                    if events:
                        ans["events"] = events
                except ValueError as e:
                    ans = {"ok": False, "error": str(e)}
        elif op == "reset":
            device.reset()
            ans = {"ok": True}
        elif op == "step":
            output, state = device.step(req["event"])
            ans = {"output": output}
            if state is not None:
                ans["state"] = state
        else:
            ans = {"ok": False, "error": "unknown op %r" % op}
        sys.stdout.write(json.dumps(ans, separators=(",", ":")) + "\n")
        sys.stdout.flush()


def bug_switch(choices, doc):
    """--bug NAME from the command line (default: none)."""
    import argparse
    ap = argparse.ArgumentParser(description=doc)
    ap.add_argument("--bug", choices=["none"] + choices, default="none",
                    help="plant a bug in the stand-in device (default: none, a conforming device)")
    return ap.parse_args().bug
