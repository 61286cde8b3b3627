#!/usr/bin/env python3
"""Seed corpora of the fuzz targets (tests/fuzz/fuzz_*.cpp), from the bundled known answers.

usage: seeds.py SRC_DIR OUT_DIR [LOCKREF]

Writes OUT_DIR/<target>/<sha1 of the bytes> for:
  tcg                 hex captures of vectors/tcg-*.json (tokens, ComPackets)
  level0              vectors/tcg-level0-*.json and tcg-sp02-*.json captures
  kmip                vectors/kmip-*.json TTLV messages
  fwpkg               vectors/fwpkg-*.json RFC 4108 packages (CMS ContentInfo DER)
  kmb                 vectors/lock-rev09-mailbox.json request payloads (and responses where
                      the vector gives them), prefixed with the target's selector byte
  wrapped_key         vectors/lock-rev09-derivations.json wrapped_key / wrapped_mek values
  sealed_access_key   vectors/lock-sealed-access-key.json SealedAccessKey bytes
  transcript          tools/examples/*.jsonl, and with LOCKREF a 40-step epoch corpus
Prints the count per target; exit 1 if a target gets no seed (a vector file moved).
"""
import glob
import hashlib
import json
import os
import subprocess
import sys

src, out = sys.argv[1], sys.argv[2]
lockref = sys.argv[3] if len(sys.argv) > 3 else None
seeds = {t: set() for t in ("tcg", "level0", "kmip", "fwpkg", "kmb", "wrapped_key", "sealed_access_key", "transcript")}


def hexes(node, key=None):
    """(key, bytes) for every hex string value in a JSON tree."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from hexes(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from hexes(v, key)
    elif isinstance(node, str) and len(node) >= 2 and len(node) % 2 == 0:
        try:
            yield key, bytes.fromhex(node)
        except ValueError:
            pass


# The KMB target's selector byte: (command index << 1) | direction, index in §4.7.2 order
# as lock/kmb/tables.hpp lists the commands (for_each_command). Mnemonics from the vectors.
def kmb_commands():
    """The command names in tuple order, and mnemonic -> name (lock/kmb/tables.hpp)."""
    import re
    text = open(os.path.join(src, "model/lockref/lock/kmb/tables.hpp")).read()
    order = text[text.index("using Commands = std::tuple<") + len("using Commands = std::tuple<"):]
    names = [w.strip() for w in order[:order.index(">;")].split(",")]
    mnem = {m.group(2): m.group(1) for m in re.finditer(r'LOCKREF_KMB_COMMAND\((\w+), \w+, "(\w+)"', text)}
    return names, mnem


for f in sorted(glob.glob(os.path.join(src, "vectors", "*.json"))):
    base = os.path.basename(f)
    doc = json.load(open(f))
    if base.startswith("tcg-level0") or base.startswith("tcg-sp02"):
        seeds["level0"].update(b for k, b in hexes(doc) if k == "hex")
    elif base.startswith("tcg-"):
        seeds["tcg"].update(b for k, b in hexes(doc) if k == "hex")
    elif base.startswith("kmip-"):
        seeds["kmip"].update(b for k, b in hexes(doc) if k == "hex")
    elif base.startswith("fwpkg-"):
        seeds["fwpkg"].update(b for k, b in hexes(doc) if k == "package_der")
    elif base == "lock-rev09-derivations.json":
        seeds["wrapped_key"].update(b for k, b in hexes(doc) if k in ("wrapped_key", "wrapped_mek"))
    elif base == "lock-sealed-access-key.json":
        seeds["sealed_access_key"].update(b for k, b in hexes(doc) if k == "bytes")
    elif base == "lock-rev09-mailbox.json":
        names, mnem = kmb_commands()
        for v in doc["vectors"]:
            reqs = v["request"].get("requests", [])
            resps = v.get("expect", {}).get("responses", [])
            for r in reqs:
                cmd = mnem.get(r.get("cmd"), r.get("cmd"))
                if cmd not in names:
                    continue
                idx = names.index(cmd)
                seeds["kmb"].add(bytes([(idx << 1) & 0xff]) + bytes.fromhex(r["payload"]))
            for r in resps:
                if isinstance(r, dict) and r.get("command") in names and isinstance(r.get("payload"), str):
                    idx = names.index(r["command"])
                    seeds["kmb"].add(bytes([((idx << 1) | 1) & 0xff]) + bytes.fromhex(r["payload"]))
for f in sorted(glob.glob(os.path.join(src, "tools", "examples", "*.jsonl"))):
    seeds["transcript"].add(open(f, "rb").read())
if lockref:
    r = subprocess.run([lockref, "corpus", "epoch", "--count", "40", "--seed", "1"], capture_output=True, timeout=60)
    if r.returncode == 0:
        seeds["transcript"].add(r.stdout)

bad = 0
for t, bs in sorted(seeds.items()):
    d = os.path.join(out, t)
    os.makedirs(d, exist_ok=True)
    for b in bs:
        open(os.path.join(d, hashlib.sha1(b).hexdigest()), "wb").write(b)
    print(f"seeds {t}: {len(bs)}")
    if not bs:
        print(f"seeds.py: no seed for target {t}", file=sys.stderr)
        bad = 1
sys.exit(bad)
