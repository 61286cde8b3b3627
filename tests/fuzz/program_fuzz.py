#!/usr/bin/env python3
"""Fuzz test of the lockref program itself (ctest "fuzz: program").

Mutates inputs derived from vectors/ and tools/examples/ (and corpora the program writes
for its own machines) and feeds them to the real program — the ASan+UBSan build when ctest
runs in the asan preset (tools/test.sh runs it there only with LOCKREF_ASAN_ALL=1; else in
the default preset, uninstrumented: crashes, assertion failures, hangs, wrong exit codes):

  * eval requests: every eval-shaped vector request, mutated structurally (a field of
    another type, a huge or negative number, non-ASCII or non-hex text, deep nesting, a
    missing or unknown field) or byte-wise (flips, NUL, invalid UTF-8, truncation), a few
    thousand lines through a few long-lived `lockref eval` processes;
  * transcripts: tools/examples/*.jsonl and corpora of epoch, opal, engine, engine-regs, kmb and drive, one
    mutation each (a line dropped, duplicated, broken, a value changed), through `lockref
    check`, some also with --verbose/--quiet (the verdict must not change);
  * captures: every hex capture in the TCG, KMIP and Level 0 vectors and every KMB mailbox
    payload (decoded with its --cmd), mutated (bytes, length fields set to 0xFFFFFFFF,
    truncation, deep nesting), through `lockref decode` as a binary file, hex text or an
    xxd / hexdump -C dump.

Asserts: no crash, no sanitizer report, no hang (a timeout per run); eval answers one JSON
line {"ok": bool, ...} per request, {"ok": false} for every request that is not JSON, exit 1
iff a request failed; check and decode exit 0, 1 or 2 with the matching output, and exit 2
for a transcript with a line that is not a JSON object. Deterministic (seed 10);
LOCKREF_DEEP=1 runs ten times as many cases.

Usage: program_fuzz.py LOCKREF SRC_DIR
"""
import concurrent.futures
import json
import os
import random
import subprocess
import sys
import tempfile
import time

L, SRC = sys.argv[1], sys.argv[2]
SCALE = 10 if os.environ.get("LOCKREF_DEEP") == "1" else 1
N_EVAL = 3000 * SCALE
N_CHECK = 200 * SCALE
N_DECODE = 200 * SCALE
rng = random.Random(int(os.environ.get("LOCKREF_FUZZ_SEED", "10")))
SANITIZER = ("AddressSanitizer", "UndefinedBehaviorSanitizer", "LeakSanitizer", "runtime error:",
             "terminate called", "internal error", "Segmentation fault")
failures = []
started = time.monotonic()


def fail(what, detail):
    failures.append(f"{what}: {detail}")


