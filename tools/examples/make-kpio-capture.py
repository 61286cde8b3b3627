#!/usr/bin/env python3
"""Writes tools/examples/kpio-capture.jsonl: a Key Per I/O bus capture made of seed 002's own
bytes (vectors/tcg-seed002.json, tcg-sp02-seed002.json), as a kpio transcript whose steps are
raw IF-SEND payloads ({"type":"send"}) and whose expect.response is the TPer's IF-RECV payload
the seed prints for it. `lockref check` replays it; `lockref decode` reads it as method calls.

usage: make-kpio-capture.py <source-dir> [out]   (stdout when out is absent)
"""
import json
import sys

src = sys.argv[1]
V = {}
for f in ("tcg-seed002.json", "tcg-sp02-seed002.json"):
    for v in json.load(open(f"{src}/vectors/{f}"))["vectors"]:
        V[v["id"]] = v


def table(n):
    for suffix, field in (("-encode", ("expect", "hex")), ("-sp3-compacket", ("expect", "hex"))):
        v = V.get(f"kpio-table{n}{suffix}")
        if v:
            return v[field[0]][field[1]]
    v = V[f"kpio-table{n}-decode"]
    return v["request"]["hex"]


# (table sent, table answered, protocol, extra event fields, state the device reports after)
STEPS = [
    (3, 4, 1, {}, None),                                   # §3.2.1.3 Properties
    (10, 6, 1, {}, None), (11, 12, 1, {}, None), (8, 9, 1, {}, None),           # §3.2.2 Get MSID as Anybody
    (13, 6, 1, {}, None), (14, 7, 1, {}, None), (8, 9, 1, {}, {"owned": True}),  # Set SID's PIN as SID
    (15, 6, 1, {}, None), (16, 17, 1, {}, None), (18, 19, 1, {}, None),          # §3.2.3 LifeCycle, Activate
    (8, 9, 1, {}, {"kpio_life_cycle": "Manufactured"}),
    (20, 6, 1, {}, None),                                  # §3.2.4 session as Admin1 (the SID PIN)
    (22, 7, 1, {}, None),                                  # §3.2.5 Managed = TRUE for NS1
    (25, 7, 1, {}, None),                                  # §3.2.8 KEK1 allowed for NS1
    (33, 7, 1, {}, None),                                  # §3.2.20 ClearAllMEKsAllowed = TRUE
    (21, 7, 1, {}, None), (8, 9, 1, {}, None),             # §3.2.4 new Admin1 PIN
    (40, 42, 3, {}, {"set_keks": [1]}),                    # §3.2.11 plaintext KEK1 (empty row)
    (61, 63, 3, {}, {"key_cache": ["NS1:KT1", "NS2:factory"]}),  # §3.2.17 XTS MEK, KeyTag 1
    (34, 35, 2, {"nsid": 1}, {"key_cache": ["NS2:factory"]}),    # §3.2.20 Clear All MEKs, NS1
    (15, 6, 1, {}, None), (36, 37, 1, {}, {"kpio_life_cycle": "Manufactured-Inactive", "set_keks": []}),  # §3.2.21
]
# Table 62's KeyTag 1 needs two key tags per namespace (errata E-KPIO-KEYTAG-1).
lines = [{"machine": "kpio", "profile": {"max_key_tags_per_namespace": 2, "default_key_tags": 2, "total_key_tags": 4}}]
for i, (sent, answer, proto, extra, state) in enumerate(STEPS, 1):
    step = {"machine": "kpio", "step": i, "event": dict({"type": "send", "protocol": proto, "bytes": table(sent)}, **extra),
            "expect": {"status": "ok", "response": table(answer)}}
    if state:
        step["state"] = state
    lines.append(step)
text = "".join(json.dumps(l, separators=(",", ":")) + "\n" for l in lines)
if len(sys.argv) > 2:
    open(sys.argv[2], "w").write(text)
else:
    sys.stdout.write(text)
