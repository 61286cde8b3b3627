#!/usr/bin/env python3
"""Mutation testing of the model: how many deliberately broken models do the tests catch?

    python3 tools/mutate.py [--build build/default] [--seed 1] [--per-domain 60 | --all]
                            [--domains lock,engine] [--files GLOB] [--textual-per-domain 4]
                            [--jobs 1] [--json FILE] [--report FILE] [--list]
    python3 tools/mutate.py --sample 20 --build build/default       (the ctest sample)
    python3 tools/mutate.py --budget 2100 --json run.json ...        (a bounded run: see below)
    python3 tools/mutate.py --from-json run.json                     (its table, equivalents applied)
    python3 tools/mutate.py --from-json run-c.json,run-d.json        (run C's mutants, run D's verdicts where it re-ran them)
    python3 tools/mutate.py --from-json a.json,b.json --current --domains lock
                                                     (today's mutants, the latest verdict of any run)

A mutant is one small change to a header under model/: a relational operator negated or
relaxed (== !=, < <=, > >=), && and || swapped, + and - swapped, an integer bound moved by
one, true/false flipped, a whole condition negated (swapped branches) or made false (a
dropped guard), a statement dropped, a result code or a requirement id replaced by another
one of the same file, a constant of a data table changed. The unit, vector and property
suites (the lockref-tests and lockref-properties binaries) run against each mutant; one
that passes them meets the command-line and oracle tests next (tests/cli/*.sh but the npm
interop, libFuzzer and coverage ones, tests/oracle/test_*.py) against the mutant `lockref`
(not in --sample). A mutant is killed when a test fails, survives when all pass, and times
out when they run past the limit (an infinite loop is a detection too).

How a mutant is built, without touching the tree or its build:
  - Mutants of runtime code (conditions, return expressions, statements) are compiled as
    mutant schemata: a copy of the header in a scratch overlay directory carries every
    selected mutant of that header, each behind a switch read from $LOCKREF_MUTANT
    (`(lockref_mutant(7) ? (a <= b) : (a < b))`); with the switch unset the copy behaves
    as the original. Only the translation units that include the header (from the build's
    dependency files) are recompiled, with the overlay first on the include path and the
    build's own flags; both test binaries are relinked from the build's other objects.
    One build then serves every mutant of the header: each run sets LOCKREF_MUTANT.
  - Mutants of constant data (tables, defaults: not evaluable at run time) are textual: the
    overlay copy holds the one change, and each is built the same way on its own (so only
    of headers that at most 8 translation units include, --textual-per-domain per domain).
  - A schemata copy that does not compile (a mutant that is not valid C++, e.g. a type
    mismatch) loses the mutants on the offending lines, which are reported as not built.
  - Two stages (--no-stages: one): a header's group first recompiles only its related
    units (tests/ and properties/ sources, and the tools/lockref/ops_* eval operations,
    whose name shares a word with the header's path, or that include the header or its
    folder's umbrella header by name: tests/test_kpio.cpp,
    tests/test_mutants_kpio.cpp, properties/kpio_properties.cpp and ops_kpio.cpp for
    kpio/key_wrap.hpp) and links the programs without the other units that include the
    header (every copy of the header in them is the mutant's); each mutant runs the
    related sources' test cases alone (doctest --source-file). Their baseline (no mutant)
    must pass there: a source whose test fails with no mutant active (it needs an eval
    operation of a unit left out) is left out of stage 1, and when that leaves nothing
    every mutant goes to stage 2; a mutant a test then fails on is killed. When the programs
    do not link without the units left out (an object needs what one of them defines, e.g.
    the command-line registry), that object is left out of stage 1 too and the link retried. Only the
    survivors of stage 1 meet stage 2: the other units compiled with the same overlay, the
    whole programs, every suite, as above. Most mutants die in stage 1, so a header that
    most units include (core/, engine/) is rebuilt in full only when one of its mutants
    survives its own tests. (A stage-1 kill is a failure in a program that
    lacks the unrelated units, e.g. their eval operations; a test that passes there with
    no mutant, and fails with one, is counted as a detection.)
  - Stage 2 (and a --no-stages run) first maps reach: every test case of the whole unit and
    property suites runs alone with no mutant active, recording which switches it evaluates
    (LOCKREF_MUTANT_TRACE); that pass is the baseline, each test case must pass. A mutant then
    meets only the test cases that reach it (doctest --test-case=): one that never evaluates
    the mutant's switch runs exactly as without the mutant, since the suites are deterministic
    (RapidCheck's seed is fixed). A mutant no test case reaches survives without a run ("no
    test case reaches it"). A survivor costs its reaching tests, not the whole suites: this
    is what makes stage 2 of a header with hundreds of stage-1 survivors affordable.
    --no-select runs the whole suites instead. The command-line and oracle tier (not
    --unit-only) still runs whole for every unit survivor. Where a test case is not
    deterministic (it draws from the OS's randomness), a mutant it would reach only on
    another run can be reported surviving: the map errs toward survivors, never toward kills.
Mutants are chosen deterministically (functions named in EXCLUDED_FUNCTIONS, the
explorer's input alphabet, are left out): every site is enumerated in file order, and a
random.Random(seed) sample of --per-domain mutants is taken per domain (folder under
model/lockref/). Mutant ids are stable across unrelated edits: file, a digest of the
mutated line's text, operator and position in the line.

spec/mutation/equivalent.json lists mutants shown equivalent (no test can tell them from
the original), each with the reason; they are reported apart and not counted as
survivors (one that survives stage 1 is reported so there: stage 2 would rebuild every unit
that includes its header for a verdict the list already gives). --sample N (the ctest test
"mutation: sample") takes N of the runtime mutants that --all would run, drawn with the
seed from the cheapest header group (fewest translation units, at most six; --domains
narrows the choice) that holds N, builds them as one schemata build and exits 1 when one
survives that is not listed as equivalent.

--budget SECONDS bounds a run on a busy machine: no header group is started after half
that time, and the mutants of the groups not started are reported as "not run" (never as
killed). The groups are then taken round-robin over the domains (the cheapest group of
each domain, then the second cheapest, ...), so every domain gets a measured sample of its
cheaper headers. Stage 2 waits until every group started has had its stage 1, and then
runs group by group, fewest units left to build first, while the budget lasts (none
that the mean compile time so far says would end after it); the stage-1 survivors of the
groups whose stage 2 the budget leaves out are "unsettled". The table's score counts only the
mutants that ran, an unsettled one as not detected (so the score is a lower bound).
"""
import argparse
import concurrent.futures
import fnmatch
import glob
import hashlib
import json
import os
import random
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MODEL = os.path.join(ROOT, "model")

SCHEMATA_HEADER = """// Written by tools/mutate.py: the switch of the mutant schemata.
#pragma once
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <type_traits>
namespace lockref_mutation {
inline int selected() {
  static const int k = [] { const char* e = std::getenv("LOCKREF_MUTANT"); return e ? std::atoi(e) : -1; }();
  return k;
}
// With LOCKREF_MUTANT_TRACE=FILE, the switches a run evaluates (the mutants it reaches)
// are written to FILE at exit, one number a line: the reach map of stage 2.
inline constexpr int capacity = @CAPACITY@;
struct Trace {
  const char* path = std::getenv("LOCKREF_MUTANT_TRACE");
  std::atomic<bool> hit[capacity + 1] = {};
  ~Trace() {
    if (!path) return;
    if (std::FILE* f = std::fopen(path, "w")) {
      for (int k = 0; k <= capacity; ++k)
        if (hit[k].load(std::memory_order_relaxed)) std::fprintf(f, "%d\\n", k);
      std::fclose(f);
    }
  }
};
inline void reached(int k) {
  static Trace t;
  if (t.path && k >= 0 && k <= capacity) t.hit[k].store(true, std::memory_order_relaxed);
}
constexpr bool on(int k) {
  if (std::is_constant_evaluated()) return false;
  reached(k);
  return selected() == k;
}
}  // namespace lockref_mutation
"""

KEYWORDS = {"return", "if", "for", "while", "switch", "case", "default", "break", "continue", "goto", "using",
            "typedef", "static_assert", "throw", "delete", "new", "auto", "const", "static", "inline", "constexpr",
            "template", "typename", "struct", "class", "enum", "namespace", "friend", "public", "private",
            "protected", "else", "do", "try", "catch", "co_return", "co_await", "requires", "concept", "explicit",
            "operator", "virtual", "override", "mutable", "volatile", "extern", "consteval", "constinit", "sizeof"}


