#!/usr/bin/env bash
# The normative index and `lockref invariants --coverage`: the committed index is what the
# extractor makes of the seeds, every sentence has a status, and each failure the coverage
# check promises (no status, a quote that is not seed text, a stale id after a
# re-extraction, a sentence edited by hand) is reported. Usage: coverage.sh LOCKREF SRC_DIR
set -uo pipefail
L=$1; SRC=$2
source "$(dirname "$0")/lib.bash"

SEEDS="$SRC/../shared/seeds"
if [ -d "$SEEDS" ]; then
  run "index is up to date with the seeds" 0 "up to date" python3 "$SRC/tools/normative_index.py" --seeds "$SEEDS" --check
else
  ok "index freshness skipped: no seeds at $SEEDS"
fi
run "coverage of the tree"         0 "0 coverage problem\(s\)"   "$L" invariants --coverage
run "per-section table"            0 "§4\.6\.4\.2 +[0-9]+ +[0-9]+"  "$L" invariants --coverage
run "sentence listing"             0 "001:4\.6\.4\.2:09f5eac6  covered by LOCK-4\.6\.4\.2-2" "$L" invariants --coverage --verbose

# A scratch data root: the tree's spec/ with one damage at a time.
fresh() {  # spec/ copied; the checks (tests/, properties/) as they are
  rm -rf "$T/root"; mkdir -p "$T/root"; cp -r "$SRC/spec" "$T/root/"
  ln -s "$SRC/tests" "$T/root/tests"; ln -s "$SRC/properties" "$T/root/properties"
}
fresh
run "the scratch root is clean"    0 "checks referenced, 0 problem" env LOCKREF_ROOT="$T/root" "$L" invariants --coverage
edit() {  # edit FILE PYTHON-EXPRESSION-ON-d
  python3 - "$T/root/$1" "$2" <<'PY'
import json, sys
p, expr = sys.argv[1], sys.argv[2]
d = json.load(open(p))
exec(expr)
json.dump(d, open(p, "w"), ensure_ascii=False, indent=1)
PY
}
cov() { LOCKREF_ROOT="$T/root" "$L" invariants --coverage; }

fresh; edit spec/normative/004_87bb5aba1330c1f6.status.json 'd["statuses"] = []'
run "a sentence with no status"    1 "004:background:6a605694 .* has no status" cov

fresh; edit spec/normative/001_30ed4cd62c635f55.status.json \
  'd["statuses"].append({"id": "001:4.6.4:00000000", "status": "planned", "reason": "x"})'
run "stale id in a status file"    1 "stale id 001:4\.6\.4:00000000" cov

fresh; edit spec/normative/001_30ed4cd62c635f55.status.json \
  'd["statuses"].append({"section": "9.9*", "status": "planned", "reason": "x"})'
run "stale section selector"       1 'section selector "9\.9\*" matches no sentence' cov

fresh; edit spec/normative/001_30ed4cd62c635f55.status.json \
  'd["statuses"].append({"section": "A", "status": "covered", "reason": "x"})'
run "covered is not hand-assigned" 1 'status "covered" \(planned or out_of_reach; covered is derived\)' cov

fresh; edit spec/normative/001_30ed4cd62c635f55.status.json \
  'd["statuses"].append({"id": "001:A:d4a804b8", "status": "out_of_reach"})'
run "out of reach needs a reason"  1 "out_of_reach without a reason" cov

fresh; edit spec/requirements/lock.json \
  '[r.update(text="The SEK shall only be programmed twice.") for r in d["requirements"] if r["id"] == "LOCK-4.6.4.2-1"]'
run "a quote that is not seed text" 1 'LOCK-4\.6\.4\.2-1: quoted text not in the index .*"The SEK shall only be programmed twice' cov

fresh; edit spec/requirements/lock.json \
  '[r.update(normative=["001:4.6.4.2:deadbeef"]) for r in d["requirements"] if r["id"] == "LOCK-FIG19-1"]'
run "stale id in a requirement"    1 'LOCK-FIG19-1: stale id 001:4\.6\.4\.2:deadbeef in "normative"' cov

# The sentence LOCK-4.6.4.2-2 quotes loses its requirement's check: it is no longer covered,
# and, having no hand status either, fails.
fresh; edit spec/requirements/lock.json \
  '[r.update(checks=["no such check"]) for r in d["requirements"] if r["id"] == "LOCK-4.6.4.2-2"]'
run "covered only with an existing check" 1 "001:4\.6\.4\.2:09f5eac6 .* has no status" cov

fresh; edit spec/normative/001_30ed4cd62c635f55.json \
  '[e.update(text=e["text"] + " (edited)") for e in d["sentences"] if e["id"] == "001:4.6.4.2:09f5eac6"]'
run "a sentence edited by hand"    1 "sentence 001:4\.6\.4\.2:09f5eac6 does not match its text" cov

fresh; edit spec/requirements/lock.json \
  'd["requirements"].append({"id": "X-OOR", "seed": "004_87bb5aba1330c1f6.txt", "section": "§overview", "status": "out_of_reach", "reason": "test reason", "text": "The KMB will be the only entity that can read MEKs and program them into the SED\x27s cryptographic engine."})'
run "a requirement marked out of reach gives its reason" 0 "004:overview:8b9a9cfb  out of reach \(test reason\)" \
  env LOCKREF_ROOT="$T/root" "$L" invariants --coverage --verbose

# "label: cell": a table's field name before the cell's text is the catalogue's annotation;
# the cell must still be seed text.
fresh; edit spec/requirements/kmb.json \
  '[r.update(text="LOCK_NO_HANDLES: Too many extant handles exist.") for r in d["requirements"] if r["id"] == "KMB-4.7.2.23-NOHANDLES"]'
run "a label before a table cell"  0 "0 coverage problem" cov
fresh; edit spec/requirements/kmb.json \
  '[r.update(text="LOCK_NO_HANDLES: Too few extant handles exist.") for r in d["requirements"] if r["id"] == "KMB-4.7.2.23-NOHANDLES"]'
run "a label before a wrong cell"  1 'KMB-4\.7\.2\.23-NOHANDLES: quoted text not in the index .*Too few extant' cov

fresh; rm "$T/root/spec/normative/003_d440909de6bfcb0d.status.json"
run "a seed without a status file" 1 "003:[0-9.]+:[0-9a-f]+ .* has no status" cov
finish
