#!/usr/bin/env python3
"""Level 0 Discovery (Table 1), Namespace Level 0 Discovery (Table 2) and the
Security Protocol 0x02 layouts (Tables 31, 32, 34, 35, 66) of seed 002, and the
Level 0 captures of real drives (../shared/external-vectors/tcg), as golden vectors.

Independent of lockref: bytes are assembled here from the tables' field rows;
the expected typed fields are the tables' Value columns. Field names are lockref's
JSON names (an interface choice); every value comes from the seed.

usage: extract_seed002_level0.py SEED.txt REAL_DRIVES.txt OUTDIR
"""
import json
import re
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from extract_seed002 import SEED, check_dump, is_hex_cell, hexbytes, load, tables  # noqa: E402

# Table purpose -> lockref field name, per feature
FIELDS = {
    0x0001: {"TPer Feature Supported": "tper_features"},
    0x0305: {
        "Protocol 0x01 Base ComID": "base_comid_protocol1",
        "Protocol 0x01 Number ComID Supported": "num_comids_protocol1",
        "Protocol 0x03 Base ComID": "base_comid_protocol3",
        "Protocol 0x03 Number ComID Supported": "num_comids_protocol3",
        "Initial C_PIN_SID PIN Indicator": "initial_cpin_sid_indicator",
        "Behavior of C_PIN_SID PIN upon TPer Revert": "cpin_sid_revert_behavior",
        "Number of Key Per IO SP Admin Authorities Supported": "num_admin_authorities",
        "Key Per IO Features": "kpio_features",
        "Maximum Supported Key Unique Identifier Length": "max_key_uid_length",
        "Key Injection Protocol Formats": "key_injection_protocol_formats",
        "Wrapping Algorithms": "wrapping_algorithms",
        "AES Key Wrapping Key Sizes": "aes_key_wrapping_key_sizes",
        "RSA OAEP Key Wrapping Key Sizes": "rsa_oaep_key_wrapping_key_sizes",
        "KEK Provisioning Models": "kek_provisioning_models",
        "Number of Key Encryption Keys Supported": "num_keks",
        "Total Number of Key Tags Supported": "total_key_tags",
        "Maximum Number of Key Tags Supported Per Namespace": "max_key_tags_per_namespace",
        "Get Nonce Command Nonce Length": "get_nonce_length",
    },
    0x0404: {
        "Data Removal Operation Flag": "data_removal_operation_flag",
        "Supported Data Removal Mechanism": "supported_data_removal_mechanism",
        "Data Removal Time Format Flag": "data_removal_time_format",
        **{f"Data Removal Time for Bit {i}": f"data_removal_time_bit{i}" for i in range(6)},
    },
    0x040A: {"Feature flags": "feature_flags", "Number of Allocated Key Tags": "num_allocated_key_tags"},
}
# Named flag bits lockref reports ("flags"), per byte field: flag name -> the words the seed's
# Notes column uses for it. A field whose Value is 0 has every flag 0; otherwise a flag is 1
# exactly when its words appear in the Notes (e.g. Table 1: 0x11 "Sync Supported and
# Streaming Supported"). Bit positions are not used here: the words are the seed's.
FLAGS = {
    0x0001: {"tper_features": {"sync_supported": "Sync Supported", "async_supported": "Async Supported",
                               "ack_nak_supported": "ACK/NAK Supported", "buffer_mgmt_supported": "Buffer Management Supported",
                               "streaming_supported": "Streaming Supported", "comid_mgmt_supported": "ComID Management Supported"}},
    0x0404: {"data_removal_operation_flag": {"data_removal_operation_processing": "Processing",
                                             "data_removal_operation_interrupted": "Interrupted"},
             "supported_data_removal_mechanism": {"overwrite_data_erase": "Overwrite Data Erase", "block_erase": "Block Erase",
                                                  "cryptographic_erase": "Cryptographic Erase",
                                                  "vendor_specific_erase": "Vendor Specific Erase"},
             "data_removal_time_format": {f"time_format_bit{i}_minutes": f"Bit {i}" for i in (0, 1, 2, 5)}},
    0x040A: {"feature_flags": {"managed_by_key_per_io": "Managed By Key Per I/O"}},
}
NAMES = {0x0001: "TPer", 0x0305: "Key Per I/O SSC", 0x0404: "Supported Data Removal Mechanism",
         0x040A: "Namespace Key Per I/O Capabilities"}


