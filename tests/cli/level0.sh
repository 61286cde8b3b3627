#!/usr/bin/env bash
# `lockref decode` of Level 0 Discovery responses as a person reads them (issue 14): the
# real-drive captures of ../shared/external-vectors/tcg decoded into named fields and flag
# bits, the CC operating-mode indicator by name, captures cut short at several points decoded
# as far as they go with the problem named and exit 1, and `--as` forcing each format.
#   bash tests/cli/level0.sh <lockref-binary> <source-dir>
set -uo pipefail
L=${1:?lockref}; SRC=${2:?source dir}
. "$SRC/tests/cli/lib.bash"
REAL="$SRC/../shared/external-vectors/tcg/level0_real_drives.txt"
if [ ! -f "$REAL" ]; then echo "skip: $REAL missing"; exit 0; fi
EVO860=$(grep '^hex:' "$REAL" | sed -n 1p | cut -c6-)
EVO970=$(grep '^hex:' "$REAL" | sed -n 2p | cut -c6-)

# Whole captures: every descriptor named, flags by name (values read from the bytes by hand:
# 860 Locking byte 0x1f, 970 Locking byte 0x09, 970 Namespace Locking byte 0x80).
run "860: Locking flags" 0 "locked = 1" "$L" decode "$EVO860"
run "860: MBR enabled" 0 "mbr_enabled = 1" "$L" decode "$EVO860"
run "970: media encryption, not locked" 0 "locked = 0" "$L" decode "$EVO970"
run "970: Opal V2 Base ComID" 0 "base_comid = 4100 \(0x1004\)" "$L" decode "$EVO970"
run "970: Locking SP users" 0 "num_locking_user_authorities = 9" "$L" decode "$EVO970"
run "970: Block SID named" 0 "Feature 0x0402 Block SID Authentication" "$L" decode "$EVO970"
run "970: Namespace Locking Range_C" 0 "range_c = 1" "$L" decode "$EVO970"
run "970: Geometry" 0 "logical_block_size = 512" "$L" decode "$EVO970"
run "970: DataStore" 0 "max_datastore_total_size = 10485760" "$L" decode "$EVO970"
run "layouts cite their table" 0 "layout: Opal SSC v2.30 §3.1.1.3 Table 4" "$L" decode "$EVO970"
run "CC indicator by name (0 on a Samsung drive)" 0 "CC Security Mode Operating Mode Indicator \(byte 30 bit 0, seed 000 Show Status\) = 0" \
  "$L" decode "$EVO970"
# byte 30 (hex digits 60-61) bit 0 set: the indicator reads 1
CC=${EVO860:0:60}01${EVO860:62}
run "CC indicator set at byte 30 bit 0" 0 "= 1 \(CC Approved Mode\)" "$L" decode "$CC"

# Cut short: decoded as far as it goes, the problem named, exit 1 (never a token-stream fallback).
n=${#EVO970}
run "4 bytes short: level0 chosen" 1 "format: level0" "$L" decode "${EVO970:0:$((n - 8))}"
run "4 bytes short: what is missing" 1 "Length of Parameter Data \(offset 0\) is 180 but the response has only 176 byte\(s\) after it: the capture is cut at offset 180, 4 byte\(s\) missing" \
  "$L" decode "${EVO970:0:$((n - 8))}"
run "4 bytes short: the cut descriptor" 1 "feature 0x0403 \(Configurable Namespace Locking\) at offset 164 is cut: its Length 16 needs bytes 168..183, only 12 present" \
  "$L" decode "${EVO970:0:$((n - 8))}"
run "4 bytes short: earlier descriptors decoded" 1 "unused_key_count = 8|num_locking_user_authorities = 9" "$L" decode "${EVO970:0:$((n - 8))}"
run "cut inside a descriptor header" 1 "feature descriptor at offset 148: its 4-byte header is cut, 2 byte\(s\) present" \
  "$L" decode "${EVO970:0:300}"
run "cut inside Opal V2: the fields present are shown" 1 "Feature 0x0203 Opal SSC V2 .*Length=16 \(CUT: 7 byte\(s\) present\)" \
  "$L" decode "${EVO970:0:$(((128 + 4 + 7) * 2))}"
run "cut inside the header" 1 "a response starts with a 48-byte header, got 40 byte\(s\) \(Length of Parameter Data 180 declares 184\)" \
  "$L" decode --as level0 "${EVO970:0:80}"
# Inconsistent: a descriptor Length running past Length of Parameter Data (byte 0x43 = the Locking Length)
BAD=${EVO860:0:134}ff${EVO860:136}
run "descriptor past Length of Parameter Data" 1 "feature 0x0002 at offset 64: Length 255 runs past Length of Parameter Data \(ends at 148\)" \
  "$L" decode --as level0 "$BAD"

# --as forces each format the issue names; mailbox is the KMB format.
# (a Level 0 response is no ComPacket, no TTLV and no token stream: those exit 1 naming the
# first bad byte)
run "--as level0" 0 "format: level0 \(--as\)" "$L" decode --as level0 "$EVO860"
run "--as compacket" 1 "format: compacket \(--as\)" "$L" decode --as compacket "$EVO860"
run "--as ttlv" 1 "TTLV item at offset 0: unknown item type 0x90" "$L" decode --as ttlv "$EVO860"
run "--as tokens" 1 "format: tokens \(--as\)" "$L" decode --as tokens "$EVO860"
run "--as tokens names the first bad atom (byte 3, 0x90: an empty integer)" 1 "error: offset 3: integer atom with no data bytes" \
  "$L" decode --as tokens "$EVO860"
# a short integer atom with no data bytes (0x80) is shown, and the decode fails on it
run "--as tokens: an integer atom with no data bytes" 1 "offset 0: integer atom with no data bytes" "$L" decode --as tokens 80
run "--as tokens: that atom after a good one is named by its offset" 1 "offset 1: integer atom with no data bytes" \
  "$L" decode --as tokens 0580
run "--as mailbox is the KMB mailbox format" 1 "format: kmb \(--as mailbox\)" "$L" decode --as mailbox "$EVO860"
run "--as of an unknown format is a usage error" 2 "level0" "$L" decode --as nosuch "$EVO860"
finish