# ---- reading C++ well enough ------------------------------------------------------------

def mask_code(text):
    """The text with comments, the contents of string and character literals and
    preprocessor lines blanked out (same length, newlines kept), and the string
    literals found: [(start, end)] including the quotes."""
    out = list(text)
    strings = []
    i, n = 0, len(text)
    line_start = True
    while i < n:
        c = text[i]
        if line_start and c == "#":
            j = i
            while j < n and text[j] != "\n":
                if text[j] == "\\" and j + 1 < n and text[j + 1] == "\n":
                    j += 1
                j += 1
            for k in range(i, j):
                if out[k] != "\n":
                    out[k] = " "
            i = j
            continue
        if c in " \t":
            i += 1
            continue
        line_start = c == "\n"
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            for k in range(i, j):
                out[k] = " "
            i = j
            continue
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            for k in range(i, j):
                if out[k] != "\n":
                    out[k] = " "
            i = j
            continue
        if c == 'R' and text.startswith('R"', i):
            m = re.match(r'R"([^(]*)\(', text[i:])
            if m:
                end = text.find(")" + m.group(1) + '"', i)
                end = n if end < 0 else end + len(m.group(1)) + 2
                for k in range(i + 1, end - 1):
                    if out[k] != "\n":
                        out[k] = " "
                strings.append((i + 1, end))
                i = end
                continue
        if c in "\"'":
            if c == "'" and i > 0 and (text[i - 1].isalnum()):  # digit separator 1'000
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != c:
                if text[j] == "\\":
                    j += 1
                j += 1
            for k in range(i + 1, min(j, n)):
                out[k] = " "
            if c == '"':
                strings.append((i, j + 1))
            i = j + 1
            continue
        i += 1
    return "".join(out), strings


def match_close(mask, i, open_="(", close=")"):
    depth = 0
    for j in range(i, len(mask)):
        if mask[j] == open_:
            depth += 1
        elif mask[j] == close:
            depth -= 1
            if depth == 0:
                return j
    return -1


def statement_end(mask, i):
    """Index of the ';' that ends the statement starting at i (depth 0), or -1."""
    depth = 0
    for j in range(i, len(mask)):
        ch = mask[j]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth < 0:
                return -1
        elif ch == ";" and depth == 0:
            return j
    return -1


# ---- mutation operators --------------------------------------------------------------------

RELATIONAL = {"==": ["!="], "!=": ["=="], "<": ["<="], "<=": ["<"], ">": [">="], ">=": [">"]}


def sub_mutants(text, mask, base, in_condition, codes, rules):
    """Operator-level mutants inside [base, base+len(text)): (offset, old, new, op).
    Nothing inside make_error(...): the words of an error message are not behaviour."""
    out = []
    for m in re.finditer(r"\bmake_error\s*\(", mask):
        c = match_close(mask, m.end() - 1)
        if c > 0:
            mask = mask[:m.end()] + " " * (c - m.end()) + mask[c:]
            text = text[:m.end()] + " " * (c - m.end()) + text[c:]
    for m in re.finditer(r"(?<=\s)(==|!=|<=|>=|<|>)(?=\s)", mask):
        for new in RELATIONAL[m.group(1)]:
            out.append((m.start(), m.group(1), new, "relational"))
    for m in re.finditer(r"(?<=\s)(&&|\|\|)(?=\s)", mask):
        out.append((m.start(), m.group(1), "||" if m.group(1) == "&&" else "&&", "logical"))
    if '"' not in text:  # + in an expression with a string literal builds a string
        for m in re.finditer(r"(?<=\s)([+-])(?=\s)", mask):
            out.append((m.start(), m.group(1), "-" if m.group(1) == "+" else "+", "arithmetic"))
    for m in re.finditer(r"(?<![\w.])(0[xX][0-9A-Fa-f']+|\d[\d']*)([uUlL]*)(?![\w.])", mask):
        lit, suf = m.group(1), m.group(2)
        v = int(lit.replace("'", ""), 16 if lit[:2] in ("0x", "0X") else 10)
        fmt = (lambda x: hex(x)) if lit[:2] in ("0x", "0X") else str
        out.append((m.start(), lit + suf, fmt(v + 1) + suf, "constant+1"))
        if in_condition and v > 0:
            out.append((m.start(), lit + suf, fmt(v - 1) + suf, "constant-1"))
    for m in re.finditer(r"\b(true|false)\b", mask):
        out.append((m.start(), m.group(1), "false" if m.group(1) == "true" else "true", "boolean"))
    # result codes and requirement ids (string literals)
    for m in re.finditer(r'"([A-Z][A-Z0-9_]{3,})"', text):
        other = next_other(codes, m.group(1))
        if other and mask[m.start()] == '"':
            out.append((m.start(), m.group(0), '"' + other + '"', "result-code"))
    for m in re.finditer(r'"([A-Z]{2,}-[A-Za-z0-9.]+(?:-[A-Za-z0-9.]+)*)"', text):
        other = next_other(rules, m.group(1))
        if other and mask[m.start()] == '"':
            out.append((m.start(), m.group(0), '"' + other + '"', "rule-id"))
    return [(base + o, old, new, op) for o, old, new, op in out]


def next_other(pool, x):
    if len(pool) < 2:
        return None
    i = pool.index(x) if x in pool else -1
    return pool[(i + 1) % len(pool)] if pool[(i + 1) % len(pool)] != x else None


def sites(text):
    """Runtime sites of a header: ('cond'|'return'|'stmt', start, end) spans (end
    exclusive; a statement span includes its ';'), innermost only."""
    mask, _ = mask_code(text)
    found = []
    for m in re.finditer(r"\b(if|while)\s*(constexpr\s*)?\(", mask):
        if m.group(2):
            continue
        o = m.end() - 1
        c = match_close(mask, o)
        if c < 0:
            continue
        start = o + 1
        if ";" in mask[start:c]:
            # an if with an init-statement, `if (auto s = f(); !s)`: the condition after it
            start += mask[start:c].rfind(";") + 1
            start += len(mask[start:c]) - len(mask[start:c].lstrip())
        cond = mask[start:c]
        if ";" in cond or re.search(r"(?<![=!<>])=(?![=])", cond) or re.match(r"\s*(const\s+)?auto\b", cond):
            continue
        found.append(("cond", start, c))
    for m in re.finditer(r"\breturn\b", mask):
        e = statement_end(mask, m.end())
        if e < 0 or not mask[m.end():e].strip():
            continue
        found.append(("return", m.start(), e + 1))
    for m in re.finditer(r"(?<=[;{}])\s*([A-Za-z_][\w.\->\[\]:]*)\s*(\(|=|\+=|-=|\|=|&=|\^=|<<=|>>=|\+\+|--)", mask):
        head = m.group(1)
        first = re.match(r"[A-Za-z_]\w*", head).group(0)
        if first in KEYWORDS or first[0].isupper() and "::" not in head and "." not in head:
            continue  # a keyword, or a declaration/construction of a type
        s = m.start(1)
        e = statement_end(mask, s)
        if e < 0:
            continue
        body = mask[s:e]
        if "{" in body and "}" in body and "[" in body and "](" in body.replace(" ", ""):
            continue  # a lambda
        # only inside a function body: brace depth > 0 and not directly in a struct
        found.append(("stmt", s, e + 1))
    found.sort(key=lambda x: (x[1], -x[2]))
    inner = []
    for k, s in enumerate(found):
        if any(o is not s and s[1] <= o[1] and o[2] <= s[2] and (o[1], o[2]) != (s[1], s[2]) for o in found):
            continue  # keep the innermost sites only
        if any(o is not s and (o[1], o[2]) == (s[1], s[2]) and found.index(o) < k for o in found):
            continue
        inner.append(s)
    return inner, mask


def function_body(mask, pos):
    """Is pos inside a function body (crudely: brace depth of a block preceded by ')' or
    'const'/'noexcept')? Statements at class or namespace scope are declarations."""
    depth_stack = []
    i = 0
    for m in re.finditer(r"[{}]", mask[:pos]):
        if m.group(0) == "{":
            prev = mask[max(0, m.start() - 400):m.start()].rstrip()  # the end is enough: a linear scan
            is_fn = bool(re.search(r"(\)|\bconst|\bnoexcept|\bmutable|->\s*[\w:<>]+|\belse|\bdo|\btry)$", prev))
            depth_stack.append(is_fn or (depth_stack and depth_stack[-1]))
        else:
            if depth_stack:
                depth_stack.pop()
    return bool(depth_stack and depth_stack[-1])


