#!/usr/bin/env bash
# `lockref corpus --walks N --shard i/n`: four shards written by GNU parallel merge (in shard
# order) into exactly the unsharded corpus, which `check` accepts; every machine shards; the
# coverage summary. Usage: corpus_shards.sh LOCKREF SRC_DIR
set -uo pipefail
L=$1; SRC=$2
source "$(dirname "$0")/lib.bash"
cd "$T"

"$L" corpus epoch --seed 7 --walks 10 --count 40 --out all.jsonl 2>/dev/null || bad "unsharded corpus"
parallel --will-cite --halt now,fail=1 "'$L' corpus epoch --seed 7 --walks 10 --count 40 --shard {}/4 --out shard{}.jsonl" ::: 1 2 3 4 2>/dev/null \
  && ok "parallel: four shards written" || bad "parallel: a shard failed"
cat shard1.jsonl shard2.jsonl shard3.jsonl shard4.jsonl > merged.jsonl
cmp -s all.jsonl merged.jsonl && ok "the shards merge into exactly the unsharded corpus" || bad "merged shards differ from the unsharded corpus"
[ "$(grep -c '"step"' all.jsonl)" = 400 ] && ok "10 walks of 40 steps" || bad "step count"
# Disjoint: each walk's header is in exactly one shard, walks 0..9 in all.
python3 - shard1.jsonl shard2.jsonl shard3.jsonl shard4.jsonl <<'PY' && ok "shards are disjoint and cover walks 0..9" || bad "shards overlap or miss a walk"
import json, sys
seen = []
for f in sys.argv[1:]:
    seen += [json.loads(l)["walk"] for l in open(f) if '"step"' not in l]
sys.exit(0 if sorted(seen) == list(range(10)) and len(seen) == len(set(seen)) else 1)
PY
"$L" corpus epoch --seed 7 --walks 10 --count 40 --shard 3/4 --out again.jsonl 2>/dev/null
cmp -s shard3.jsonl again.jsonl && ok "a shard is reproducible" || bad "shard 3 differs on a second run"
run "check the merged corpus"   0 "400 steps conform to the epoch model" "$L" check merged.jsonl
"$L" corpus epoch --seed 7 --count 40 > one.jsonl 2>/dev/null
"$L" corpus epoch --seed 7 --walks 3 --count 40 > three.jsonl 2>/dev/null
[ "$(head -n 41 three.jsonl | sed 's/,"walk":0//')" = "$(cat one.jsonl)" ] && ok "walk 0 is the single-walk corpus of the seed" || bad "walk 0 differs from --walks 1"

# Every machine with the generic corpus shards the same way.
for m in epoch engine kmb-driver engine-system opal kmb drive fwpkg kpio; do
  "$L" corpus $m --seed 3 --walks 4 --count 6 --out "all-$m.jsonl" 2>/dev/null
  for i in 1 2; do "$L" corpus $m --seed 3 --walks 4 --count 6 --shard $i/2 --out "s$i-$m.jsonl" 2>/dev/null; done
  cat "s1-$m.jsonl" "s2-$m.jsonl" | cmp -s - "all-$m.jsonl" && "$L" check --quiet "all-$m.jsonl" \
    && ok "$m: two shards merge into the corpus, which checks" || bad "$m: shards"
done

run "engine-regs has one walk"  2 "--walks and --shard are not available" "$L" corpus engine-regs --walks 2
run "shard 0/4"                 2 '--shard: expected 1 <= i <= n, got "0/4"' "$L" corpus epoch --walks 4 --shard 0/4
run "shard 5/4"                 2 '--shard: expected 1 <= i <= n, got "5/4"' "$L" corpus epoch --walks 4 --shard 5/4
run "shard junk"                2 '--shard: expected i/n' "$L" corpus epoch --shard x
run "more shards than walks"    2 "give --walks N with N >= 4" "$L" corpus epoch --shard 1/4
run "a walk header with another profile" 2 "walk header: its profile differs" \
  bash -c "cat all.jsonl > mixed.jsonl; '$L' corpus epoch --slots 5 --walks 2 --count 3 | tail -n 4 >> mixed.jsonl; '$L' check mixed.jsonl"

# Coverage: epoch has seven event types (README, epoch); 400 steps reach them all.
"$L" corpus epoch --seed 7 --walks 10 --count 40 --coverage > /dev/null 2> cov.txt
grep -q "event types: 7 of 7 exercised" cov.txt && ok "coverage: every epoch event type" || { bad "coverage: event types"; cat cov.txt; }
grep -q "LOCK_HEK_INVALID_SLOT" cov.txt && grep -q "requirements named by a step's rule" cov.txt && grep -q "no step named" cov.txt \
  && ok "coverage: result codes and requirement ids, reached and not" || { bad "coverage: codes/requirements"; cat cov.txt; }
"$L" corpus opal --seed 1 --count 5 --coverage > /dev/null 2> cov2.txt
grep -q "event types never sent" cov2.txt && ok "coverage: names the event types a short corpus never sends" || { bad "coverage: never"; cat cov2.txt; }
finish
