#!/usr/bin/env bash
# `lockref report`: the reviewer's HTML report, opened in headless Chromium (Debian
# chromium): the DOM as rendered (--dump-dom) holds every machine's diagram as an SVG, the
# summary counts and the errata; a screenshot shows a rendered page (not blank). Check
# status comes only from a --results JUnit file or the report's own exploration: with no
# results file no test check is "pass". Two chromium launches. Skips the browser part (with
# a message) only when chromium is missing or cannot start in this sandbox.
set -uo pipefail
lockref=${1:?lockref binary}; src=${2:?source dir}
export LOCKREF_ROOT="$src"
. "$src/tests/cli/lib.bash"

# Usage errors.
run "report without --out is a usage error" 2 "--out" "$lockref" report
run "an unreadable --results file is exit 2" 2 "cannot read" "$lockref" report --out "$T/x" --results "$T/missing.xml"
echo '<html/>' > "$T/notjunit.xml"
run "a --results file that is not JUnit is exit 2" 2 "not JUnit" "$lockref" report --out "$T/x" --results "$T/notjunit.xml"

# A results file naming two real checks: one passed, one failed, in the form ctest
# --output-junit writes (doctest_discover_tests' prefixes "unit:" and "property:", no space).
pass_check="kmb: end-to-end scenario (cold boot to enable after a cold reset)"
fail_check="kmb property: the plaintext MEK never appears in any response byte"
cat > "$T/results.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="Linux-c++" tests="2" failures="1" disabled="0" skipped="0" hostname="" time="0" timestamp="2026-12-01T00:00:00">
  <testcase name="unit:$pass_check" classname="unit:$pass_check" time="0.1" status="run"><system-out>ok</system-out></testcase>
  <testcase name="property:$fail_check" classname="property:$fail_check" time="0.1" status="fail"><failure message="Failed"/></testcase>
</testsuite>
XML
out=$("$lockref" report --out "$T/r" --results "$T/results.xml" --max-states 100 --diagram-states 15 --timeout 60 --quiet 2>&1); rc=$?
echo "$out"
# Exit 1: the failed check is a finding.
[ $rc = 1 ] && ok "a failed check in --results makes the report exit 1" || bad "report with a failed check: exit $rc, wanted 1"
machines=$("$lockref" --help | sed -n '/^Machines/,/^$/p' | grep -cE '^  [a-z]')
grep -q " $machines machines, $machines diagrams" <<<"$out" && ok "a diagram for each of the $machines machines" \
  || bad "summary does not report $machines diagrams: $out"
