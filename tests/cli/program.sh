#!/usr/bin/env bash
# The lockref program itself, as a user and an adversary meet it (issue 10): options and
# per-command help, exit statuses, verdicts that only the transcript and the model decide,
# unusable input, eval as a long-lived oracle, decode on malformed captures and dumps,
# streaming and progress. Each defect of the issue is reproduced with its original input.
# Usage: program.sh LOCKREF SRC_DIR
set -uo pipefail
L=$(cd "$(dirname "$1")" && pwd)/$(basename "$1"); SRC=$2
source "$(dirname "$0")/lib.bash"
vec() { python3 -c "import json,sys; j=json.load(open('$SRC/vectors/$1')); v=[v for v in j['vectors'] if v['id']=='$2'][0]; print(v['$3']['hex'])"; }
# Peak resident memory (KB) of one run.
maxrss() { python3 -c 'import resource,subprocess,sys; subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"; }
# Peak-memory checks measure the program, so they run on the plain build only: under ASan the
# resident size is mostly shadow memory and allocator pools, which depend on the kernel (with
# transparent huge pages set to "always", every touched shadow page costs 2 MB) rather than on
# what lockref holds. The ASan run still executes every command; it only skips the comparison.
asan=0; ldd "$L" 2>/dev/null | grep -q libasan && asan=1
memcheck() {  # memcheck NAME CONDITION-CMD...: a memory assertion, skipped under ASan
  local name=$1; shift
  if [ $asan = 1 ]; then echo "skip - $name (ASan build: resident size is not the program's)"; return; fi
  if "$@"; then ok "$name"; else bad "$name"; fi
}

# ---- 1. a harmless flag must not flip the verdict ------------------------------------------
"$L" corpus epoch --slots 8 --count 200 --out "$T/c.jsonl" 2>/dev/null
run "1: check c.jsonl (--slots 8 corpus)"   0 '200 steps conform .*profile: header'     "$L" check "$T/c.jsonl"
run "1: ... --verbose: same verdict"        0 '200 steps conform'                       "$L" check "$T/c.jsonl" --verbose
run "1: ... --machine epoch: same verdict"  0 '200 steps conform'                       "$L" check "$T/c.jsonl" --machine epoch
out=$("$L" check "$T/c.jsonl" --quiet 2>&1); rc=$?
[ $rc = 0 ] && [ -z "$out" ] && ok "1: ... --quiet: exit 0, silent" || bad "1: --quiet: rc=$rc out=$out"
run "1: an option agreeing with the header" 0 'profile: options, agreeing with the header' "$L" check "$T/c.jsonl" --slots 8
run "1: an option contradicting the header" 2 'check: .*c.jsonl: --slots 4 contradicts the transcript header: profile.slots: header 8, options 4' \
  "$L" check "$T/c.jsonl" --slots 4
run "1: --profile contradicting the header" 2 'contradicts the transcript header: profile.slots: header 8, options 5' \
  "$L" check "$T/c.jsonl" --profile '{"slots":5}'
sed 1d "$T/c.jsonl" > "$T/nohead.jsonl"
run "1: no header: the options define it"   0 'profile: options\)'                      "$L" check "$T/nohead.jsonl" --slots 8
run "1: no header, no option: default (4 slots) diverges" 1 'total_slots: device 8, model 4' "$L" check "$T/nohead.jsonl"
"$L" corpus opal --firmware SE4SA530 --users 2 --ranges 2 --scope all --seed 5 --count 200 --out "$T/o.jsonl" 2>/dev/null
run "1: opal transcript --verbose"          0 '200 steps conform to the opal model'     "$L" check "$T/o.jsonl" --verbose
run "1: opal option of another machine"     2 '--slots is not an option of the opal machine' "$L" check "$T/o.jsonl" --slots 4
if command -v script >/dev/null; then
  out=$(script -qec "'$L' check '$T/c.jsonl' --verbose" /dev/null); rc=$?
  [ $rc = 0 ] && grep -q '200 steps conform' <<<"$out" && ok "1: same verdict on a terminal (progress line)" || bad "1: terminal verdict rc=$rc"
fi

# ---- 2. eval: non-ASCII in a hex field is an answer, never an abort ----------------------------
run "2: eval data é"                        1 '^\{"ok":false,"error":"data: hex: non-hex byte 0xc3 at offset 0"\}$' \
  "$L" eval '{"op":"crypto.sha384","data":"é"}'
out=$(printf '%s\n' '{"op":"crypto.sha384","data":"é"}' '{"op":"crypto.sha384","data":"00"}' | "$L" eval 2>&1); rc=$?
[ $rc = 1 ] && [ "$(wc -l <<<"$out")" = 2 ] && grep -q '"ok":true,"digest":"bec021b4' <<<"$out" && ! grep -q terminate <<<"$out" \
  && ok "2: stdin: the request after a bad one is answered; exit 1" || bad "2: stdin rc=$rc: $out"
run "2: a README example pasted with …"     1 '"ok":false,"error":"hek: hex: non-hex byte 0xe2 at offset 4"' \
  "$L" eval '{"op":"lock.derive_mek","hek":"1011…4f","sek":"2021…3f","dpk":"3031…4f","mpks":[]}'
printf '\xff{"op":"crypto.sha384"}\n' > "$T/bad-utf8.txt"
run "2: invalid UTF-8 request line"         1 '"ok":false,"error":"request is not valid UTF-8 text \(byte 1: invalid UTF-8 \(0xff\)\)"' \
  bash -c "'$L' eval < '$T/bad-utf8.txt'"
echo '{"vectors":[{"id":"pasted","request":{"op":"crypto.sha384","data":"é…"},"expect":{"digest":"00"}}]}' > "$T/v.json"
run "2: vectors on a file with non-ASCII hex" 1 'pasted.*got an error: data: hex: non-hex byte 0xc3' "$L" vectors "$T/v.json"

# ---- 3. unknown options are errors -------------------------------------------------------------
run "3: explore epoch --slot 8"             2 'lockref explore epoch: unknown option --slot$' "$L" explore epoch --slot 8
run "3: corpus epoch --countt 5"            2 'lockref corpus epoch: unknown option --countt' "$L" corpus epoch --countt 5
(cd "$T" && "$L" explore epoch --dots x.dot > "$T/dots.out" 2>&1); rc=$?
[ $rc = 2 ] && grep -q 'unknown option --dots' "$T/dots.out" && [ ! -e "$T/x.dot" ] && ! grep -q reachable "$T/dots.out" \
  && ok "3: explore --dots x.dot: exit 2 naming it, nothing explored" || bad "3: --dots rc=$rc"
run "3: a repeated option"                  2 '--slots: At Most 1 required but received 2' "$L" explore epoch --slots 4 --slots 8
run "3: a value for a flag"                 2 'lockref check: --verbose takes no value'   "$L" check "$T/c.jsonl" --verbose=yes
run "3: a missing value"                    2 'corpus epoch: .*--count'                   "$L" corpus epoch --count

# ---- 4. unusable input is exit 2 naming the cause, never a divergence -------------------------
printf '{"machine":"epoch","step":1,"event":{"type":"cold_reset"},"state":{"slots":"blank"}}\n' > "$T/slots.jsonl"
run "4: state.slots \"blank\""              2 'slots.jsonl: line 1: state.slots: expected array, got string' "$L" check "$T/slots.jsonl"
printf '{"machine":"epoch","step":1,"event":{"type":"cold_reset"},"state":{"slots":["blank","blank","blank","bogus"]}}\n' > "$T/enum.jsonl"
run "4: an impossible enum value"           2 'line 1: state.slots\[3\]: unknown value "bogus"' "$L" check "$T/enum.jsonl"
printf '{"machine":"epoch","step":1,"event":{"type":"cold_reset"},"expect":{"status":7}}\n' > "$T/status.jsonl"
run "4: expect.status a number"             2 'line 1: expect.status: expected string, got number' "$L" check "$T/status.jsonl"
printf 'this is not JSON\n' > "$T/text.jsonl"
run "4: check of non-JSON"                  2 'text.jsonl: line 1: not valid JSON \(byte 2\)' "$L" check "$T/text.jsonl"
printf '\x00\x01\x02\x03binary' > "$T/bin.jsonl"
run "4: check of a binary file"             2 'bin.jsonl: line 1, byte 1: NUL byte: binary data, not text' "$L" check "$T/bin.jsonl"
printf '{"machine":"epoch","note":"caf\xe9"}\n' > "$T/latin1.jsonl"
run "4: check of invalid UTF-8"             2 'latin1.jsonl: line 1, byte 31: invalid UTF-8 \(0xe9\)' "$L" check "$T/latin1.jsonl"
run "4: check of a directory"               2 "cannot read $T: it is a directory" "$L" check "$T"
: > "$T/empty.jsonl"
run "4: check of an empty file"             2 'empty.jsonl: empty input: no lines' "$L" check "$T/empty.jsonl"
for f in text bin latin1 empty; do
  out=$("$L" check "$T/$f.jsonl" 2>&1)
  grep -q 'names no' <<<"$out" && bad "4: $f blamed on the machine name" || ok "4: $f: the real cause, not 'names no machine'"
done
python3 -c "print('{\"machine\":\"epoch\",\"step\":1,\"event\":{\"type\":\"cold_reset\"},\"state\":{\"slots\":' + '['*100000 + ']'*100000 + '}}')" > "$T/deep.jsonl"
run "4: a 100000-deep value"                2 'line 1: nested deeper than 256 levels' "$L" check "$T/deep.jsonl"

# ---- 5. decode: malformed captures are findings with an offset; nesting is bounded ---------
T5=$(vec tcg-seed002.json kpio-table5-encode expect)
run "5: a truncated ComPacket"              1 'error: ComPacket Length \(offset 16\) is 108 but only 30 byte\(s\) follow the header' "$L" decode "${T5:0:100}"
run "5: ... the same with --as compacket"   1 'error: ComPacket Length \(offset 16\) is 108 but only 30' "$L" decode --as compacket "${T5:0:100}"
run "5: Length 0xFFFFFFFF"                  1 'error: ComPacket Length \(offset 16\) is 4294967295' "$L" decode "${T5:0:32}ffffffff${T5:40}"
run "5: empty input"                        2 'no bytes to decode' bash -c "'$L' decode < /dev/null"
L0=$(python3 -c "import json; j=json.load(open('$SRC/vectors/tcg-level0-seed002.json')); print([v for v in j['vectors'] if v['id']=='real-drive-samsung-evo-860'][0]['request']['hex'])")
run "5: Level 0 four bytes short"           1 'format: level0.*error: Length of Parameter Data \(offset 0\) is 144 but the response has only 140' \
  bash -c "set -o pipefail; '$L' decode '${L0:0:$(( ${#L0} - 8 ))}' | tr '\n' ' '"
for n in 16384 102400; do
  python3 -c "import sys; sys.stdout.write('f0'*$n + 'f1'*$n)" > "$T/nest.hex"
  out=$("$L" decode --file "$T/nest.hex" 2>&1); rc=$?
  [ $rc = 1 ] && grep -q 'error: offset 64: lists nested deeper than 64' <<<"$out" && [ "$(wc -c <<<"$out")" -lt 20000 ] \
    && ok "5: $((n * 2 / 1024)) KB of f0..f1: bounded output, exit 1" || bad "5: nested $n rc=$rc bytes=$(wc -c <<<"$out")"
done
rss=$(maxrss "$L" decode --file "$T/nest.hex")
memcheck "5: nested lists: peak memory ${rss} KB (< 300000)" [ "$rss" -lt 300000 ]
vec kmip-seed002.json kpio-table41-encode expect | python3 -c "import sys; sys.stdout.buffer.write(bytes.fromhex(sys.stdin.read().strip()))" > "$T/t41.bin"
run "5: a binary file"                      0 'input:  binary \(not text\), 384 byte.*' "$L" decode --file "$T/t41.bin"
run "5: binary on standard input"           0 'RequestMessage \(0x420078\) Structure len=376' bash -c "'$L' decode < '$T/t41.bin'"
run "5: an xxd dump"                        0 'input:  xxd dump, 384 byte' "$L" decode --file "$SRC/tests/cli/data/kmip-table41.xxd"
run "5: ... decoded as TTLV"                0 'Operation \(0x42005c\) Enumeration len=4 = 0x0000002a Import' "$L" decode --file "$SRC/tests/cli/data/kmip-table41.xxd"
run "5: a hexdump -C dump with * rows"      0 'input:  hexdump -C dump, 148 byte' "$L" decode --file "$SRC/tests/cli/data/level0-samsung-evo-860.hexdump"
run "5: ... decoded as Level 0"             0 'Feature 0x0203 \(unknown to lockref\)' "$L" decode --file "$SRC/tests/cli/data/level0-samsung-evo-860.hexdump"
if command -v xxd >/dev/null; then
  xxd "$T/t41.bin" | "$L" decode > "$T/xxd.out"; rc=$?
  [ $rc = 0 ] && grep -q 'xxd dump, 384' "$T/xxd.out" && ok "5: today's xxd output on stdin" || bad "5: xxd stdin rc=$rc"
fi
sed '3d' "$SRC/tests/cli/data/kmip-table41.xxd" > "$T/gap.xxd"
run "5: a dump with a missing row"          2 'line 3: offset 0x30, but 0x20 bytes came before it' "$L" decode --file "$T/gap.xxd"
run "5: not hex"                            2 'line 1, word 2: "zz" is not hex' "$L" decode 00 zz
run "5: the choice is explained"            0 'format: compacket \(Reserved \(bytes 0-3\) zero, Length 108 fits' "$L" decode "$T5"
run "5: an unknown --as"                    2 '--as: expected auto, (cms, )?compacket' "$L" decode --as pdf 00

# ---- 6. streaming, bounded exploration, progress ----------------------------------------------
out=$(timeout 120 bash -c "'$L' corpus epoch --count 10000000 | head -n 3" 2>/dev/null); rc=$?
[ $rc = 0 ] && [ "$(wc -l <<<"$out")" = 3 ] && ok "6: corpus --count 10000000 writes its first lines at once" || bad "6: corpus does not stream (rc=$rc)"
# Opal steps are ~5 KB of JSON each: holding 4000 of them would cost 20 MB more than 400.
small=$(maxrss "$L" corpus opal --firmware SE4SA530 --scope all --count 400 --out "$T/s.jsonl")
large=$(maxrss "$L" corpus opal --firmware SE4SA530 --scope all --count 4000 --out "$T/l.jsonl")
memcheck "6: corpus memory flat (400 steps ${small} KB, 4000 steps ${large} KB)" [ $((large - small)) -lt 5000 ]
small=$(maxrss "$L" check "$T/s.jsonl"); large=$(maxrss "$L" check "$T/l.jsonl")
memcheck "6: check memory flat (400 steps ${small} KB, 4000 steps ${large} KB)" [ $((large - small)) -lt 5000 ]
run "6: explore opal --firmware SE4SA530 --max-states 1000" 0 'reachable states: 1000 \(stopped at --max-states\)' \
  "$L" explore opal --firmware SE4SA530 --max-states 1000
run "6: ... reports the truncation"         0 'TRUNCATED: --max-states 1000 reached' "$L" explore opal --firmware SE4SA530 --max-states 1000
# Without --max-states the search is bounded by memory (--max-memory; default half the machine's).
# A 4 GB address-space limit guards the test itself, except under ASan (its shadow memory
# needs a huge reservation).
vlimit="ulimit -v 4000000;"; [ $asan = 1 ] && vlimit=""
run "6: explore opal --firmware SE4SA530 stops at --max-memory" 0 'TRUNCATED: --max-memory 33554432 bytes reached' \
  bash -c "$vlimit exec timeout 300 '$L' explore opal --firmware SE4SA530 --max-memory 32M --threads 1"
run "6: every machine honours --max-states" 0 'reachable states: +50 ' "$L" explore engine --max-states 50
"$L" corpus epoch --count 3000 --out "$T/p.jsonl" 2> "$T/p.err"
[ "$(cat "$T/p.err")" = "wrote 3000 steps to $T/p.jsonl" ] && ok "6: no progress line when stderr is not a terminal" || bad "6: stderr: $(head -c 200 "$T/p.err")"
if command -v script >/dev/null; then
  script -qec "'$L' corpus epoch --count 60000 --out '$T/p.jsonl'" /dev/null > "$T/tty.out"
  grep -q 'corpus epoch: [0-9]*/60000 ([0-9]*%) steps' "$T/tty.out" && ok "6: a progress line on a terminal" || bad "6: no progress on a terminal"
  # check and explore show theirs too, and erase it before the report.
  script -qec "'$L' check '$T/p.jsonl'" /dev/null > "$T/tty.out"
  grep -aEq 'check .*p\.jsonl: [0-9]+/[0-9]+ \([0-9]+%\) bytes, line [0-9]+' "$T/tty.out" && grep -aq '60000 steps conform' "$T/tty.out" \
    && ok "6: check: a progress line on a terminal" || bad "6: check: no progress on a terminal: $(head -c 300 "$T/tty.out")"
  script -qec "'$L' explore opal --firmware SE4SA530 --max-states 10000 --threads 1" /dev/null > "$T/tty.out"
  grep -aEq 'explore opal: [0-9]+ states .*frontier [0-9]+' "$T/tty.out" && grep -aq 'TRUNCATED: --max-states 10000' "$T/tty.out" \
    && ok "6: explore: a progress line on a terminal" || bad "6: explore: no progress on a terminal: $(head -c 300 "$T/tty.out")"
  "$L" explore opal --firmware SE4SA530 --max-states 10000 --threads 1 > /dev/null 2> "$T/p.err"
  [ ! -s "$T/p.err" ] && ok "6: explore: nothing on stderr when it is not a terminal" || bad "6: explore stderr: $(head -c 200 "$T/p.err")"
else
  echo "skip 6: progress on a terminal (no script(1))"
fi

# ---- 7. help, exit codes, u64, divergence by field ---------------------------------------------
for c in explore corpus check eval vectors invariants decode version; do
  run "7: $c --help"                        0 "Usage: lockref $c"   "$L" $c --help
  run "7: $c --bogus"                       2 "lockref( $c)?: unknown option --bogus" "$L" $c --bogus
done
run "7: help"                              0 '^Machines'           "$L" help
run "7: help --bogus"                       2 'unknown option --bogus' "$L" help --bogus
run "7: help COMMAND"                       0 'Usage: lockref check \[OPTIONS\] FILE' "$L" help check
machines=$("$L" help | sed -n '/^Machines/,/^$/p' | awk 'NR>1 && NF {print $1}')
[ -n "$machines" ] && ok "7: help lists machines" || bad "7: no machines in help"
for m in $machines; do
  run "7: explore $m --help"                0 "--max-states N"      "$L" explore $m --help
  run "7: corpus $m --help"                 0 "--seed N"            "$L" corpus $m --help
  run "7: explore $m --bogus"               2 "explore $m: unknown option --bogus" "$L" explore $m --bogus
done
run "7: help explore epoch"                 0 '--slots N +HEK fuse slots'          "$L" help explore epoch
run "7: check --help documents --quiet"   0 '--quiet  '    "$L" check --help
run "7: check --help documents --verbose" 0 '--verbose  '  "$L" check --help
run "7: decode --help documents --as"      0 '--as auto\|(cms\|)?compacket\|'  "$L" decode --help
run "7: decode --help documents --file"    0 '--file FILE'  "$L" decode --help
run "7: vectors --check is no option"       2 'lockref vectors: unknown option --check' "$L" vectors --check
run "7: vectors /nonexistent.json"          2 '/nonexistent.json: cannot read: no such file' "$L" vectors /nonexistent.json
run "7: eval: every request failed"         1 '"ok":false' bash -c "printf '%s\n' '{\"op\":\"nope\"}' '{oops' | '$L' eval"
run "7: eval: every request answered"       0 '"ok":true' "$L" eval '{"op":"crypto.sha384","data":""}'
run "7: --seed 18446744073709551615"        0 '"seed":18446744073709551615' "$L" corpus epoch --seed 18446744073709551615 --count 1
run "7: --seed 18446744073709551616"        2 '--seed: expected an integer in 0..18446744073709551615, got "18446744073709551616"' \
  "$L" corpus epoch --seed 18446744073709551616
python3 - "$T/o.jsonl" "$T/o-bad.jsonl" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
for i, l in enumerate(lines):
    j = json.loads(l)
    if "state" in j and j["state"].get("credentials"):
        j["state"]["credentials"][0]["tries"] += 3
        lines[i] = json.dumps(j)
        break
open(sys.argv[2], "w").write("\n".join(lines) + "\n")
PY
"$L" check "$T/o-bad.jsonl" > "$T/div.txt"; rc=$?
[ $rc = 1 ] && sed -n 2p "$T/div.txt" | grep -Eq '^  state\.credentials\[0\]\.tries: device [0-9]+, model [0-9]+$' \
  && ok "7: opal divergence names credentials[0].tries first" || bad "7: opal divergence: $(head -3 "$T/div.txt")"
[ "$(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$T/div.txt")" -lt 400 ] \
  && ok "7: no line of the opal report is longer than 400 characters" || bad "7: a long line in the opal report"
run "7: --verbose adds the whole state"     1 'state before the step: \{"' "$L" check --verbose "$T/o-bad.jsonl"
finish