class Mutant:
    def __init__(self, **kw):
        self.__dict__.update(kw)

    def to_json(self):
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}


def line_of(text, off):
    return text.count("\n", 0, off) + 1


def mutant_id(rel, text, off, op, new):
    ls = text.rfind("\n", 0, off) + 1
    le = text.find("\n", off)
    line = text[ls:le if le >= 0 else len(text)]
    h = hashlib.sha1(line.strip().encode()).hexdigest()[:8]
    col = off - ls
    # position among mutable tokens of the line, not the column: stable under re-indentation
    nth = len(re.findall(r"\S+", line[:col]))
    return one_line(f"{rel}:{h}:{nth}:{op}:{new}")


def one_line(mutant_id):
    """An id on one line: a mutant whose text spans lines (a negated two-line condition) has
    its line breaks and their indentation as one space, so --list and --ids carry it. Older
    runs' --json ids are read through this too."""
    return re.sub(r"[ \t]*\n\s*", " ", mutant_id)


# Functions whose mutants are not counted: candidate_events is the explorer's input
# alphabet (which events exploration and corpora try), not what the model answers.
EXCLUDED_FUNCTIONS = ("candidate_events",)


def excluded_spans(mask):
    spans = []
    for name in EXCLUDED_FUNCTIONS:
        for m in re.finditer(r"\b" + name + r"\s*\([^;{]*\)\s*(const\s*)?\{", mask):
            c = match_close(mask, m.end() - 1, "{", "}")
            if c > 0:
                spans.append((m.start(), c + 1))
    return spans


def enumerate_mutants(path):
    rel = os.path.relpath(path, os.path.join(MODEL, "lockref"))
    with open(path, encoding="utf-8") as f:
        text = f.read()
    found, mask = sites(text)
    skip = excluded_spans(mask)
    found = [x for x in found if not any(a <= x[1] < b for a, b in skip)]
    _, strings = mask_code(text)
    codes = sorted({m.group(1) for m in re.finditer(r'"([A-Z][A-Z0-9_]{3,})"', text)})
    rules = sorted({m.group(1) for m in re.finditer(r'"([A-Z]{2,}-[A-Za-z0-9.]+(?:-[A-Za-z0-9.]+)*)"', text)})
    mutants = []
    covered = []
    for kind, s, e in found:
        if kind == "stmt" and not function_body(mask, s):
            continue
        covered.append((s, e))
        span_text, span_mask = text[s:e], mask[s:e]
        if kind == "cond":
            subs = sub_mutants(span_text, span_mask, s, True, codes, rules)
            subs.append((s, span_text, "!(" + span_text.strip() + ")", "negate-condition"))
            if not re.match(r"\s*while\b", mask[max(0, s - 8):s].strip()[-5:] or ""):
                subs.append((s, span_text, "false", "drop-guard"))
        elif kind == "return":
            subs = sub_mutants(span_text, span_mask, s, False, codes, rules)
        else:
            subs = sub_mutants(span_text, span_mask, s, False, codes, rules)
            subs.append((s, span_text, "", "drop-statement"))
        for off, old, new, op in subs:
            mutants.append(Mutant(id=mutant_id(rel, text, off, op, new), file=rel, line=line_of(text, off),
                                  op=op, old=old, new=new, mode="schemata", site=kind,
                                  _span=(s, e), _off=off, _domain=rel.split("/")[0]))
    # constants of data (outside every runtime site): textual mutants
    for m in re.finditer(r"(?<![\w.])(0[xX][0-9A-Fa-f']+|\d[\d']*)([uUlL]*)(?![\w.'])", mask):
        off = m.start()
        if any(s <= off < e for s, e in covered) or any(a <= off < b for a, b in skip):
            continue
        lit, suf = m.group(1), m.group(2)
        v = int(lit.replace("'", ""), 16 if lit[:2] in ("0x", "0X") else 10)
        new = (hex(v + 1) if lit[:2] in ("0x", "0X") else str(v + 1)) + suf
        mutants.append(Mutant(id=mutant_id(rel, text, off, "data-constant", new), file=rel, line=line_of(text, off),
                              op="data-constant", old=lit + suf, new=new, mode="textual", site="data",
                              _span=(off, off + len(lit + suf)), _off=off, _domain=rel.split("/")[0]))
    # ids must be unique: a repeated line gets an occurrence suffix
    seen = {}
    for mu in mutants:
        n = seen.get(mu.id, 0)
        seen[mu.id] = n + 1
        if n:
            mu.id += f"#{n}"
    return text, mutants


def blamed(live, texts, errors, overlay=None):
    """The mutants of a schemata copy that a compiler's error output blames: those on a line
    it names under an error (or whose statement spans it), and those whose switch is on a
    source line it quotes under an error (the copy's line numbers need not be the original's).
    When the first error is outside the model's headers (a static_assert of <variant> that a
    mutated template argument breaks, whose follow-on errors then land on innocent lines of the
    header), only the switches on the innermost line of the schemata copy (under `overlay`) that
    its instantiation chain passes through and that holds any: one culprit a round."""
    lines = errors.splitlines()
    first = next((l for l in lines if ": error:" in l), "")
    if overlay and first and "lockref/" not in first.split(": error:")[0]:
        at = re.escape(os.path.join(overlay, "lockref")) + r"/(\S+?\.hpp):(\d+):\d+:\s+required (?:from|by)"
        for l in lines[:lines.index(first)]:
            x = re.search(at, l)
            if not x:
                continue
            try:
                with open(os.path.join(overlay, "lockref", x.group(1))) as src:
                    code = src.read().splitlines()[int(x.group(2)) - 1]
            except (OSError, IndexError):
                continue
            ks = {int(k) for k in re.findall(r"lockref_mutation::on\((\d+)\)", code)}
            if ks:
                return [m for m in live if m.k in ks]
    bad = {(f, int(n)) for f, n in re.findall(r"lockref/(\S+?\.hpp):(\d+):\d+: (?:error|note: in)", errors)}
    quoted = {int(k) for i, l in enumerate(lines[:-1]) if ": error:" in l
              for k in re.findall(r"lockref_mutation::on\((\d+)\)", lines[i + 1])}
    return [m for m in live if (m.file, m.line) in bad or m.k in quoted or
            any(f == m.file and line_of(texts[m.file], m._span[0]) <= n <= line_of(texts[m.file], m._span[1] - 1)
                for f, n in bad)]


def schemata_text(text, mutants):
    """The header with every mutant behind its switch. Mutants carry .k (switch number)."""
    by_span = {}
    for mu in mutants:
        by_span.setdefault(mu._span, []).append(mu)
    edits = []  # (start, end, replacement)
    for (s, e), mus in by_span.items():
        orig = text[s:e]
        variants = []
        for mu in mus:
            if mu.op in ("negate-condition", "drop-guard"):
                v = mu.new
            elif mu.op == "drop-statement":
                v = ""
            else:
                o = mu._off - s
                v = orig[:o] + mu.new + orig[o + len(mu.old):]
            variants.append((mu.k, v))
        kind = mus[0].site
        if kind == "cond":  # the condition may be an optional or a pointer: compare as bool
            rep = "".join(f"lockref_mutation::on({k}) ? static_cast<bool>({v}) : " for k, v in variants) + \
                f"static_cast<bool>({orig})"
            edits.append((s, e, "(" + rep + ")"))
        elif kind == "return":
            body = orig[len("return"):-1]
            rep = "{ " + " ".join(f"if (lockref_mutation::on({k})) return {v[len('return'):-1].strip()};"
                                  for k, v in variants) + f" return{body}; }}"
            edits.append((s, e, rep))
        else:
            rep = "{ " + " ".join(f"if (lockref_mutation::on({k})) {{ {v} }} else" for k, v in variants) + f" {{ {orig} }} }}"
            edits.append((s, e, rep))
    edits.sort(reverse=True)
    out = text
    for s, e, rep in edits:
        out = out[:s] + rep.replace("\n", " ") + out[e:]
    # (the switch comes in with -include, so that every line keeps its number)
    return out


def textual_text(text, mu):
    s = mu._off
    return text[:s] + mu.new + text[s + len(mu.old):]


def write_switch_header(overlay, capacity):
    """The schemata switch header (lockref_mutation.hpp) for `capacity` switches."""
    os.makedirs(overlay, exist_ok=True)
    with open(os.path.join(overlay, "lockref_mutation.hpp"), "w") as f:
        f.write(SCHEMATA_HEADER.replace("@CAPACITY@", str(max(capacity, 1))))