html="$T/r/index.html"
grep -q 'http[s]*://' "$html" && grep -Eo '(src|href)="https?://[^"]*' "$html" | head -3 | sed 's/^/  external: /'
grep -Eq '(src|href)="https?://' "$html" && bad "the report loads something from the network" || ok "no network reference"
grep -q '<script' "$html" && bad "the report has a script" || ok "no script"
# The two named checks have the statuses the file gives; the rest of the test checks are "not run".
py=$(python3 - "$html" "$pass_check" "$fail_check" <<'PY'
import html, re, sys
page = open(sys.argv[1]).read()
def status(check):
    m = re.search(r'<span class="badge (\w+)"[^>]*>([^<]*)</span>' + re.escape(html.escape(check)) + '</li>', page)
    return m.group(2) if m else None
print(status(sys.argv[2]), status(sys.argv[3]))
PY
)
[ "$py" = "pass fail" ] && ok "check status taken from --results (pass, fail)" || bad "check status from --results: got '$py'"
npass=$(grep -o 'id="n-pass">[0-9]*' "$html" | grep -o '[0-9]*$')
ninv=$(python3 -c "
import json,glob
n=0
for f in glob.glob('$src/spec/requirements/*.json'):
    for r in json.load(open(f))['requirements']:
        n+=sum(1 for c in r.get('checks',[]) if c.startswith('invariant:'))
print(n)")
# Passes: the invariants the exploration held, plus the one check the results file passes
# (named by however many requirements list it); nothing else may pass.
nref=$(grep -c "$pass_check" "$src"/spec/requirements/*.json | awk -F: '{s+=$2} END {print s}')
[ -n "$npass" ] && [ "$npass" -le $((ninv + nref)) ] && ok "only explored invariants and --results passes pass: $npass <= $ninv + $nref" \
  || bad "$npass checks pass (invariant checks: $ninv, passed in --results: $nref): a pass was invented"

# Headless Chromium: the DOM after rendering, and a screenshot.
chrome=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chrome" ]; then echo "SKIP (browser part): chromium not installed (tools/setup.sh installs it)"; finish; exit; fi
flags=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --user-data-dir="$T/profile"
       --disable-extensions --allow-file-access-from-files)
timeout 90 "$chrome" "${flags[@]}" --dump-dom "file://$html" > "$T/dom.html" 2> "$T/chrome1.log"; crc=$?
if [ $crc != 0 ] || [ ! -s "$T/dom.html" ]; then
  if grep -qiE 'sandbox|namespace|cannot open display|Operation not permitted' "$T/chrome1.log"; then
    echo "SKIP (browser part): chromium cannot start in this sandbox (exit $crc):"; tail -5 "$T/chrome1.log"; finish; exit
  fi
  bad "chromium --dump-dom failed (exit $crc)"; tail -20 "$T/chrome1.log"; finish; exit
fi
python3 - "$T/dom.html" "$machines" <<'PY' && ok "DOM: every diagram is an SVG with nodes, summary and errata present" || bad "DOM check"
import re, sys
dom, want = open(sys.argv[1]).read(), int(sys.argv[2])
figs = re.findall(r'<figure class="diagram" id="diagram-([a-z0-9-]+)">(.*?)</figure>', dom, re.S)
bad = [n for n, body in figs if "<svg" not in body or body.count('class="node"') < 1]
nodes = sum(b.count('class="node"') for _, b in figs)
print(f"DOM: {len(figs)} diagrams, {nodes} nodes; without nodes: {bad}")
assert len(figs) == want and not bad, (len(figs), want, bad)
assert re.search(r'id="n-requirements">\d+<', dom)
assert 'id="errata-text"' in dom and "<h2" in dom.split('id="errata-text"')[1][:5000] or "E-" in dom.split('id="errata-text"')[1][:20000]
assert "diagram-missing" not in dom
PY
timeout 90 "$chrome" "${flags[@]}" --window-size=1200,1600 --hide-scrollbars --virtual-time-budget=5000 --screenshot="$T/shot.png" "file://$html" \
  > "$T/chrome2.log" 2>&1
python3 - "$T/shot.png" <<'PY' && ok "screenshot: a rendered page (not blank)" || bad "screenshot"
import struct, sys, zlib
b = open(sys.argv[1], "rb").read()
assert b[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h, depth, ctype = struct.unpack(">IIBB", b[16:26])
idat, i = b"", 8
while i < len(b):
    n, t = struct.unpack(">I4s", b[i:i + 8]); i += 8
    if t == b"IDAT": idat += b[i:i + n]
    i += n + 4
raw = zlib.decompress(idat)
bpp = {2: 3, 6: 4}[ctype]
assert depth == 8, depth
stride, prev, rows = w * bpp, bytearray(w * bpp), []
for r in range(h):  # undo the PNG row filters (RFC 2083 §6)
    f, line = raw[r * (stride + 1)], bytearray(raw[r * (stride + 1) + 1:(r + 1) * (stride + 1)])
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        up, c = prev[x], prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + up) & 255
        elif f == 3: line[x] = (line[x] + (a + up) // 2) & 255
        elif f == 4:
            p_ = a + up - c; pa, pb, pc = abs(p_ - a), abs(p_ - up), abs(p_ - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else up if pb <= pc else c)) & 255
    rows.append(bytes(line)); prev = line
px = [r[x:x + 3] for r in rows[::4] for x in range(0, stride, bpp * 4)]
nonwhite = sum(1 for p_ in px if p_ != b"\xff\xff\xff")
colours = len(set(px))
total = len(px)
print(f"screenshot {w}x{h}, {100 * nonwhite / total:.1f}% of sampled pixels not white, {colours} colours")
assert (w, h) == (1200, 1600) and 0.01 < nonwhite / total < 0.99 and colours >= 4
PY
finish