def run(args, stdin=None, timeout=60):
    try:
        return subprocess.run([L] + args, input=stdin, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None


def sane(p, what):
    """No hang, no crash (signal), no sanitizer report. Returns p or None."""
    if p is None:
        fail(what, "hung (timeout)")
        return None
    err = p.stderr.decode("utf-8", "replace")
    if p.returncode < 0:
        fail(what, f"killed by signal {-p.returncode}: {err[-600:]}")
        return None
    for s in SANITIZER:
        if s in err:
            fail(what, f"{s}: {err[-1200:]}")
            return None
    return p


def statused(args, what, stdout_has):
    """Runs a command that must exit 0, 1 or 2: 2 with "lockref CMD:" on stderr, 0 and 1
    with one of stdout_has[status] on stdout. Returns the process, or None after a failure."""
    p = sane(run(args, timeout=60), what)
    if p is None:
        return None
    out, err = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    if p.returncode not in (0, 1, 2):
        fail(what, f"exit {p.returncode}")
    elif p.returncode == 2 and not err.startswith(f"lockref {args[0]}:"):
        fail(what, f"exit 2 without a message: {err[:200]!r}")
    elif p.returncode in stdout_has and not any(w in out for w in stdout_has[p.returncode]):
        fail(what, f"exit {p.returncode} without any of {stdout_has[p.returncode]} on stdout")
    else:
        return p
    return None


# ---- seeds -----------------------------------------------------------------------------------
requests, captures, kmb_captures = [], [], []
vdir = os.path.join(SRC, "vectors")
for name in sorted(os.listdir(vdir)):
    if not name.endswith(".json"):
        continue
    with open(os.path.join(vdir, name)) as f:
        doc = json.load(f)
    for v in doc.get("vectors", []):
        if isinstance(v, dict) and isinstance(v.get("request"), dict):
            requests.append(v["request"])
            for side in ("request", "expect"):
                h = v.get(side, {}).get("hex") if isinstance(v.get(side), dict) else None
                if isinstance(h, str) and 8 <= len(h) <= 20000:
                    try:
                        captures.append(bytes.fromhex(h))
                    except ValueError:
                        pass
            # KMB mailbox payloads carry no command code: decode takes it from --cmd.
            for r in v["request"].get("requests", []) if v["request"].get("op") == "kmb.mailbox" else []:
                if isinstance(r, dict) and isinstance(r.get("cmd"), str) and isinstance(r.get("payload"), str):
                    try:
                        kmb_captures.append((r["cmd"], bytes.fromhex(r["payload"])))
                    except ValueError:
                        pass
assert requests and captures and kmb_captures, "no seeds found under vectors/"

tmp = tempfile.mkdtemp(prefix="lockref-fuzz-")
transcripts = []
edir = os.path.join(SRC, "tools", "examples")
for name in sorted(os.listdir(edir)):
    if name.endswith(".jsonl"):
        with open(os.path.join(edir, name), "rb") as f:
            transcripts.append(f.read())
for args in (["epoch", "--slots", "6", "--count", "60"], ["opal", "--scope", "all", "--users", "1", "--count", "25"],
             ["engine-regs", "--count", "80"], ["engine", "--count", "40"], ["kmb", "--count", "30"],
             ["drive", "--count", "30"]):
    p = sane(run(["corpus"] + args + ["--seed", "3"]), "corpus " + args[0])
    if p is not None and p.returncode == 0:
        transcripts.append(p.stdout)


# ---- mutators --------------------------------------------------------------------------------
def odd_value():
    return rng.choice([
        "é…", "zz", "0x", "", "00" * 3 + "g", "\u0000", "\ud7ff\ue000", -1, 2 ** 64, 2 ** 70, -2 ** 63 - 1, 1.5, 1e308,
        True, None, [], {}, [[[[[]]]]], {"type": "nope"}, "x" * 5000, "ff" * 3000, 0, 4294967295, "0xffffffff",
        json.loads("[" * 300 + "]" * 300) if rng.random() < 0.1 else [1, "a"],
    ])


def paths(v, prefix=()):
    yield prefix
    if isinstance(v, dict):
        for k, x in v.items():
            yield from paths(x, prefix + (k,))
    elif isinstance(v, list):
        for i, x in enumerate(v[:8]):
            yield from paths(x, prefix + (i,))


def mutate_json(v):
    v = json.loads(json.dumps(v))
    ps = [p for p in paths(v) if p]
    if not ps:
        return odd_value()
    p = rng.choice(ps)
    parent = v
    for k in p[:-1]:
        parent = parent[k]
    k = p[-1]
    r = rng.random()
    if r < 0.5:
        parent[k] = odd_value()
    elif r < 0.65 and isinstance(parent, dict):
        del parent[k]
    elif r < 0.75 and isinstance(parent, dict):
        parent["unknown_" + str(rng.randrange(99))] = odd_value()
    elif isinstance(parent[k], str) and parent[k]:  # hex-ish strings: cut, odd, a foreign character
        s = parent[k]
        i = rng.randrange(len(s))
        parent[k] = rng.choice([s[:i], s + "0", s[:i] + rng.choice("gZ é…\u00ff") + s[i:], s.upper()])
    else:
        parent[k] = odd_value()
    return v


def mutate_bytes(b, newline_ok=True):
    b = bytearray(b)
    for _ in range(rng.randint(1, 4)):
        r = rng.random()
        i = rng.randrange(len(b) + 1)
        if r < 0.3 and b:
            b[min(i, len(b) - 1)] ^= 1 << rng.randrange(8)
        elif r < 0.55:
            b[i:i] = bytes([rng.choice([0x00, 0xFF, 0xC3, 0xE2, 0x80, 0x7F, 0x22, 0x5C, 0x5B, 0x7B])])
        elif r < 0.75:
            del b[i:i + rng.randint(1, 16)]
        elif r < 0.9:
            b[i:i] = b[i:i + rng.randint(1, 32)]
        else:
            del b[i:]
    if not newline_ok:
        b = bytes(b).replace(b"\n", b" ").replace(b"\r", b" ")
    return bytes(b)


# ---- 1. eval ---------------------------------------------------------------------------------
def eval_case():
    base = rng.choice(requests)
    if rng.random() < 0.7:
        return json.dumps(mutate_json(base), ensure_ascii=rng.random() < 0.5).encode()
    return mutate_bytes(json.dumps(base).encode(), newline_ok=False)


lines = [eval_case() for _ in range(N_EVAL)]


def eval_batch(batch):
    p = sane(run(["eval"], stdin=b"\n".join(batch) + b"\n", timeout=300), "eval batch")
    if p is None:
        return
    sent = [l for l in batch if l.strip(b" \t\r")]
    got = p.stdout.decode("utf-8", "replace").splitlines()
    if len(got) != len(sent):
        fail("eval", f"{len(sent)} requests, {len(got)} answers")
        return
    any_failed = False
    for req, ans in zip(sent, got):
        try:
            a = json.loads(ans)
        except ValueError:
            fail("eval", f"answer is not JSON: {ans[:200]!r}")
            continue
        if not isinstance(a, dict) or not isinstance(a.get("ok"), bool):
            fail("eval", f"answer without a boolean ok: {ans[:200]!r}")
            continue
        any_failed |= not a["ok"]
        if not a["ok"] and not isinstance(a.get("error"), str):
            fail("eval", f"ok:false without an error string: {ans[:200]!r}")
        try:
            valid = isinstance(json.loads(req.decode("utf-8")), dict)
        except (ValueError, UnicodeDecodeError):
            valid = False
        if not valid and a["ok"]:
            fail("eval", f"a malformed request answered ok: {req[:200]!r}")
    if p.returncode != (1 if any_failed else 0):
        fail("eval", f"exit {p.returncode} with{'' if any_failed else 'out'} a failed request")


# ---- 2. check --------------------------------------------------------------------------------
def check_case(i):
    text = rng.choice(transcripts)
    ls = text.split(b"\n")
    while ls and not ls[-1]:
        ls.pop()
    r = rng.random()
    broken = False
    if r < 0.15 and len(ls) > 2:
        del ls[rng.randrange(1, len(ls))]
    elif r < 0.25 and ls:
        k = rng.randrange(len(ls))
        ls.insert(k, ls[k])
    elif r < 0.6 and ls:
        k = rng.randrange(len(ls))
        try:
            ls[k] = json.dumps(mutate_json(json.loads(ls[k]))).encode()
        except ValueError:
            pass
    else:
        k = rng.randrange(len(ls)) if ls else 0
        if ls:
            ls[k] = mutate_bytes(ls[k], newline_ok=False)
    for l in ls:  # a non-blank line that is not a JSON object makes the transcript unusable
        if l.strip(b" \t\r"):
            try:
                if not isinstance(json.loads(l.decode("utf-8")), dict):
                    broken = True
            except (ValueError, UnicodeDecodeError):
                broken = True
    path = os.path.join(tmp, f"t{i}.jsonl")
    with open(path, "wb") as f:
        f.write(b"\n".join(ls) + b"\n")
    extra = rng.choice([[], [], ["--machine", "engine-regs"], ["--slots", "6"], ["--engine", "lenient"]])
    p = statused(["check", path] + extra, f"check t{i}", {0: ("conform",), 1: ("DIVERGENCE", "DEVIATION")})
    if p is None:
        return
    out = p.stdout.decode("utf-8", "replace")
    if broken and p.returncode != 2 and not extra and "DIVERGENCE" not in out and "DEVIATION" not in out:
        fail(f"check t{i}", f"a line is not a JSON object, but exit {p.returncode}")
    if i % 5 == 0:  # the verdict does not depend on options that do not define the model
        for flag in ("--verbose", "--quiet"):
            q = sane(run(["check", path, flag] + extra, timeout=60), f"check t{i} {flag}")
            if q is not None and q.returncode != p.returncode:
                fail(f"check t{i} {flag}", f"exit {q.returncode}, without it {p.returncode}")


# ---- 3. decode -------------------------------------------------------------------------------
def xxd(b):
    out = []
    for o in range(0, len(b), 16):
        row = b[o:o + 16]
        hx = " ".join(row[k:k + 2].hex() for k in range(0, len(row), 2))
        out.append(f"{o:08x}: {hx:<39}  " + "".join(chr(c) if 32 <= c < 127 else "." for c in row))
    return ("\n".join(out) + "\n").encode()


def hexdump_c(b):
    out = []
    for o in range(0, len(b), 16):
        row = b[o:o + 16]
        h = " ".join(f"{c:02x}" for c in row[:8]) + "  " + " ".join(f"{c:02x}" for c in row[8:])
        out.append(f"{o:08x}  {h:<48}  |" + "".join(chr(c) if 32 <= c < 127 else "." for c in row) + "|")
    out.append(f"{len(b):08x}")
    return ("\n".join(out) + "\n").encode()


def decode_case(i):
    kmb = rng.random() < 0.2
    cmd, b = rng.choice(kmb_captures) if kmb else (None, rng.choice(captures))
    b = bytearray(b)
    r = rng.random()
    if r < 0.5:
        b = bytearray(mutate_bytes(bytes(b)))
    elif r < 0.65 and len(b) >= 20:
        k = rng.choice([0, 4, 16, 20, 40, 52])
        b[k:k + 4] = b"\xff\xff\xff\xff"
    elif r < 0.75:
        d = rng.randint(30, 3000)
        b = bytearray(b"\xf0" * d + b"\xf1" * rng.randint(0, d))
    elif r < 0.85:
        b = b[:rng.randrange(len(b) + 1)]
    path = os.path.join(tmp, f"c{i}")
    how = rng.random()
    args = ["decode"]
    if how < 0.45:
        data, args = bytes(b), args + ["--file", path, "--binary"]
    elif how < 0.65:
        data, args = xxd(bytes(b)), args + ["--file", path]
    elif how < 0.8:
        data, args = hexdump_c(bytes(b)), args + ["--file", path]
    elif how < 0.9:
        data, args = mutate_bytes(xxd(bytes(b))), args + ["--file", path]
    else:
        data, args = None, args + [bytes(b).hex()]
    if data is not None:
        with open(path, "wb") as f:
            f.write(data)
    if kmb:  # a KMB mailbox request or response (its command from --cmd; a wrong one now and then)
        args += ["--cmd", cmd if rng.random() < 0.8 else rng.choice(["GALG", "0x47414c47", "NOPE", "0xffffffff", "é"]),
                 "--direction", rng.choice(["request", "response"])]
    elif rng.random() < 0.2:
        args += ["--as", rng.choice(["compacket", "sp3", "ttlv", "tokens", "level0"])]
    p = statused(args, f"decode c{i} {args[1:3]}", {1: ("error:",)})
    if p is None:
        return
    out = p.stdout.decode("utf-8", "replace")
    if len(out) > 200 * len(b) + 10000:
        fail(f"decode c{i}", f"{len(out)} bytes of output for {len(b)} bytes of input")


with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
    jobs = [pool.submit(eval_batch, lines[k:k + 1000]) for k in range(0, len(lines), 1000)]
    jobs += [pool.submit(check_case, i) for i in range(N_CHECK)]
    jobs += [pool.submit(decode_case, i) for i in range(N_DECODE)]
    for j in jobs:
        j.result()

print(f"program fuzz: {N_EVAL} eval requests, {N_CHECK} transcripts, {N_DECODE} captures "
      f"in {time.monotonic() - started:.0f} s; {len(failures)} failure(s)")
for f in failures[:30]:
    print("FAIL", f)
sys.exit(1 if failures else 0)