def write_mutated_headers(overlay, files, texts, live, mode="schemata"):
    """The mutated copies of `files` under overlay/lockref/: the schemata copy of each file's
    mutants in `live`, or (textual) the file with its one live mutant applied, else unchanged."""
    for rel in files:
        mine = [m for m in live if m.file == rel]
        os.makedirs(os.path.join(overlay, "lockref", os.path.dirname(rel)), exist_ok=True)
        text = schemata_text(texts[rel], mine) if mode == "schemata" else \
            textual_text(texts[rel], mine[0]) if mine else texts[rel]
        with open(os.path.join(overlay, "lockref", rel), "w") as f:
            f.write(text)


# ---- building against an existing build directory ---------------------------------------------

class Build:
    def __init__(self, build_dir, scratch, jobs, log, unit_only=False):
        self.dir = os.path.abspath(build_dir)
        self.scratch = scratch
        self.jobs = jobs
        self.log = log
        with open(os.path.join(self.dir, "compile_commands.json")) as f:
            self.commands = {os.path.realpath(c["file"]): c for c in json.load(f)}
        self.targets = {}  # name -> (directory the link command runs in, link command, binary)
        for name, sub in (("lockref-tests", "tests"), ("lockref-properties", "properties"), ("lockref", "tools")):
            if unit_only and name == "lockref":  # the program serves only the command-line tier
                continue
            if name == "lockref-properties" and not os.path.exists(os.path.join(self.dir, sub, name)):
                # tools/test.sh builds the property suites in the asan preset, not in default
                log(f"{name} is not built in {self.dir}: its suites are not run")
                continue
            self.targets[name] = self.link_command(name, sub)
        # objects of each target, and the headers each translation unit includes
        self.includes = {}  # object path -> set of model headers (relative to model/lockref)
        ninja_deps = self.ninja_deps()
        for c in self.commands.values():
            args = shlex.split(c["command"])
            obj = os.path.normpath(os.path.join(c["directory"], args[args.index("-o") + 1]))
            dep = obj + ".d"
            if os.path.exists(dep):
                with open(dep) as f:
                    deps = f.read()
            elif obj in ninja_deps:
                deps = ninja_deps[obj]
            else:
                continue
            hs = set(re.findall(r"model/lockref/(\S+\.hpp)", deps))
            self.includes[obj] = (c, hs)
        self.compile_seconds, self.compiled_units = 0.0, 0
        # The build's compiler launcher preloads the huge-page shim (CMakeLists.txt
        # LOCKREF_COMPILER_THP); compile_commands.json does not carry launchers, so do the same.
        self.compile_env = dict(os.environ)
        thp = os.path.join(self.dir, "lockref-compiler-thp.so")
        if os.path.exists(thp):
            self.compile_env["LD_PRELOAD"] = thp
        self.linked = set()
        for d, line, _ in self.targets.values():
            for tok in shlex.split(line):
                if tok.endswith(".o"):
                    self.linked.add(os.path.normpath(os.path.join(d, tok)))

    def seconds_per_unit(self):
        """The mean compile time of a unit so far (a bounded run does not start a stage 2
        that cannot end within its budget)."""
        return self.compile_seconds / self.compiled_units if self.compiled_units else 0.0

    def includers(self, headers):
        return sorted(o for o, (c, hs) in self.includes.items() if hs & set(headers) and o in self.linked)

    def sources(self, objs):
        """The source files an object compiles: its own, or those a unity file includes."""
        out = []
        for o in objs:
            src = self.includes[o][0]["file"]
            if "/Unity/" in src:
                with open(src) as f:
                    out += re.findall(r'^#include "([^"]+)"', f.read(), re.M)
            else:
                out.append(src)
        return out

    def related(self, obj, headers):
        """Is a translation unit one of the tests of these headers? Among the test sources
        (tests/, properties/) and the eval operations their tests call (tools/lockref/ops_*):
        its name shares a word with the headers' paths (tests/test_kpio.cpp and
        kpio/key_wrap.hpp, properties/hpke_properties.cpp and crypto/hpke_kdf.hpp), or it
        includes one of the headers, or its folder's umbrella header, by name
        (tests/test_validate_state.cpp includes engine/system.hpp, tests/test_wycheproof.cpp
        crypto/crypto.hpp): a test written next to another header's tests still kills in
        stage 1, not only after the rebuild of every unit that stage 2 costs."""
        for src in self.sources([obj]):
            base = os.path.basename(src).rsplit(".", 1)[0]
            if os.path.basename(os.path.dirname(src)) not in ("tests", "properties") and not base.startswith("ops_"):
                continue
            if named_after(src, headers) or includes_by_name(src, headers):
                return True
        return False

    def compile(self, objs, overlay, tag):
        """Compiles the translation units of `objs` with the overlay first on the include
        path; returns {object: scratch object} or raises with the compiler's messages."""
        procs, out = [], {}
        errors = []
        t0 = time.time()
        pending = list(objs)
        running = []
        while pending or running:
            while pending and len(running) < self.jobs:
                o = pending.pop(0)
                c, _ = self.includes[o]
                args = shlex.split(c["command"])
                k = args.index("-o")
                dst = os.path.join(self.scratch, "obj", tag, hashlib.sha1(o.encode()).hexdigest()[:12] + ".o")
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                args[k + 1] = dst
                first_i = next(i for i, a in enumerate(args) if a.startswith("-I"))
                args[first_i:first_i] = ["-I" + overlay, "-include", os.path.join(overlay, "lockref_mutation.hpp")]
                args += ["-Wno-error", "-w"]
                p = subprocess.Popen(["nice", "-n", "19"] + args, cwd=c["directory"], stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, env=self.compile_env)
                running.append((o, dst, p))
            o, dst, p = running.pop(0)
            msg, _ = p.communicate()
            if p.returncode != 0:
                errors.append(msg)
            else:
                out[o] = dst
        self.compile_seconds += (time.time() - t0) * self.jobs
        self.compiled_units += len(objs)
        if errors:
            raise CompileError("\n".join(errors))
        return out

    def ninja_deps(self):
        """Object -> its headers, as Ninja recorded them (it reads and deletes the .d files)."""
        if not os.path.exists(os.path.join(self.dir, "build.ninja")):
            return {}
        r = subprocess.run(["ninja", "-C", self.dir, "-t", "deps"], capture_output=True, text=True)
        out, obj = {}, None
        for line in r.stdout.splitlines():
            if line and not line.startswith(" "):
                obj = os.path.normpath(os.path.join(self.dir, line.split(":", 1)[0]))
                out[obj] = ""
            elif obj and line.strip():
                out[obj] += line.strip() + "\n"
        return out

    def link_command(self, name, sub):
        """How the build directory links a program: Makefiles keep it in link.txt (run in the
        target's directory); Ninja (the presets) has it in build.ninja, run from the top."""
        d = os.path.join(self.dir, sub)
        txt = os.path.join(d, "CMakeFiles", name + ".dir", "link.txt")
        if os.path.exists(txt):
            with open(txt) as f:
                return d, f.read().strip(), os.path.join(d, name)
        r = subprocess.run(["ninja", "-C", self.dir, "-t", "commands", f"{sub}/{name}"], capture_output=True, text=True)
        last = r.stdout.strip().split("\n")[-1] if r.returncode == 0 and r.stdout.strip() else ""
        # CMake's Ninja rule: ": && <compiler ...-o sub/name ...> && <post-build steps>"
        step = next((c for c in last.split(" && ") if f" -o {sub}/{name} " in c + " "), None)
        if step is None:
            raise SystemExit(f"mutate.py: no link command for {name} in {self.dir} (neither link.txt nor build.ninja)")
        return self.dir, step.strip(), os.path.join(d, name)

    def link(self, replaced, tag, leave_out=()):
        """Links each program from the build's objects, `replaced` ones swapped for their
        mutant copies. Stage 1 (`leave_out`: the other units that include the mutated
        header): only the programs with a replaced unit, without the units left out;
        raises LinkError if one of them is needed."""
        bins = {}
        for name, (d, line, _) in self.targets.items():
            dst = os.path.join(self.scratch, "bin", tag, name)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            args, mine = [], False
            for a in shlex.split(line):
                p = os.path.normpath(os.path.join(d, a)) if a.endswith(".o") else None
                if p not in leave_out:
                    args.append(replaced.get(p, a))
                mine = mine or p in replaced
            if leave_out and not mine:
                continue
            k = args.index("-o")
            args[k + 1] = dst
            r = subprocess.run(["nice", "-n", "19"] + args, cwd=d, capture_output=True, text=True)
            if r.returncode != 0 and leave_out:
                raise LinkError(r.stdout + r.stderr)
            if r.returncode != 0:  # not the mutant's fault: the build directory is incomplete
                raise LinkError(f"mutate.py: linking {name} failed (is {self.dir} built?):\n" + r.stdout + r.stderr)
            bins[name] = dst
        return bins

    def objects_named(self, text):
        """The build's own objects a linker message names ("x.cxx.o: in function ..."), as the
        link lines name them (normalised paths)."""
        out = set()
        for name, (d, line, _) in self.targets.items():
            for a in shlex.split(line):
                if a.endswith(".o") and (a + ":") in text:
                    out.add(os.path.normpath(os.path.join(d, a)))
        return out

    def original_bins(self):
        return {name: binary for name, (_, _, binary) in self.targets.items()}