def value_of(cell):
    cell = cell.strip()
    return int(cell, 16) if cell.lower().startswith("0x") else int(cell)


def level0_table(t):
    notes = {"damage": [], "table_inconsistency": []}
    header, feats, cur = {}, [], None
    for cols, line in t["rows"]:
        cell, purpose = cols[0].strip(), cols[1].strip()
        val = cols[2].strip() if len(cols) > 2 else ""
        if not is_hex_cell(cell):
            continue
        b = hexbytes(cell)
        if purpose == "Feature Code":
            cur = {"code": int.from_bytes(b, "big"), "body": bytearray(), "fields": {}, "flags": {}, "rows": []}
            feats.append(cur)
            continue
        if cur is None:
            header[purpose] = (b, line)
            continue
        if purpose in ("Version", "Feature Descriptor Version Number"):
            cur["version"] = b[0]
        elif purpose == "Length":
            cur["length"] = b[0]
        else:
            name = FIELDS[cur["code"]].get(purpose)
            if name is not None:
                v = value_of(val)
                if int.from_bytes(b, "big") != v:
                    notes["damage"].append(
                        f"Table {t['num']} {purpose} (seed line {line}): Bytes column '{cell}' but Value {val}; the Value "
                        f"column and the dump agree on {v:#x} (the known 13-vs-0x12 spot)")
                    b = v.to_bytes(len(b), "big")
                cur["fields"][name] = v
                notes_text = cols[3].strip() if len(cols) > 3 else ""
                for flag, words in FLAGS.get(cur["code"], {}).get(name, {}).items():
                    cur["flags"][flag] = int(v != 0 and re.search(r"(?<![A-Za-z])" + re.escape(words), notes_text) is not None)
            cur["body"] += b
    # the header: the tables show fewer bytes than the 48-byte header the dump and Length imply
    length = int.from_bytes(header["Length Of Parameter Data" if "Length Of Parameter Data" in header else "Length of Parameter Data"][0], "big")
    rev = int.from_bytes(header["Data Structure Revision"][0], "big")
    shown = sum(len(b) for b, _ in header.values())
    if shown != 48:
        notes["table_inconsistency"].append(
            f"E-KPIO-L0-1: Table {t['num']} lists {shown} header bytes; the dump places the first feature descriptor at "
            f"offset 0x30 and Length of Parameter Data ({length}) counts a 48-byte header (TCG Core: Reserved 8, Vendor "
            f"Specific 32)")
    out = bytearray(length.to_bytes(4, "big") + rev.to_bytes(4, "big") + bytes(40))
    jfeats = []
    for f in feats:
        if len(f["body"]) != f["length"]:
            notes["table_inconsistency"].append(
                f"E-KPIO-L0-2: Table {t['num']} feature {f['code']:#06x}: Length {f['length']} but the rows list "
                f"{len(f['body'])} bytes (the extra bytes are Reserved zeros; Length and the dump are used)")
            body = bytes(f["body"][:f["length"]]) + bytes(max(0, f["length"] - len(f["body"])))
        else:
            body = bytes(f["body"])
        out += f["code"].to_bytes(2, "big") + bytes([f["version"], f["length"]]) + body
        jfeats.append({"code": f"0x{f['code']:04x}", "name": NAMES[f["code"]], "version_byte": f["version"],
                       "length": f["length"], "fields": f["fields"], **({"flags": f["flags"]} if f["flags"] else {}),
                       "data": body.hex()})
    if len(out) - 4 != length:
        notes["table_inconsistency"].append(f"Table {t['num']}: Length of Parameter Data {length}, descriptors make {len(out) - 4}")
    check_dump(t["dump"], bytes(out), notes)
    disc = {"revision": rev, "reserved": "00" * 8, "vendor": "00" * 32, "features": jfeats}
    return bytes(out), disc, {k: v for k, v in notes.items() if v}


