#!/usr/bin/env python3
"""Independent oracle for the OCP L.O.C.K. 0.9 encryption-engine CTRL register (seed 001
§4.7.1.2.4 Table 9, Tables 10-11, Figure 34), written from the seed's text without lockref's
code. It replays register-level transcripts with its own engine model and compares:

  1. every register-sequence vector in vectors/engine-ctrl.json: conforms / first deviating line;
  2. register corpora that `lockref corpus engine-regs` writes (strict and lenient engines,
     both CTRL write orders): every line must conform to this oracle.

Usage: test_engine_ctrl.py LOCKREF SRC_DIR
"""
import json
import subprocess
import sys

STRICT = dict(name="strict", capacity=4, replace_on_load=False, unload_absent_ok=False, xts_key_check=True,
              exe_write_keeps_cmd=False, done_while_busy="abort", fatal_clears_cache=False, init_ticks=1,
              latency=1, ack_latency=1, err_occupied=4, err_full=5, err_absent=6, err_reserved_cmd=7,
              err_xts_keys_equal=8)
LENIENT = dict(STRICT, name="lenient", capacity=16, replace_on_load=True, unload_absent_ok=True,
               exe_write_keeps_cmd=True, done_while_busy="ignore", latency=3, ack_latency=0, err_occupied=0xC,
               err_full=0xD, err_absent=0xE, err_reserved_cmd=0xF, err_xts_keys_equal=0xB)
SIZES = {"MEK": 64, "METD": 20, "AUX": 32}  # Table 5


def profile_of(p):
    if p is None:
        return dict(STRICT)
    if isinstance(p, str):
        return dict({"strict": STRICT, "lenient": LENIENT}[p])
    base = dict(profile_of(p.get("base", "strict")))
    base.update({k: v for k, v in p.items() if k != "base"})
    return base


# An engine state: (phase, rdy, err, cmd, done, exe, countdown, regs, cache)
#   regs  = (mek, metd, aux) as bytes;  cache = tuple(sorted((metd, aux, mek)))
def power_on(P):
    return ("init", 0, 0, 0, 0, 0, P["init_ticks"], (bytes(64), bytes(20), bytes(32)), ())


def ctrl_value(s):
    _, rdy, err, cmd, done, exe = s[:6]
    return (rdy << 31) | (err << 16) | (cmd << 2) | (done << 1) | exe


def run_command(P, cmd, regs, cache):
    mek, metd, aux = regs
    entries = {e[0]: e for e in cache}
    if cmd == 1:  # Table 11 load
        if P["xts_key_check"] and mek[:32] == mek[32:]:
            return P["err_xts_keys_equal"], cache
        if metd in entries:
            if not P["replace_on_load"]:
                return P["err_occupied"], cache
        elif len(entries) >= P["capacity"]:
            return P["err_full"], cache
        entries[metd] = (metd, aux, mek)
        return 0, tuple(sorted(entries.values()))
    if cmd == 2:  # unload
        if metd not in entries:
            return (0 if P["unload_absent_ok"] else P["err_absent"]), cache
        del entries[metd]
        return 0, tuple(sorted(entries.values()))
    if cmd == 3:  # zeroize
        return 0, ()
    return P["err_reserved_cmd"], cache  # 0h, 4h..Fh reserved


def tick(P, s):
    phase, rdy, err, cmd, done, exe, cnt, regs, cache = s
    if phase not in ("init", "exec", "reset"):
        return s
    cnt -= 1
    if cnt > 0:
        return (phase, rdy, err, cmd, done, exe, cnt, regs, cache)
    if phase == "init":  # "Encryption engine writes RDY=1"
        return ("ready", 1, 0, 0, 0, 0, 0, regs, cache)
    if phase == "exec":  # EXE 1->0, DONE 0->1, ERR populated, simultaneously
        e, cache = run_command(P, cmd, regs, cache)
        return ("done", 1, e, cmd, 1, 0, 0, regs, cache)
    return ("ready", 1, 0, 0, 0, 0, 0, regs, cache)  # reset for next command


def fatal(P, s):  # Figure 34: RDY=0 ERR=0 CMD=[code] DONE=0 EXE=0
    cache = () if P["fatal_clears_cache"] else s[8]
    return ("fatal", 0, 0, s[3], 0, 0, 0, s[7], cache)