class CompileError(Exception):
    pass


class LinkError(Exception):
    pass


# The command-line and oracle tests a survivor of the unit and property suites meets next
# (the npm interop and the fuzz-target replay are left out: they need node, and a replay
# program the mutants do not rebuild; the coverage test does not run the model).
SECOND_TIER_SKIP = {"hpke_interop", "wire_fuzz", "coverage"}


def second_tier():
    cli = sorted(p for p in glob.glob(os.path.join(ROOT, "tests", "cli", "*.sh"))
                 if os.path.basename(p)[:-3] not in SECOND_TIER_SKIP)
    oracle = sorted(glob.glob(os.path.join(ROOT, "tests", "oracle", "test_*.py")))
    return [["bash", p] for p in cli] + [[sys.executable, p] for p in oracle]


def named_after(src, headers):
    """Does a source's name share a word with the headers' paths (tests/test_kpio.cpp and
    kpio/key_wrap.hpp, properties/hpke_properties.cpp and crypto/hpke_kdf.hpp)?"""
    words = {w for h in headers for w in re.split(r"[/_.]", h[:-len(".hpp")])}
    return bool((set(os.path.basename(src).rsplit(".", 1)[0].split("_")) - {"test", "properties", "mutants", "ops"}) & words)


def includes_by_name(src, headers):
    """Does a source #include one of the headers (lockref/engine/system.hpp) or the umbrella
    header of one's folder (lockref/crypto/crypto.hpp for crypto/aes.hpp)?"""
    wanted = set(headers) | {f"{os.path.dirname(h)}/{os.path.basename(os.path.dirname(h))}.hpp" for h in headers}
    try:
        with open(src, errors="replace") as f:
            named = re.findall(r'^\s*#\s*include\s*[<"]lockref/([^">]+)[">]', f.read(), re.M)
    except OSError:
        return False
    return bool(set(named) & wanted)


def named_first(sources, headers):
    """Stage 1's sources in two passes: first those whose names share a word with the mutated
    headers (tests/test_kmip.cpp, tests/test_mutants_kmip.cpp for kmip/json.hpp), then the
    others. In a unity build a related unit compiles fifteen sources, most of them about
    other headers; a mutant their own tests kill then dies before the others run. Both passes
    together are the same tests, so the verdict is the same."""
    named = [s for s in sources if named_after(s, headers)]
    return [p for p in (named, [s for s in sources if s not in named]) if p]


FAILED_IN = {}  # program -> the source file of the test case that failed with no mutant active


def suite_env(mutant_k, env_extra=None):
    env = dict(os.environ)
    env["RC_PARAMS"] = "seed=4300 noshrink=1 verbose_progress=0 verbose_shrinking=0"
    env["LOCKREF_MUTANT"] = str(mutant_k)
    env.pop("LOCKREF_DEEP", None)
    env.pop("LOCKREF_MUTANT_TRACE", None)
    env.update(env_extra or {})
    return env


def case_filter(names):
    """doctest's --test-case= for exactly these test cases (a comma or backslash in a name
    is escaped; a * or ? in one matches itself too, and perhaps a few more)."""
    return "--test-case=" + ",".join(n.replace("\\", "\\\\").replace(",", "\\,") for n in names)


def reach_map(bins, timeout, jobs, scratch):
    """Stage 2's baseline: every test case of the unit and property suites alone, no mutant
    active, each recording the schemata switches it evaluates (LOCKREF_MUTANT_TRACE). A test
    case that never evaluates a mutant's switch runs exactly as it does without the mutant
    (the suites are deterministic: RapidCheck's seed is fixed), so only the test cases that
    reach a mutant can kill it. Returns (None, {k: {program: [test cases]}}, seconds), or
    (failure detail, None, seconds) when a test case fails with no mutant active."""
    t0 = time.time()
    jobs_list = []
    for name in ("lockref-tests", "lockref-properties"):
        if name not in bins:
            continue
        r = subprocess.run([bins[name], "--list-test-cases", "--no-version=true"], capture_output=True, text=True,
                           errors="replace", cwd=ROOT)
        cases = [l for l in r.stdout.splitlines() if l and not l.startswith("[doctest]") and not l.startswith("====")]
        jobs_list += [(name, c) for c in cases]

    def one(i, name, case):
        path = os.path.join(scratch, f"reach-{os.getpid()}-{i}.txt")
        try:
            r = subprocess.run(["nice", "-n", "19", bins[name], "--no-version=true", case_filter([case])],
                               capture_output=True, text=True, errors="replace", timeout=timeout, cwd=ROOT,
                               env=suite_env(-1, {"LOCKREF_MUTANT_TRACE": path}))
        except subprocess.TimeoutExpired:
            return f"{name}: {case} timed out with no mutant active", ()
        if r.returncode != 0:
            return f"{name}: {case} fails with no mutant active", ()
        try:
            with open(path) as f:
                ks = [int(l) for l in f if l.strip()]
            os.unlink(path)
        except FileNotFoundError:
            ks = []  # it evaluated no switch
        return None, ks

    reach = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        runs = [pool.submit(one, i, n, c) for i, (n, c) in enumerate(jobs_list)]
        for (name, case), run in zip(jobs_list, runs):
            bad, ks = run.result()
            if bad:
                return bad, None, time.time() - t0
            for k in ks:
                reach.setdefault(k, {}).setdefault(name, []).append(case)
    return None, reach, time.time() - t0


def run_suites(bins, mutant_k, timeout, env_extra=None, cli=False, sources=None, headers=(), cases=None):
    """Runs the unit/vector suite, then the property suite, then (cli) the command-line
    and oracle tests against the mutant `lockref`; only the test cases of `sources` when
    given (stage 1: those named after `headers` first, named_first()), or only `cases`
    ({program: [test case]}, stage 2's reach map) when given. Returns (verdict, detail,
    seconds)."""
    env = suite_env(mutant_k, env_extra)
    t0 = time.time()
    passes = named_first(sources, headers) if sources else [None]
    for name, part in ((n, p) for p in passes for n in ("lockref-tests", "lockref-properties")):
        if name not in bins:  # stage 1: none of its units is related to the mutated header
            continue
        if cases is not None and not cases.get(name):  # no test case of it reaches the mutant
            continue
        left = timeout - (time.time() - t0)
        if left <= 0:
            return "timed out", name, time.time() - t0
        try:
            only = ["--source-file=" + ",".join("*/" + os.path.basename(s) for s in part)] if part else \
                [case_filter(cases[name])] if cases is not None else []
            r = subprocess.run(["nice", "-n", "19", bins[name], "--abort-after=1", "--no-version=true"] + only,
                               capture_output=True, text=True, errors="replace", timeout=left, env=env, cwd=ROOT)
        except subprocess.TimeoutExpired:
            return "timed out", name, time.time() - t0
        if r.returncode != 0:
            # the test case of the first block that reports an error (a passing test that
            # prints a MESSAGE has a TEST CASE header too)
            block = next((b for b in r.stdout.split("=" * 79) if re.search(r"\b(ERROR|exception)\b", b)), "")
            m = re.search(r"TEST CASE:\s+(.*)", block)
            why = m.group(1).strip() if m else ("exit %d" % r.returncode)
            where = re.search(r"^(\S+\.cpp):\d+:", block, re.M)  # the test case's source file
            if where and mutant_k == -1:  # the baseline (no mutant active)
                FAILED_IN[name] = os.path.basename(where.group(1))
            return "killed", f"{name}: {why}", time.time() - t0
    if cli:
        env["LOCKREF_ROOT"] = ROOT
        for cmd in second_tier():
            left = timeout - (time.time() - t0)
            name = os.path.basename(cmd[1])
            try:
                r = subprocess.run(["nice", "-n", "19"] + cmd + [bins["lockref"], ROOT], capture_output=True,
                                   text=True, errors="replace", timeout=max(left, 1), env=env, cwd=ROOT)
            except subprocess.TimeoutExpired:
                return "timed out", name, time.time() - t0
            if r.returncode != 0:
                m = re.search(r"^FAIL - (.*)$", r.stdout, re.M)
                return "killed", f"{name}: {m.group(1) if m else 'exit %d' % r.returncode}", time.time() - t0
    return "survived", "", time.time() - t0


