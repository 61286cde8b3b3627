#!/usr/bin/env python3
"""Independent oracle for opal.authenticate_sequence.

Re-implements, from the words of seed 000 ("Validation - Try Limits and Persistence
Settings") and its table, what a Seagate drive does with a sequence of authentication
attempts and power cycles on one credential, and compares lockref's answers on many random
sequences. Nothing here is taken from lockref's code.

  python3 test_opal_try_limits.py <lockref-binary> <source-dir>
"""
import json
import random
import subprocess
import sys

# The table: every credential class has the same row per firmware.
TABLE = {"seagate_se4sa530": (5, False), "seagate_sgebhg02": (100, True)}
CREDENTIALS = ["SID", "PSID", "Admin1", "Admin4", "AdminSP.Admin1", "AdminSP.Admin4", "User1", "User5", "User9"]


def expected(limit, persistent, attempts):
    tries, statuses = 0, []
    for a in attempts:
        if a == "power_cycle":
            # "If the counter does not persist through a power cycle, it will be reset to zero"
            if not persistent:
                tries = 0
            statuses.append("POWER_CYCLE")
        elif tries >= limit:
            # "once the Try Limit is reached, the drive will lock out all further authentication attempts"
            statuses.append("AUTHORITY_LOCKED_OUT")
        elif a["pin_ok"]:
            # "if a successful authentication is made at any time before the Try Limit is reached,
            # the counter is reset to zero"
            tries = 0
            statuses.append("SUCCESS")
        else:
            tries += 1
            statuses.append("NOT_AUTHORIZED")
    return statuses, tries


def main():
    lockref = sys.argv[1]
    rng = random.Random(0x0BA1)
    requests, wants = [], []
    for _ in range(300):
        profile = rng.choice(sorted(TABLE))
        limit, persistent = TABLE[profile]
        cred = rng.choice(CREDENTIALS)
        # bias towards failures so that both limits are reached
        n = rng.randint(0, 130 if limit == 100 else 20)
        attempts = []
        for _ in range(n):
            r = rng.random()
            attempts.append("power_cycle" if r < 0.05 else {"pin_ok": r < 0.08})
        requests.append({"op": "opal.authenticate_sequence", "profile": profile, "credential": cred,
                         "attempts": attempts})
        wants.append((limit, persistent) + expected(limit, persistent, attempts))
    out = subprocess.run([lockref, "eval"], input="\n".join(json.dumps(r) for r in requests) + "\n",
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert len(out) == len(requests), f"{len(out)} answers for {len(requests)} requests"
    bad = 0
    for req, line, (limit, persistent, statuses, tries) in zip(requests, out, wants):
        got = json.loads(line)
        ok = (got.get("ok") is True and got["statuses"] == statuses and got["final_tries"] == tries
              and got["try_limit"] == limit and got["persistent"] == persistent)
        if not ok:
            bad += 1
            if bad <= 3:
                print("MISMATCH", json.dumps(req)[:300], "\n  lockref:", line[:300],
                      "\n  oracle: ", statuses[-5:], tries)
    locked = sum(1 for w in wants if "AUTHORITY_LOCKED_OUT" in w[2])
    print(f"{len(requests)} sequences, {locked} reach a lockout, {bad} mismatches")
    assert locked > 20, "too few sequences reach the Try Limit to be a useful oracle"
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