def write_ctrl(P, s, v):
    phase, rdy, err, cmd, done, exe, cnt, regs, cache = s
    if not rdy:
        return s
    w_cmd, w_done, w_exe = (v >> 2) & 0xF, (v >> 1) & 1, v & 1
    if w_done:  # Table 9 DONE write
        if phase == "exec" and P["done_while_busy"] == "ignore":
            return s
        if phase == "reset":
            return s
        if phase == "done" and P["ack_latency"] > 0:
            return ("reset", 1, err, cmd, done, exe, P["ack_latency"], regs, cache)
        return ("ready", 1, 0, 0, 0, 0, 0, regs, cache)
    if phase != "ready":
        return s
    new_cmd = cmd if (w_exe and w_cmd == 0 and P["exe_write_keeps_cmd"]) else w_cmd
    if w_exe:
        return ("exec", 1, 0, new_cmd, 0, 1, P["latency"], regs, cache)
    return ("ready", 1, 0, new_cmd, 0, 0, 0, regs, cache)


def write_data(P, s, reg, off, data):
    if s[0] == "exec":
        return s
    mek, metd, aux = s[7]
    idx = ["MEK", "METD", "AUX"].index(reg)
    cur = bytearray([mek, metd, aux][idx])
    cur[off:off + len(data)] = data
    regs = [mek, metd, aux]
    regs[idx] = bytes(cur)
    return s[:7] + (tuple(regs),) + s[8:]


def closure(P, states):
    out = set()
    for s in states:
        for _ in range(P["init_ticks"] + P["latency"] + P["ack_latency"] + 3):
            out.add(s)
            out.add(fatal(P, s))
            n = tick(P, s)
            if n == s:
                break
            s = n
    return out


def replay(P, lines):
    """None if every access is explained, else the 1-based index of the first that is not."""
    cand = {power_on(P)}
    for i, a in enumerate(lines, 1):
        if "event" in a:
            if a["event"] == "power_cycle":
                cand = {power_on(P)}
            else:
                cand = {(tick if a["event"] == "tick" else fatal)(P, s) for s in closure(P, cand)}
            continue
        if "addr" in a:
            addr = int(a["addr"], 16) if isinstance(a["addr"], str) else a["addr"]
            reg, off = ("MEK", addr) if addr < 0x40 else ("METD", addr - 0x40) if addr < 0x54 else \
                ("AUX", addr - 0x60) if 0x60 <= addr < 0x80 else ("CTRL", 0)
        else:
            reg, off = a["reg"], a.get("offset", 0)
        cand = closure(P, cand)
        if reg == "CTRL":
            v = int(a["value"].replace("_", ""), 16) if isinstance(a["value"], str) else a["value"]
            if a["op"] == "write":
                cand = {write_ctrl(P, s, v) for s in cand}
            else:
                cand = {s for s in cand if ctrl_value(s) == v}
        else:
            data = bytes.fromhex(a["data"])
            if off + len(data) > SIZES[reg] or not data:
                return i
            if a["op"] == "write":
                cand = {write_data(P, s, reg, off, data) for s in cand}
            else:
                def readback(s):
                    if reg == "MEK":
                        return bytes(64)[off:off + len(data)]  # WO: never the key
                    return s[7][["MEK", "METD", "AUX"].index(reg)][off:off + len(data)]
                cand = {s for s in cand if readback(s) == data}
        if not cand:
            return i
    return None


def main():
    lockref, src = sys.argv[1], sys.argv[2]
    failures = 0
    checked = 0
    vec = json.load(open(f"{src}/vectors/engine-ctrl.json"))
    for v in vec["vectors"]:
        req = v["request"]
        if req.get("op") != "engine.regs_check":
            continue
        checked += 1
        got = replay(profile_of(req.get("profile")), req["transcript"])
        want_ok = v["expect"]["conforms"]
        ok = (got is None) == want_ok and (want_ok or got == v["expect"]["line"])
        if not ok:
            failures += 1
            print(f"FAIL vector {v['id']}: oracle says {'conforms' if got is None else 'deviates at line %d' % got}")
    print(f"{checked} register vectors replayed")
    for engine in ("strict", "lenient"):
        for order in ("together", "two-step"):
            for seed in (1, 2, 3):
                out = subprocess.run([lockref, "corpus", "engine-regs", "--engine", engine, "--kmb-ctrl", order,
                                      "--seed", str(seed), "--count", "1500"], capture_output=True, text=True, check=True)
                rows = [json.loads(l) for l in out.stdout.splitlines() if l.strip()]
                header, lines = rows[0], rows[1:]
                P = profile_of(header["profile"])
                got = replay(P, lines)
                checked += 1
                if got is not None:
                    failures += 1
                    print(f"FAIL corpus {engine}/{order}/seed {seed}: oracle rejects line {got + 1}: {json.dumps(lines[got - 1])}")
    print(f"{checked} transcripts checked, {failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