# ---- the campaign -------------------------------------------------------------------------------

def load_equivalent():
    p = os.path.join(ROOT, "spec", "mutation", "equivalent.json")
    if not os.path.exists(p):
        return {}
    with open(p) as f:
        return {one_line(e["id"]): e["why"] for e in json.load(f)["equivalent"]}


def all_mutants(files_glob=None):
    hdrs = sorted(glob.glob(os.path.join(MODEL, "lockref", "**", "*.hpp"), recursive=True))
    texts, muts = {}, []
    for h in hdrs:
        rel = os.path.relpath(h, os.path.join(MODEL, "lockref"))
        if files_glob and not any(fnmatch.fnmatch(rel, g) for g in files_glob.split(",")):
            continue
        text, ms = enumerate_mutants(h)
        texts[rel] = text
        muts += ms
    return texts, muts


TEXTUAL_MAX_INCLUDERS = 8  # a textual mutant is a build of its own: only of headers few units include


def select(muts, seed, per_domain, textual_per_domain, domains, includers=None):
    rng = random.Random(seed)
    by_dom = {}
    for m in muts:
        if domains and m._domain not in domains:
            continue
        if m.mode == "textual" and includers and len(includers(m.file)) > TEXTUAL_MAX_INCLUDERS:
            continue
        by_dom.setdefault(m._domain, []).append(m)
    chosen = []
    for dom in sorted(by_dom):
        run = [m for m in by_dom[dom] if m.mode == "schemata"]
        txt = [m for m in by_dom[dom] if m.mode == "textual"]
        if per_domain is not None and len(run) > per_domain:
            run = rng.sample(run, per_domain)
        if textual_per_domain is not None and len(txt) > textual_per_domain:
            txt = rng.sample(txt, textual_per_domain)
        chosen += run + txt
    chosen.sort(key=lambda m: (m.file, m._off, m.op, m.new))
    return chosen


def campaign(args, chosen, texts, build, equivalent, log):
    """Builds and runs the chosen mutants. Schemata mutants of headers that the same
    translation units include share one build; a textual mutant has a build of its own."""
    results = []
    overlay_root = os.path.join(build.scratch, "overlay")
    baseline_time = None
    for k, m in enumerate(chosen, 1):
        m.k = k
    groups = {}
    for m in chosen:
        key = ("schemata", tuple(build.includers([m.file]))) if m.mode == "schemata" else ("textual", (m.id,))
        groups.setdefault(key, []).append(m)
    total, done = len(chosen), 0
    # cheapest builds first (fewest translation units), so that results come early
    order = sorted(groups.items(), key=lambda kv: (len(build.includers(sorted({m.file for m in kv[1]}))), kv[0]))
    if getattr(args, "budget", None):
        # a bounded run measures every domain: the cheapest group of each domain, then the
        # second cheapest of each, and so on (each domain's score then covers its cheaper headers)
        rank, seen = {}, {}
        for kv in order:
            dom = kv[1][0]._domain
            rank[kv[0]] = seen[dom] = seen.get(dom, -1) + 1
        order = sorted(order, key=lambda kv: rank[kv[0]])  # stable: cost order within a rank
    t_start = time.time()

    def group(mode, key, mus):
        """Builds and runs one header group. A generator: in a bounded run it yields (units
        left to build, stage-1 survivors) after stage 1, and stage 2 runs when resumed."""
        nonlocal done, baseline_time
        files = sorted({m.file for m in mus})
        tag = hashlib.sha1((mode + repr(key)).encode()).hexdigest()[:10]
        overlay = os.path.join(overlay_root, tag)
        shutil.rmtree(overlay, ignore_errors=True)
        os.makedirs(overlay, exist_ok=True)
        write_switch_header(overlay, total)
        objs = build.includers(files)
        # stage 1 (schemata only): the related translation units alone, in binaries that
        # leave the others that include the header out; stage 2, for its survivors: all of them
        near = [o for o in objs if build.related(o, files)] if mode == "schemata" and not args.no_stages else []
        far = [o for o in objs if o not in near]
        dropped, compiled, built_live = [], {}, None
        stage1_units = list(near)  # the related units stage 1 links (fewer when one needs a unit left out)

        def build_for(live, units, leave_out):
            """Builds the overlay for `live` and links the binaries from `units` (recompiled)
            and the build's objects but `leave_out`. Returns (binaries or None, live): a
            mutant whose schemata line does not compile is moved to `dropped`."""
            nonlocal built_live
            for attempt in range(8):
                if live != built_live:  # the overlay changes: every unit compiled so far is stale
                    write_mutated_headers(overlay, files, texts, live, mode)
                    compiled.clear()
                    built_live = list(live)
                t0 = time.time()
                try:
                    if not objs:
                        raise CompileError("no translation unit of the test binaries includes " + ", ".join(files))
                    todo = [o for o in units if o not in compiled]
                    # one unit first: a schemata copy that does not compile fails there, cheaply
                    compiled.update(build.compile(todo[:1], overlay, tag))
                    compiled.update(build.compile(todo[1:], overlay, tag))
                    bins = build.link({o: compiled[o] for o in units}, tag + ("-1" if leave_out else ""), leave_out)
                    log(f"[{done}/{total}] built {', '.join(files)} ({mode}, {len(live)} mutant(s), {len(units)} of "
                        f"{len(objs)} translation unit(s){' (stage 1: the related ones)' if leave_out else ''}) "
                        f"in {time.time() - t0:.0f} s")
                    return bins, live
                except LinkError as e:
                    if leave_out:
                        # the units left out define something another object needs: leave that
                        # object out of stage 1 too (a related unit's tests then wait for stage 2;
                        # an unrelated one does not hold the mutant), and link again
                        needy = {o for o, dst in compiled.items() if o in units and dst + ":" in str(e)}
                        needy |= {p for p in build.objects_named(str(e)) if p not in units}
                        keep = [o for o in units if o not in needy]
                        if needy and keep and not needy <= leave_out and attempt < 7:
                            log(f"  stage 1: {len(needy)} object(s) need units left out; left out of stage 1 too")
                            units, leave_out = keep, set(leave_out) | needy
                            stage1_units[:] = keep
                            continue
                        log(f"  stage 1 does not link without the unrelated units ({str(e)[:200]}); building all")
                        return None, live
                    raise SystemExit(str(e))
                except CompileError as e:
                    now = blamed(live, texts, str(e), overlay) if mode == "schemata" else []
                    if not now:
                        log(f"[{done}/{total}] {', '.join(files)}: does not build ({mode}); {len(live)} mutant(s) not built\n"
                            + str(e)[:1500])
                        dropped.extend(live)
                        return None, []
                    dropped.extend(now)
                    live = [m for m in live if m not in now]
                    log(f"  {len(now)} mutant(s) do not compile as schemata; rebuilding without them")
                    if not live:
                        return None, []
            return None, live

        def baseline_fails(live, detail):
            """A schemata build whose baseline (no mutant active) fails: its mutants are not counted."""
            nonlocal done
            log(f"  the schemata build fails with no mutant active ({detail}): its mutants are not counted")
            for m in live:
                results.append(dict(m.to_json(), verdict="not built", detail="schemata baseline fails: " + detail))
                done += 1
            return []

        def run_stage(bins, live, sources):
            """Runs each live mutant against `bins` (restricted to the tests of `sources` in
            stage 1); returns the survivors, whose verdicts stage 2 settles (or the table)."""
            nonlocal done, baseline_time
            cli = not (args.sample or args.unit_only) and not sources
            reach = None
            if mode == "schemata" and not sources and not args.no_select:
                # stage 2 (or a one-stage run): each mutant meets only the test cases that reach it
                bad, reach, secs = reach_map(bins, max(600, args.timeout * 4), args.jobs, build.scratch)
                if bad:
                    return baseline_fails(live, bad)
                log(f"  reach map: {sum(1 for m in live if m.k in reach)} of {len(live)} mutant(s) reached by a "
                    f"test case ({secs:.0f} s)")
                baseline_time = secs if baseline_time is None else max(baseline_time, secs)
                limit = max(args.timeout, 5 * secs)
            elif mode == "schemata":
                while True:
                    FAILED_IN.clear()
                    v, detail, secs = run_suites(bins, -1, max(600, args.timeout * 4), cli=cli, sources=sources,
                                                 headers=files)
                    if v == "survived" or not sources:
                        break
                    # a test that fails with no mutant active (e.g. it needs an eval op of a unit
                    # left out): its source file's tests are left out of stage 1, and stage 2 has them
                    bad = set(FAILED_IN.values())
                    if not bad or not any(os.path.basename(src) in bad for src in sources):
                        log(f"  stage 1 fails with no mutant active ({detail}): every mutant goes to stage 2")
                        return live
                    sources = [src for src in sources if os.path.basename(src) not in bad]
                    log(f"  stage 1 fails with no mutant active in {', '.join(sorted(bad))} ({detail}): "
                        f"its tests are left out of stage 1")
                    if not sources:
                        return live
                if v != "survived":
                    return baseline_fails(live, detail)
                if not sources:
                    baseline_time = secs if baseline_time is None else max(baseline_time, secs)
                limit = max(args.timeout, 5 * secs) if sources else max(args.timeout, 5 * (baseline_time or 30))
            else:
                limit = max(args.timeout, 5 * (baseline_time or 30))
            left = []
            # --jobs mutants at once (each a subprocess of its own); verdicts in mutant order
            pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs))
            runs = [pool.submit(run_suites, bins, m.k, limit, cli=cli, sources=sources, headers=files,
                                cases=None if reach is None else reach.get(m.k, {})) for m in live]
            for m, run in zip(live, runs):
                v, detail, secs = run.result()
                if v == "survived" and sources and m.id not in equivalent:
                    # (a listed equivalent is not rebuilt in stage 2 for its verdict alone)
                    left.append(m)
                    log(f"  survives the related tests: {m.id}")
                    continue
                done += 1
                eq = equivalent.get(m.id)
                if v == "survived" and reach is not None and not reach.get(m.k):
                    detail = "no test case reaches it"
                if v == "survived" and eq:
                    v, detail = "equivalent", eq
                results.append(dict(m.to_json(), verdict=v, detail=detail, seconds=round(secs, 1),
                                    stage=1 if sources else 2))
                log(f"[{done}/{total}] {v:10} {m.id}  (line {m.line}: {m.old!r} -> {m.new!r}) {detail[:80]}")
            pool.shutdown()
            return left

        try:
            live = list(mus)
            left = live
            if near:
                bins, live = build_for(live, near, set(far))
                left = run_stage(bins, live, build.sources(stage1_units)) if bins is not None else live
                if left and args.budget:
                    yield len(far), left
            if left:
                # the same overlay (every mutant of stage 1), so that the related units are reused;
                # when every unit is related, stage 1 ran the whole programs' related tests only
                if far or bins is None:
                    bins, live = build_for(live, objs, set())
                if bins is not None:
                    run_stage(bins, [m for m in left if m in live], None)
        finally:  # also when a bounded run closes the group after stage 1
            settled = {r["id"] for r in results}
            for m in dropped:
                if m.id not in settled:
                    results.append(dict(m.to_json(), verdict="not built", detail="does not compile"))
                    done += 1
            shutil.rmtree(os.path.join(build.scratch, "obj", tag), ignore_errors=True)
            shutil.rmtree(os.path.join(build.scratch, "bin", tag), ignore_errors=True)
            shutil.rmtree(os.path.join(build.scratch, "bin", tag + "-1"), ignore_errors=True)

    # a bounded run starts no group after half the budget, and gives the rest to stage 2
    spent = lambda share=1.0: args.budget and time.time() - t_start > share * args.budget
    pending = []  # bounded run: groups with stage-1 survivors, whose stage 2 waits for every group's stage 1
    for (mode, key), mus in order:
        if spent(0.5):
            # a bounded run: the groups not started are reported, not silently dropped
            for m in mus:
                results.append(dict(m.to_json(), verdict="not run", detail=f"--budget {args.budget:.0f} s spent"))
                done += 1
            continue
        g = group(mode, key, mus)
        waiting = next(g, None)
        if waiting:
            pending.append((waiting[0], len(pending), g, waiting[1]))
        if args.json:  # a run stopped early keeps what it measured
            write_json(args, None, results, partial=True)
    for n, _, g, left in sorted(pending, key=lambda p: p[:2]):  # fewest units left to build first
        if spent() or (args.budget and t_start + args.budget - time.time() < n * build.seconds_per_unit()):
            for m in left:
                results.append(dict(m.to_json(), verdict="unsettled",
                                    detail=f"survived its related tests (stage 1); --budget {args.budget:.0f} s spent before stage 2"))
                done += 1
            g.close()
        else:
            next(g, None)
        if args.json:
            write_json(args, None, results, partial=True)
    return results