def sp02_tables(ts):
    """Tables 31/32/34/35/66: byte-range tables -> fields."""
    out = {}
    for t in ts:
        if t["num"] not in (31, 32, 34, 35, 66):
            continue
        rows = []
        for cols, line in t["rows"]:
            rng, val, desc = cols[0].strip(), cols[1].strip(), cols[2].strip()
            m = re.fullmatch(r"(\d+) to (\d+|TRNSFLEN-1)", rng)
            rows.append((int(m.group(1)), m.group(2), val, desc, line))
        out[t["num"]] = (t, rows)
    return out


def main():
    seed, real, outdir = sys.argv[1], sys.argv[2], sys.argv[3]
    lines = load(seed)
    ts = tables(lines)
    vecs = []
    for t in ts:
        if t["num"] not in (1, 2):
            continue
        b, disc, notes = level0_table(t)
        prov = f"{SEED} §{t['section'] or '3.3.2'} Table {t['num']} ({t['title']}), seed line {t['line']}"
        padded = b + bytes(512 - len(b))
        vecs.append(dict(id=f"kpio-table{t['num']}-parse", provenance=prov + "; parsed from the 512-byte transfer", **notes,
                         request={"op": "tcg.level0.parse", "hex": padded.hex()},
                         expect={"discovery": disc, "length": len(b)}))
        vecs.append(dict(id=f"kpio-table{t['num']}-emit", provenance=prov + "; typed fields only (data bytes zero-filled)",
                         request={"op": "tcg.level0.emit",
                                  "discovery": {"revision": disc["revision"],
                                                "features": [{"code": f["code"], "version_byte": f["version_byte"],
                                                              "length": f["length"], "fields": f["fields"]}
                                                             for f in disc["features"]]}},
                         expect={"hex": b.hex()}))
    # real drives: parse must succeed and keep every feature (code, version, length as listed)
    block = None
    for l in open(real, encoding="utf-8"):
        l = l.rstrip("\n")
        if l.startswith("## "):
            block = {"name": l[3:].strip()}
        elif l.startswith("hex: "):
            block["hex"] = l[5:].strip()
        elif l.startswith("features: "):
            feats = re.findall(r"0x([0-9a-f]{4})\(v(\d+),len(\d+)\)", l)
            b = bytes.fromhex(block["hex"])
            codes = [{"code": f"0x{c}", "version": int(v), "length": int(n)} for c, v, n in feats]
            vecs.append(dict(
                id="real-drive-" + re.sub(r"[^a-z0-9]+", "-", block["name"].lower()).strip("-"),
                provenance="../shared/external-vectors/tcg/level0_real_drives.txt (go-tcg-storage core_test.go capture): "
                           + block["name"],
                features_listed=codes,
                request={"op": "tcg.level0.parse", "hex": block["hex"]},
                expect={"length": len(b)}))
            # emit(parse(b)) == b: the emit request carries the raw descriptors from the capture itself
            off, raw = 48, []
            while off < len(b):
                code, ver, n = int.from_bytes(b[off:off + 2], "big"), b[off + 2], b[off + 3]
                raw.append({"code": f"0x{code:04x}", "version_byte": ver, "data": b[off + 4:off + 4 + n].hex()})
                off += 4 + n
            vecs.append(dict(
                id="real-drive-" + re.sub(r"[^a-z0-9]+", "-", block["name"].lower()).strip("-") + "-emit",
                provenance="same capture; emit of its descriptors must reproduce the captured bytes",
                request={"op": "tcg.level0.emit", "discovery": {"revision": int.from_bytes(b[4:8], "big"),
                                                                "reserved": b[8:16].hex(), "vendor": b[16:48].hex(),
                                                                "features": raw}},
                expect={"hex": b.hex()}))
    # Security Protocol 0x02 layouts (Tables 31, 32, 34, 35) and the Get Nonce payload (Table 66)
    sp = sp02_tables(ts)
    spvecs = []
    for num, (t, rows) in sorted(sp.items()):
        notes = {"damage": [], "table_inconsistency": []}
        buf, owner = bytearray(512), {}
        fields = {}
        for start, end, val, desc, line in rows:
            stop = 511 if end == "TRNSFLEN-1" else int(end)
            if val.replace(" ", "") == "00...00":
                data = bytes(stop - start + 1)
            else:
                data = hexbytes(val)
                if len(data) != stop - start + 1:
                    notes["table_inconsistency"].append(f"Table {num} bytes {start} to {end} (seed line {line}): {len(data)} byte(s) shown")
            for k, x in enumerate(data):
                i = start + k
                if i in owner:
                    if buf[i] != x:
                        notes["table_inconsistency"].append(
                            f"E-KPIO-SP2-1: Table {num} rows '{owner[i]}' and '{start} to {end} {desc}' (seed line {line}) "
                            f"overlap at byte {i} with different values; the earlier, specific row is kept")
                        break
                    continue
                buf[i] = x
                owner[i] = f"{start} to {end} {desc}"
            fields[desc] = data
        if num == 66:
            nonce = fields[next(k for k in fields if k.startswith("Nonce"))]
            spvecs.append(dict(id="kpio-table66-get-nonce", provenance=f"{SEED} §3.4.7.6 Table 66 ({t['title']}), seed line {t['line']}",
                               request={"op": "tcg.sp02.decode", "direction": "nonce", "nonce_length": 16, "hex": bytes(buf).hex()},
                               expect={"nonce": nonce.hex()}))
            continue
        code = int.from_bytes(buf[4:8], "big")
        command = {3: "clear_single_mek", 4: "clear_all_meks"}[code]
        direction = "response" if "Response" in t["title"] else "request"
        req = {"op": "tcg.sp02.encode", "command": command, "direction": direction, "comid": 0x0800}
        exp = {"command": command, "comid": 0x0800, "comid_ext": 0}
        if command == "clear_single_mek" and direction == "request":
            req["key_tag"] = int.from_bytes(buf[8:10], "big")
            exp["key_tag"] = req["key_tag"]
        if direction == "response":
            req["status"] = int.from_bytes(buf[12:16], "big")
            exp["status"] = req["status"]
        if buf[0:4] == bytes.fromhex("00000800"):
            notes["table_inconsistency"].append(
                "E-KPIO-SP2-2: Extended ComID printed as 00 00 08 00 for ComID 0x0800 (TCG Core orders ComID then "
                "ComID Extension: 08 00 00 00); lockref's default profile follows the seed's bytes")
        prov = f"{SEED} §{t['section']} Table {num} ({t['title']}), seed line {t['line']}; TRNSFLEN = 512"
        n = {k: v for k, v in notes.items() if v}
        spvecs.append(dict(id=f"kpio-table{num}-encode", provenance=prov, **n, request=req, expect={"hex": bytes(buf).hex()}))
        spvecs.append(dict(id=f"kpio-table{num}-decode", provenance=prov,
                           request={"op": "tcg.sp02.decode", "direction": direction, "hex": bytes(buf).hex()}, expect=exp))
    with open(f"{outdir}/tcg-sp02-seed002.json", "w") as f:
        json.dump({"topic": "tcg-sp02", "description": "Security Protocol 0x02 Clear Single MEK / Clear All MEKs requests and "
                   "responses (KPIO AN §3.3.15-16, Tables 31-35) and the Get Nonce payload (§3.4.7.6, Table 66)",
                   "provenance": SEED + " via tools/vectors/extract_seed002_level0.py", "vectors": spvecs}, f, indent=1)
        f.write("\n")
    print(f"{len(spvecs)} sp02 vectors")
    with open(f"{outdir}/tcg-level0-seed002.json", "w") as f:
        json.dump({"topic": "tcg-level0", "description": "Level 0 and Namespace Level 0 Discovery of KPIO AN §3.3.2 "
                   "(Tables 1, 2) and two real-drive captures with features lockref does not know",
                   "provenance": SEED + " Tables 1-2 via tools/vectors/extract_seed002_level0.py; go-tcg-storage captures",
                   "vectors": vecs}, f, indent=1)
        f.write("\n")
    print(f"{len(vecs)} level0 vectors")


if __name__ == "__main__":
    main()
