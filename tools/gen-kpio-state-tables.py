#!/usr/bin/env python3
"""Transcribes the state tables of seed 002 §4 (Tables 71-108) into vectors/kpio-state-tables.json.

Each vector pairs a "before" table with the "after" table of the same example and the
operation the note applies between them (§4.1: "each table representing a state, and the
operation invocation representing a state transition"). The table cells are copied from the
seed text verbatim; the operations are written here from the prose of each example.
usage: gen-kpio-state-tables.py <seed-002.txt> <out.json>
"""
import json
import re
import sys

seed = open(sys.argv[1], encoding="utf-8").read().splitlines()


def table(n):
    """Rows of Table n: the lines after its caption that hold tab-separated cells."""
    start = None
    for i, line in enumerate(seed):
        if re.match(rf"^Table {n}: ", line) and "\t" not in line:
            start = i
    if start is None:
        raise SystemExit(f"Table {n} not found")
    rows, header_seen = [], False
    for line in seed[start + 1:]:
        if line.startswith("Table ") or re.match(r"^\d+(\.\d+)+ ", line):
            break
        cells = line.split("\t")
        if cells[0] in ("Namespace", "KeyEncryptionKey"):
            header_seen = True
            continue
        if header_seen and len(cells) >= 4 and re.match(r"^(NS|KEK)\d+$", cells[0]):
            rows.append([c.strip() for c in cells])
        elif header_seen and rows and line.strip() == "" and len(rows) >= 7:
            break
    return rows, start + 1


def ns_rows(n):
    rows, line = table(n)
    out = []
    for r in rows:
        r = r + [""] * (5 - len(r))
        out.append({"ns": r[0], "key_tags": r[1], "managed": r[2], "allowed": r[3], "cache": r[4]})
    return out, line


def kek_rows(n):
    rows, line = table(n)
    return [{"kek": r[0], "lock_on_reset": r[1], "access_lock_enabled": r[2], "access_locked": r[3]} for r in rows], line


EX = [
    # (before, after, section, kpiosc, policies, ops)
    (71, 72, "4.2.1", 1, {}, [{"type": "activate"}]),
    (73, 74, "4.2.2", 0, {}, [{"type": "activate"}]),
    (75, 76, "4.2.3", 0, {}, [{"type": "set", "object": "KeyTagAllocation5", "column": "Managed", "value": True}]),
    (77, 78, "4.2.4", 0, {}, [{"type": "set", "object": "KeyTagAllocation2", "column": "Managed", "value": False}]),
    (79, 80, "4.2.5", 0, {}, [{"type": "set", "object": "KeyTagAllocation2", "column": "NumberOfKeyTags", "value": 4}]),
    (81, 82, "4.2.6", 0, {}, [{"type": "set", "object": "KeyTagAllocation2", "column": "NumberOfKeyTags", "value": 2}]),
    (83, 84, "4.2.7", 0, {}, [{"type": "import_kek", "row": 1, "key": "KEK1", "kmip_uid": "KEK1", "wrap": "plaintext"},
                              {"type": "set", "object": "KeyTagAllocation2", "column": "AllowedKeyEncryptionKeys",
                               "value": ["KeyEncryptionKey1"]}]),
    (85, 86, "4.2.8", 0, {}, [{"type": "properties", "max_kmip_batch_items": 2},
                              {"type": "import_mek", "nsid": 2, "key_tag": 0, "key": "KPIO-MEK1", "wrapping_row": 1}]),
    (87, 88, "4.2.9", 0, {"clear_single_mek_allowed": True}, [{"type": "clear_single_mek", "nsid": 3, "key_tag": 1}]),
    (89, 90, "4.2.10", 0, {"clear_all_meks_allowed": True}, [{"type": "clear_all_meks", "nsid": 2}]),
    (91, 92, "4.2.11", 0, {"clear_all_meks_allowed": True}, [{"type": "clear_all_meks", "nsid": 4294967295}]),
    (93, 94, "4.2.12", 1, {}, [{"type": "revert_sp"}]),
    (95, 96, "4.2.13", 0, {}, [{"type": "revert_sp"}]),
    (97, 98, "4.3.1", 0, {}, [{"type": "power_cycle"}]),
    (99, 100, "4.3.2", 0, {}, [{"type": "hardware_reset"}]),
    (101, 102, "4.3.3", 0, {}, [{"type": "tper_reset"}]),
    (103, 104, "4.3.4", 0, {}, [{"type": "power_cycle"}]),
    (105, 106, "4.3.5", 0, {}, [{"type": "hardware_reset"}]),
    (107, 108, "4.3.6", 0, {}, [{"type": "tper_reset"}]),
]

vectors = []
for before, after, sec, kpiosc, pol, ops in EX:
    kek = before >= 103
    f = kek_rows if kek else ns_rows
    b, bl = f(before)
    a, al = f(after)
    v = {
        "id": f"kpio-table{before}-to-table{after}",
        "provenance": f"seed 002 (TCG Key Per I/O application note) §{sec}, Table {before} (seed line {bl}) -> "
                      f"Table {after} (seed line {al}); operation from the prose of §{sec}",
        "kpiosc": kpiosc,
        "policies": pol,
        "before": b,
        "ops": ops,
        "after": a,
    }
    if after == 108 and len(a) < len(b):
        v["damage"] = ["Table 108 ends the seed text after the KEK3 row: the KEK4 row is cut off; the prose of "
                       "§4.3.6 says 'The AccessLocked column remains FALSE for KEK4', so the vector adds it"]
        a.append({"kek": "KEK4", "lock_on_reset": "{Power Cycle and Programmatic}", "access_lock_enabled": "FALSE",
                  "access_locked": "FALSE"})
    vectors.append(v)

out = {
    "topic": "Key Per I/O state tables (seed 002 §4, Tables 71-108)",
    "description": "Each vector: the state before (a table of §4), the operation of the example, the state after "
                   "(the next table). Cells as the seed prints them; a Key Cache cell lists the MEK per key tag "
                   "slot in order (Empty = no MEK; slots after the last listed MEK are empty). The §4 TPer: 7 "
                   "namespaces, 3 key tags allocated, 4 supported per namespace (Table 79).",
    "provenance": "transcribed from 002_663e49dcce633651.txt by tools/gen-kpio-state-tables.py",
    "vectors": vectors,
}
json.dump(out, open(sys.argv[2], "w"), indent=1)
print(f"{len(vectors)} vectors")
