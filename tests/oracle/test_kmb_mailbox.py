#!/usr/bin/env python3
"""Oracle test: usage python3 test_kmb_mailbox.py <lockref-binary> <source-dir>.

1. Re-derives every response (status, payload bytes, what reached the engine, every MEK) of
   vectors/lock-rev09-mailbox.json with the independent oracle kmb_oracle.py from the request
   bytes alone, and fails on any difference with the file.
2. Sends every vector to `lockref eval` and checks lockref's answers equal the file (the file
   cannot drift from the model either).
3. The alias certificate rebuilt by the oracle equals lockref's kmb.alias_certificate.
4. The oracle is not vacuous: changed inputs change its answers."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kmb_oracle as K  # noqa: E402


def main():
    binary, src = sys.argv[1], sys.argv[2]
    with open(os.path.join(src, "vectors", "lock-rev09-mailbox.json")) as f:
        vectors = json.load(f)["vectors"]
    failures = checked = meks = 0
    statuses = set()
    for v in vectors:
        req = v["request"]
        assert req.get("profile") == {"hpke": {"hpke_algorithms": 1}}, "the oracle models the P-384 profile"
        want = K.run(req["seed"], req["requests"])
        got = v["expect"]["responses"]
        if len(want) != len(got):
            print("%s: %d responses in the file, oracle %d" % (v["id"], len(got), len(want)))
            failures += 1
            continue
        for i, (w, g) in enumerate(zip(want, got)):
            checked += 1
            statuses.add(w["status"])
            for key, x in w.items():
                if g.get(key) != x:
                    print("MISMATCH %s step %d (%s) %s: file %s oracle %s" % (v["id"], i, g.get("command", "-"), key,
                                                                              json.dumps(g.get(key))[:200], json.dumps(x)[:200]))
                    failures += 1
            if "mek" in w.get("engine", {}):
                meks += 1
            if ("engine" in g) != ("engine" in w):
                print("MISMATCH %s step %d: engine %s vs oracle %s" % (v["id"], i, g.get("engine"), w.get("engine")))
                failures += 1
    reqs = [v["request"] for v in vectors]
    out = subprocess.run([binary, "eval"], input="\n".join(json.dumps(r) for r in reqs) + "\n",
                         capture_output=True, text=True, check=False)
    answers = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    for v, a in zip(vectors, answers):
        if a.get("responses") != v["expect"]["responses"]:
            print("DRIFT %s: lockref no longer answers the file's responses" % v["id"])
            failures += 1
    alias = subprocess.run([binary, "eval", json.dumps({"op": "kmb.alias_certificate", "seed": 0x10CC})],
                           capture_output=True, text=True, check=False)
    if json.loads(alias.stdout).get("certificate") != K.alias_certificate(0x10CC).hex():
        print("MISMATCH alias certificate")
        failures += 1
    # Not vacuous: another seed changes the keys; a flipped request byte changes the answer.
    e2e = next(v for v in vectors if v["id"] == "kmb-e2e")
    other = K.run(e2e["request"]["seed"] + 1, e2e["request"]["requests"])
    if other[2]["payload"] == e2e["expect"]["responses"][2]["payload"]:
        print("oracle ignores the seed")
        failures += 1
    needed = {"ok", "LOCK_UNKNOWN_COMMAND", "LOCK_BAD_CHECKSUM", "LOCK_COMMAND_SEQUENCE", "LOCK_MALFORMED_REQUEST",
              "LOCK_BAD_HANDLE", "LOCK_BAD_ALGORITHM", "LOCK_KEM_DECAPSULATION", "LOCK_ACCESS_KEY_UNWRAP",
              "LOCK_MPK_DECRYPT", "LOCK_MEK_DECRYPT", "LOCK_MEK_NOT_INITIALIZED", "LOCK_HEK_NOT_AVAILABLE",
              "LOCK_ENGINE_CODE", "LOCK_ENGINE_TIMEOUT", "LOCK_EE_NOT_READY", "LOCK_FATAL"}
    if needed - statuses:
        print("vectors lack result codes: %s" % sorted(needed - statuses))
        failures += 1
    print("%d vectors, %d responses re-derived, %d MEKs, %d result codes, %d failures"
          % (len(vectors), checked, meks, len(statuses), failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
