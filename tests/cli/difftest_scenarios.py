#!/usr/bin/env python3
"""Builds the hand-written scenarios of tests/cli/difftest.sh as --start transcripts.

Each scenario names its events by what they are (a mailbox command, an event type with
its fields), written from the specification; the bytes (sealed access keys, wrapped
MPKs) come from the model's own candidate events in the state reached
(`<machine>.candidates`), as a host would build them. Padding events that have nothing to
do with the bug are mixed in, so difftest must shrink them away.

usage: difftest_scenarios.py LOCKREF kmb|kpio OUT.jsonl
"""
import json
import subprocess
import sys

lockref, which, out_path = sys.argv[1], sys.argv[2], sys.argv[3]
ev = subprocess.Popen([lockref, "eval"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def ask(req):
    ev.stdin.write(json.dumps(req) + "\n")
    ev.stdin.flush()
    ans = json.loads(ev.stdout.readline())
    if not ans.get("ok"):
        sys.exit("eval: %s: %s" % (json.dumps(req)[:200], ans.get("error")))
    return ans


class Walk:
    def __init__(self, machine, profile):
        self.machine, self.profile, self.state, self.events = machine, profile, None, []

    def _req(self, op, **kw):
        r = {"op": self.machine + "." + op, "profile": self.profile}
        if self.state is not None:
            r["state"] = self.state
        r.update(kw)
        return r

    def find(self, pred, what):
        """The first candidate event in the current state that satisfies pred(event, output)."""
        for c in ask(self._req("candidates"))["events"]:
            if pred(c["event"], c["output"]):
                return c["event"]
        sys.exit("scenario %s: no candidate is %s" % (self.machine, what))

    def send(self, event):
        ans = ask(self._req("step", event=event))
        self.state = ans["state"]
        self.events.append(event)
        return ans["output"]

    def pick(self, pred, what):
        return self.send(self.find(pred, what))


def command(name, status=None):
    return lambda e, o: o.get("command") == name and (status is None or o.get("status") == status)


def kind(t, status=None, **fields):
    return lambda e, o: e["type"] == t and all(e.get(k) == v for k, v in fields.items()) and \
        (status is None or o.get("status") == status)


if which == "kmb":
    # §4.6.1.5: the VEK is generated on first use and lost on every cold reset, so an
    # enabled MPK from before a cold reset must be refused by MIX_MPK after it.
    w = Walk("kmb", {})
    # (REPORT_HEK_METADATA is a ROM command, first after each cold reset: no padding before it.)
    w.pick(command("REPORT_HEK_METADATA", "ok"), "REPORT_HEK_METADATA")  # the HEK (§4.6.4.1)
    w.pick(command("GET_ALGORITHMS"), "GET_ALGORITHMS")               # padding
    w.pick(command("ENABLE_MPK"), "ENABLE_MPK")                       # generates VEK 1
    stale = w.find(command("MIX_MPK"), "MIX_MPK")                     # an enabled MPK under VEK 1
    w.pick(kind("stir_entropy"), "stir_entropy")                      # padding
    w.pick(kind("cold_reset"), "cold_reset")                          # VEK 1 is gone
    w.pick(command("REPORT_HEK_METADATA", "ok"), "REPORT_HEK_METADATA")
    w.pick(command("GET_STATUS"), "GET_STATUS")                       # padding
    w.pick(command("INITIALIZE_MEK_SECRET", "ok"), "INITIALIZE_MEK_SECRET")
    w.send(stale)                                                     # must be refused
    w.pick(command("GET_STATUS"), "GET_STATUS")                       # padding after
    profile = {}
elif which == "kpio":
    # §3.4.7: a nonce from Get Nonce is used once; a second import under it is refused.
    profile = {"scope": "keks"}
    w = Walk("kpio", profile)
    w.pick(kind("power_cycle"), "power_cycle")                        # padding
    w.pick(kind("activate", "ok"), "activate")                        # the KPIO SP active
    w.pick(kind("import_kek", "ok", wrap="plaintext", row=1), "a plaintext KEK in row 1")
    w.pick(kind("get_nonce", "ok"), "get_nonce")                      # padding: replaced below
    # Table 68: KEK 2 may be wrapped by KEK 1 only once its AllowedKeyEncryptionKeys says so.
    w.pick(lambda e, o: e["type"] == "set" and e.get("object") == "KeyEncryptionKey2"
           and e.get("column") == "AllowedKeyEncryptionKeys" and o["status"] == "ok", "KEK 2 wrappable by KEK 1")
    w.pick(kind("get_nonce", "ok"), "get_nonce")
    used = w.find(kind("import_kek", "ok", wrap="aes_gcm"), "an AES-GCM import under the nonce")
    w.send(used)
    w.send(used)                                                      # the same nonce again
else:
    sys.exit("unknown scenario " + which)

with open(out_path, "w") as f:
    f.write(json.dumps({"machine": w.machine}) + "\n")
    for i, e in enumerate(w.events):
        f.write(json.dumps({"machine": w.machine, "step": i + 1, "event": e}) + "\n")