def write_json(args, enumerated, results, partial=False):
    with open(args.json, "w") as f:
        json.dump({"seed": args.seed, "per_domain": None if args.all else args.per_domain,
                   "textual_per_domain": None if args.all else args.textual_per_domain,
                   "mutants_enumerated": enumerated, "results": results} |
                  ({"partial": "written after each header group; the run did not finish"} if partial else {}),
                  f, indent=1)


def summary(results):
    doms = {}
    for r in results:
        d = doms.setdefault(r["file"].split("/")[0], {"made": 0, "killed": 0, "timed out": 0, "survived": 0,
                                                      "unsettled": 0, "equivalent": 0, "not built": 0, "not run": 0})
        d["made"] += 1
        d[r["verdict"]] += 1
    lines = ["| domain | made | killed | timed out | survived | unsettled | equivalent | not built | not run | score |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    tot = {k: 0 for k in ("made", "killed", "timed out", "survived", "unsettled", "equivalent", "not built", "not run")}
    for dom in sorted(doms):
        d = doms[dom]
        for kk in tot:
            tot[kk] += d[kk]
        lines.append(row(dom, d))
    lines.append(row("**all**", tot))
    return "\n".join(lines), doms


def score(d):
    det = d["killed"] + d["timed out"]
    live = det + d["survived"] + d.get("unsettled", 0)  # an unsettled mutant counts as not detected
    return 100.0 * det / live if live else None  # nothing ran: no score


def row(name, d):
    return (f"| {name} | {d['made']} | {d['killed']} | {d['timed out']} | {d['survived']} | {d.get('unsettled', 0)} | "
            f"{d['equivalent']} | "
            f"{d['not built']} | {d['not run']} | " + (f"{score(d):.1f} % |" if score(d) is not None else "n/a |"))


def snapshot_run(args, log):
    dst = os.path.abspath(args.snapshot)
    src, bld = os.path.join(dst, "src"), os.path.join(dst, "build")
    os.makedirs(dst, exist_ok=True)
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split("\n")
    shutil.rmtree(src, ignore_errors=True)
    for f in files:
        if f and os.path.isfile(os.path.join(ROOT, f)):
            os.makedirs(os.path.dirname(os.path.join(src, f)), exist_ok=True)
            shutil.copy2(os.path.join(ROOT, f), os.path.join(src, f))
    shared = os.path.join(dst, "shared")
    if not os.path.exists(shared):
        os.symlink(os.path.realpath(os.path.join(ROOT, "..", "shared")), shared)
    log(f"snapshot of {ROOT} in {src}; configuring and building {bld} (nice 19, {args.jobs} job(s))")
    subprocess.run(["cmake", "-S", src, "-B", bld, "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
                    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g0", "-DLOCKREF_BUILD_BENCHMARKS=OFF",
                    # file by file: a mutant recompiles only the sources that include its header
                    "-DLOCKREF_UNITY_BATCH=1"],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["nice", "-n", "19", "cmake", "--build", bld, "-j", str(args.jobs), "--target", "lockref-tests",
                    "lockref-properties", "lockref"], check=True, stdout=subprocess.DEVNULL)
    argv = [a for a in sys.argv[1:]]
    i = argv.index("--snapshot")
    del argv[i:i + 2]
    argv = [a if not a.startswith("--snapshot=") else "" for a in argv]
    return subprocess.run([sys.executable, os.path.join(src, "tools", "mutate.py"), "--build", bld] +
                          [a for a in argv if a]).returncode


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("--build", default=os.path.join(ROOT, "build", "default"), help="a configured and built build directory")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-domain", type=int, default=60, help="runtime mutants per domain (default 60)")
    ap.add_argument("--textual-per-domain", type=int, default=2,
                    help="data-constant mutants per domain (default 2; only of headers at most 8 units include)")
    ap.add_argument("--all", action="store_true", help="every mutant")
    ap.add_argument("--domains", help="comma-separated domains (folders of model/lockref)")
    ap.add_argument("--files", help="comma-separated globs of headers, relative to model/lockref")
    ap.add_argument("--sample", type=int, help="the ctest sample: N runtime mutants from one cheap header group")
    ap.add_argument("--jobs", type=int, default=1, help="parallel compilations, and mutants run at once (default 1)")
    ap.add_argument("--timeout", type=float, default=120, help="per-mutant limit in seconds (at least 5x the baseline)")
    ap.add_argument("--json", help="write every result to this file")
    ap.add_argument("--report", help="write the per-domain table (markdown) to this file")
    ap.add_argument("--budget", type=float, help="seconds: start no header group after half this time, and no "
                                                 "stage 2 after all of it; the mutants of the groups not started are "
                                                 "reported as not run, the stage-1 survivors left as unsettled")
    ap.add_argument("--list", action="store_true", help="list the selected mutants and stop")
    ap.add_argument("--keep", action="store_true", help="keep the scratch directory")
    ap.add_argument("--ids", help="run only the mutants whose ids are listed in this file (one per line)")
    ap.add_argument("--snapshot", help="copy the tree to DIR/src, configure and build DIR/build (default preset "
                                       "flags), and run there: edits to the tree meanwhile do not disturb the run")
    ap.add_argument("--unit-only", action="store_true", help="run only the unit, vector and property suites (as "
                                                           "--sample does), not the command-line and oracle tests")
    ap.add_argument("--no-select", action="store_true", help="stage 2 runs every test case against each mutant, "
                    "not only those that reach it (the reach map; see above)")
    ap.add_argument("--no-stages", action="store_true", help="build every unit that includes a header at once, "
                                                           "with no first stage of the related tests alone")
    ap.add_argument("--from-json", help="print the per-domain table of an earlier run's --json file, with the "
                                        "current spec/mutation/equivalent.json applied, and stop; A.json,B.json,...: "
                                        "A's mutants with the verdicts of the later runs that re-ran them")
    ap.add_argument("--current", action="store_true", help="with --from-json: every runtime mutant of today's source "
                                                         "(of --domains/--files), with the latest verdict any listed "
                                                         "run gave it, \"not run\" where none ran it")
    ap.add_argument("--todo", help="with --from-json: write the ids of the mutants not run, unsettled or surviving "
                                   "to this file, for --ids")
    args = ap.parse_args()

    log = lambda s: print(s, file=sys.stderr, flush=True)
    if args.from_json:
        # The first file is the sample; each later one re-ran some of its mutants (chosen ids,
        # against a later tree) and its verdicts replace theirs, except "not run".
        paths = args.from_json.split(",")
        runs = []
        for path in paths:
            with open(path) as f:
                runs.append([dict(r, id=one_line(r["id"])) for r in json.load(f)["results"]])
        if args.current:
            # today's runtime mutants of --domains/--files, each with the verdict of the last
            # listed run that settled it ("unsettled" only where no run settled it); "not run"
            # where none ran it. A run's mutants that no longer exist (their line changed) drop out.
            texts, muts = all_mutants(args.files)
            today = select(muts, args.seed, None, 0, set(args.domains.split(",")) if args.domains else None)
            latest = {m.id: dict(m.to_json(), verdict="not run", detail="in none of the runs") for m in today}
            for run in runs:
                for r in run:
                    old = latest.get(r["id"])
                    if old is None or r["verdict"] == "not run" or \
                            (r["verdict"] == "unsettled" and old["verdict"] not in ("not run", "unsettled")):
                        continue
                    latest[r["id"]] = dict(old, **{k: r[k] for k in ("verdict", "detail") if k in r})
        else:
            latest = {r["id"]: r for r in runs[0]}
            for later in runs[1:]:
                for r in later:
                    if r["id"] in latest and r["verdict"] != "not run":
                        latest[r["id"]] = r
        equivalent = load_equivalent()
        results = [dict(r, verdict="equivalent", detail=equivalent[r["id"]])
                   if r["verdict"] in ("survived", "unsettled") and r["id"] in equivalent else r
                   for r in latest.values()]
        print(summary(results)[0])
        for r in results:
            if r["verdict"] == "survived":
                print(f"SURVIVED {r['id']}  {r['file']}:{r['line']}  {r['old']!r} -> {r['new']!r}")
        if args.todo:  # what a next run has to settle, for --ids
            with open(args.todo, "w") as f:
                f.writelines(f"{r['id']}\t{r['verdict']}\n" for r in results
                             if r["verdict"] in ("not run", "unsettled", "survived"))
        return 0
    if args.snapshot:
        return snapshot_run(args, log)
    texts, muts = all_mutants(args.files)
    domains = set(args.domains.split(",")) if args.domains else None
    equivalent = load_equivalent()
    if args.sample:
        build = Build(args.build, None, args.jobs, log)
        # the header groups whose includers are few; the cheapest that holds the sample
        full = select(muts, args.seed, None, 0, domains)  # every runtime mutant of the domains (as --all)
        groups = {}
        for m in full:
            if m.mode != "schemata" or m._domain == "core":
                continue
            inc = tuple(build.includers([m.file]))
            if 0 < len(inc) <= 6:
                groups.setdefault(inc, []).append(m)
        # the cheapest group (fewest translation units to rebuild) that holds the sample
        keys = sorted((k for k in groups if len(groups[k]) >= args.sample), key=lambda k: (len(k), k)) or \
            [max(groups, key=lambda k: len(groups[k]))]
        rng = random.Random(args.seed)
        key = keys[0]
        pool = groups[key]
        chosen = sorted(rng.sample(pool, min(args.sample, len(pool))), key=lambda m: (m.file, m._off))
        log(f"mutation sample: seed {args.seed}, {len(chosen)} of {len(pool)} mutants of "
            f"{', '.join(sorted({m.file for m in pool}))} ({len(key)} translation units)")
    elif args.ids:
        with open(args.ids) as f:
            # one id a line (ids may hold spaces, e.g. "negate-condition:!(*w < 8)"); a tab
            # ends the id, so that --list output can be fed back
            want = {l.rstrip("\n").split("\t")[0].strip() for l in f if l.strip() and not l.startswith("#")}
        chosen = [m for m in muts if m.id in want]
        missing = want - {m.id for m in chosen}
        if missing:
            log(f"{len(missing)} id(s) match no mutant of the current source (stale?): " + ", ".join(sorted(missing)[:5]))
    else:
        b = Build(args.build, None, args.jobs, log)
        chosen = select(muts, args.seed, None if args.all else args.per_domain,
                        None if args.all else args.textual_per_domain, domains,
                        lambda f: b.includers([f]))
    if args.list:
        for m in chosen:
            print(f"{m.id}\t{m.file}:{m.line}\t{m.op}\t{m.old!r} -> {m.new!r}")
        print(f"{len(chosen)} of {len(muts)} mutants", file=sys.stderr)
        return 0
    scratch = tempfile.mkdtemp(prefix="lockref-mutate-")
    try:
        build = Build(args.build, scratch, args.jobs, log, unit_only=bool(args.sample or args.unit_only))
        if args.sample:
            # the sample shares one build: all its headers in one schemata group per file
            pass
        t0 = time.time()
        results = campaign(args, chosen, texts, build, equivalent, log)
        table, doms = summary(results)
        print(table)
        print(f"\n{len(results)} mutants in {time.time() - t0:.0f} s (seed {args.seed})")
        if args.json:
            write_json(args, len(muts), results)
        if args.report:
            with open(args.report, "w") as f:
                f.write(table + "\n")
        surv = [r for r in results if r["verdict"] == "survived"]
        for r in surv:
            print(f"SURVIVED {r['id']}  {r['file']}:{r['line']}  {r['old']!r} -> {r['new']!r}")
        if args.sample:
            return 1 if surv else 0
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
