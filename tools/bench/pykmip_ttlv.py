#!/usr/bin/env python3
"""PyKMIP (Debian python3-pykmip) decoding and encoding the TTLV messages bench_wire measures:
every "hex" capture of vectors/kmip-seed002.json, with the PyKMIP-primitive codec of
tests/oracle/test_pykmip.py (PyKMIP's message classes reject these Key Per I/O messages, so
the generic walk over its primitives is the like-for-like comparison with lockref's generic
TTLV codec). Prints messages per second for decode and encode (best of 5 runs of >= 1 s of CPU time, as Google Benchmark reports CPU time).

usage: pykmip_ttlv.py [SRC_DIR]
"""
import json
import os
import sys
import time

src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
sys.path.insert(0, os.path.join(src, "tests", "oracle"))
import test_pykmip as pk  # noqa: E402  (the oracle's PyKMIP codec; its main() does not run)


def hexes(node, key=None):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from hexes(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from hexes(v, key)
    elif isinstance(node, str) and key == "hex":
        yield node


msgs = [bytes.fromhex(h) for h in sorted(set(hexes(json.load(open(os.path.join(src, "vectors", "kmip-seed002.json"))))))]
nodes = []
for m in msgs:
    node, end = pk.pk_decode(m)
    assert end == len(m) and pk.pk_encode(node) == m, "PyKMIP does not round-trip a seed message"
    nodes.append(node)


def rate(f):
    best = 0.0
    for _ in range(5):
        n, t0 = 0, time.process_time()
        while time.process_time() - t0 < 1.0:
            f()
            n += len(msgs)
        best = max(best, n / (time.process_time() - t0))
    return best


print(f"messages: {len(msgs)} ({sum(map(len, msgs))} bytes)")
print(f"pykmip decode: {rate(lambda: [pk.pk_decode(m) for m in msgs]):.0f} messages/s")
print(f"pykmip encode: {rate(lambda: [pk.pk_encode(n) for n in nodes]):.0f} messages/s")
