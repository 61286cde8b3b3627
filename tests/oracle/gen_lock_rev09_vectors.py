#!/usr/bin/env python3
"""Writes vectors/lock-rev09-derivations.json: requests chosen here, expected answers
computed by the independent oracle lock_rev09_oracle.py (python3-cryptography), never by
lockref. Rerun after changing the oracle or the inputs:
    python3 tests/oracle/gen_lock_rev09_vectors.py > vectors/lock-rev09-derivations.json
tests/oracle/test_lock_rev09.py recomputes every entry and compares with lockref eval."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lock_rev09_oracle import answer  # noqa: E402


def pat(start, n):
    """n bytes start, start+1, ... (mod 256): recognisable, distinct inputs."""
    return bytes((start + i) % 256 for i in range(n)).hex()


CDI = pat(0x40, 64)
HEK_SEED = pat(0xA0, 32)
HEK = pat(0x10, 64)
SEK = pat(0x20, 32)
DPK = pat(0x30, 32)
MPKS = [pat(0x50, 32), pat(0x70, 32), pat(0x90, 32)]
AK = pat(0xC0, 32)
MDK = pat(0xD0, 64)
SALT = pat(0x01, 12)
IV = pat(0xE0, 12)
META = pat(0xF0, 20)
MEK = pat(0x33, 64)
NONCE = pat(0x77, 32)
SRC = "seed 001"
vectors = []


def add(vid, prov, req):
    exp = answer(req)
    vectors.append({"id": vid, "provenance": prov + "; expected values: tests/oracle/lock_rev09_oracle.py (python3-cryptography)",
                    "request": req, "expect": exp})
    return exp


# §4.6.1.2 SP 800-108 KDF
add("kdf-no-context", SRC + " §4.6.1.2", {"op": "lock.sp800_108", "key": HEK, "label": "derived_mek"})
add("kdf-context", SRC + " §4.6.1.2", {"op": "lock.sp800_108", "key": CDI, "label": "ocp_lock_hek", "context": HEK_SEED})
add("kdf-empty-context", SRC + " §4.6.1.2 (context present but empty: 0x00 separator kept)",
    {"op": "lock.sp800_108", "key": HEK, "label": "x", "context": ""})
add("kdf-counter-8bit", SRC + " §4.6.1.2 read literally (counter 0x01, errata E-LOCK-KDF-COUNTER)",
    {"op": "lock.sp800_108", "key": HEK, "label": "derived_mek", "profile": {"kdf_counter_bytes": 1}})

# §4.6.1.3 Figure 3
for vid, salt in [("pke-salt-96bit-padded", SALT), ("pke-salt-256bit", SEK), ("pke-salt-512bit-truncated", MDK),
                  ("pke-salt-empty", "")]:
    add(vid, SRC + " §4.6.1.3 Figure 3 (salt fit: errata E-LOCK-SALT-FIT)",
        {"op": "lock.preconditioned_key_extract", "salt": salt, "key": HEK, "label": "ocp_lock_epk"})

# §4.6.1.4 Figures 4/5
enc = add("paes-encrypt-empty-aad", SRC + " §4.6.1.4 Figure 4",
          {"op": "lock.preconditioned_aes_encrypt", "key": HEK, "label": "wrapped_mek", "salt": SALT, "iv": IV,
           "aad": "", "plaintext": MEK})
add("paes-decrypt-empty-aad", SRC + " §4.6.1.4 Figure 5",
    {"op": "lock.preconditioned_aes_decrypt", "key": HEK, "label": "wrapped_mek", "salt": SALT, "iv": IV, "aad": "",
     "ciphertext": enc["ciphertext"], "tag": enc["tag"]})
enc2 = add("paes-encrypt-aad", SRC + " §4.6.1.4 Figure 4 (optional metadata as AAD)",
           {"op": "lock.preconditioned_aes_encrypt", "key": SEK, "label": "ocp_lock_locked_mpk", "salt": pat(0x11, 12),
            "iv": pat(0x22, 12), "aad": META, "plaintext": MPKS[0]})
add("paes-decrypt-aad", SRC + " §4.6.1.4 Figure 5",
    {"op": "lock.preconditioned_aes_decrypt", "key": SEK, "label": "ocp_lock_locked_mpk", "salt": pat(0x11, 12),
     "iv": pat(0x22, 12), "aad": META, "ciphertext": enc2["ciphertext"], "tag": enc2["tag"]})
add("paes-decrypt-wrong-salt", SRC + " §4.6.1.4 Figure 5: another salt gives another subkey, the tag fails",
    {"op": "lock.preconditioned_aes_decrypt", "key": SEK, "label": "ocp_lock_locked_mpk", "salt": pat(0x12, 12),
     "iv": pat(0x22, 12), "aad": META, "ciphertext": enc2["ciphertext"], "tag": enc2["tag"]})
add("paes-salt-64bit-refused", SRC + " §4.6.1.4 96-bit salt (Figure 44 step [044] says 64-bit: errata E-LOCK-SALT-64)",
    {"op": "lock.preconditioned_aes_encrypt", "key": SEK, "label": "l", "salt": pat(0x11, 8), "iv": IV,
     "plaintext": MPKS[0]})

# root keys
add("hek", SRC + " §4.6.4.1 Figure 18", {"op": "lock.hek", "idevid_cdi": CDI, "hek_seed": HEK_SEED})
add("hek-unrandomized-seed", SRC + " Figure 18 (seed not randomized: all-zero context)",
    {"op": "lock.hek", "idevid_cdi": CDI, "hek_seed": "00" * 32})
add("mdk", SRC + " §4.6.5.2 Figure 24", {"op": "lock.mdk", "idevid_cdi": CDI})
add("vek", SRC + " §4.6.1.5 Figure 6", {"op": "lock.vek", "hek": HEK, "seed": pat(0x5A, 32)})
add("epk", SRC + " Figures 12, 20", {"op": "lock.epk", "hek": HEK, "sek": SEK})
add("epk-other-sek", SRC + " Figures 12, 20", {"op": "lock.epk", "hek": HEK, "sek": pat(0x21, 32)})
add("locked-mpk-key", SRC + " §4.6.2.2.1 Figure 12", {"op": "lock.locked_mpk_key", "hek": HEK, "sek": SEK, "access_key": AK})

# MEK secret, Figures 20/21
for n in (0, 1, 3):
    add("mek-secret-%d-mpks" % n, SRC + (" §4.6.5.1 Figure 21" if n == 0 else " §4.6.5 Figure 20"),
        {"op": "lock.mek_secret", "hek": HEK, "sek": SEK, "dpk": DPK, "mpks": MPKS[:n]})
add("mek-secret-3-mpks-reordered", SRC + " Figure 20 note: MPK order matters",
    {"op": "lock.mek_secret", "hek": HEK, "sek": SEK, "dpk": DPK, "mpks": [MPKS[2], MPKS[0], MPKS[1]]})

# derived MEK, Figure 25
d0 = add("derive-mek-0-mpks", SRC + " §4.6.5.3 Figure 25", {"op": "lock.derive_mek", "hek": HEK, "sek": SEK, "dpk": DPK, "mpks": []})
d3 = add("derive-mek-3-mpks", SRC + " §4.6.5.3 Figure 25",
         {"op": "lock.derive_mek", "hek": HEK, "sek": SEK, "dpk": DPK, "mpks": MPKS})
add("derive-mek-checksum-match", SRC + " Figure 25: matching checksum",
    {"op": "lock.derive_mek", "hek": HEK, "sek": SEK, "dpk": DPK, "mpks": MPKS, "checksum": d3["checksum"]})
add("derive-mek-checksum-zero", SRC + " Figure 25: all-zero checksum skips the check",
    {"op": "lock.derive_mek", "hek": HEK, "sek": SEK, "dpk": DPK, "mpks": MPKS, "checksum": "00" * 16})
add("derive-mek-checksum-mismatch", SRC + " Figure 25: non-zero mismatching checksum, no MEK",
    {"op": "lock.derive_mek", "hek": HEK, "sek": SEK, "dpk": DPK, "mpks": MPKS, "checksum": d0["checksum"]})

# random MEK, Figures 22/23
secret0 = answer({"op": "lock.mek_secret", "hek": HEK, "sek": SEK, "dpk": DPK, "mpks": []})["mek_secret"]
secret3 = answer({"op": "lock.mek_secret", "hek": HEK, "sek": SEK, "dpk": DPK, "mpks": MPKS})["mek_secret"]
w0 = add("wrap-mek-empty-metadata", SRC + " §4.6.5.2 Figure 22; AAD §4.7.2.22.2",
         {"op": "lock.wrap_mek", "mdk": MDK, "mek_secret": secret0, "mek": MEK, "salt": SALT, "iv": IV, "metadata": ""})
w3 = add("wrap-mek-metadata", SRC + " §4.6.5.2 Figure 22; AAD §4.7.2.22.2",
         {"op": "lock.wrap_mek", "mdk": MDK, "mek_secret": secret3, "mek": MEK, "salt": pat(0x61, 12), "iv": pat(0x62, 12),
          "metadata": META})
add("unwrap-mek-empty-metadata", SRC + " §4.6.5.2 Figure 23",
    {"op": "lock.unwrap_mek", "mdk": MDK, "mek_secret": secret0, "wrapped_key": w0["wrapped_key"]})
add("unwrap-mek-metadata", SRC + " §4.6.5.2 Figure 23",
    {"op": "lock.unwrap_mek", "mdk": MDK, "mek_secret": secret3, "wrapped_key": w3["wrapped_key"]})
add("unwrap-mek-wrong-secret", SRC + " §4.6.5 note: another MEK secret fails AES-GCM decryption",
    {"op": "lock.unwrap_mek", "mdk": MDK, "mek_secret": secret0, "wrapped_key": w3["wrapped_key"]})

# MPKs, Figures 12, 13, 15
l0 = add("lock-mpk-empty-metadata", SRC + " §4.6.2.2.1 Figure 12",
         {"op": "lock.lock_mpk", "hek": HEK, "sek": SEK, "access_key": AK, "mpk": MPKS[0], "salt": SALT, "iv": IV})
l1 = add("lock-mpk-metadata", SRC + " §4.6.2.2.1 Figure 12",
         {"op": "lock.lock_mpk", "hek": HEK, "sek": SEK, "access_key": AK, "mpk": MPKS[1], "salt": pat(0x81, 12),
          "iv": pat(0x82, 12), "metadata": META})
VEK = answer({"op": "lock.vek", "hek": HEK, "seed": pat(0x5A, 32)})["vek"]
add("enable-mpk", SRC + " §4.6.2.2.2 Figure 13",
    {"op": "lock.enable_mpk", "hek": HEK, "sek": SEK, "access_key": AK, "locked_mpk": l1["wrapped_key"], "vek": VEK,
     "salt": pat(0x91, 12), "iv": pat(0x92, 12)})
add("enable-mpk-wrong-access-key", SRC + " §4.6.2.2.2: wrong access key fails authentication",
    {"op": "lock.enable_mpk", "hek": HEK, "sek": SEK, "access_key": pat(0xC1, 32), "locked_mpk": l1["wrapped_key"],
     "vek": VEK, "salt": pat(0x91, 12), "iv": pat(0x92, 12)})
add("rotate-mpk-access-key", SRC + " §4.6.2.2.3 Figure 14",
    {"op": "lock.rotate_mpk_access_key", "hek": HEK, "sek": SEK, "access_key": AK, "new_access_key": pat(0xC8, 32),
     "locked_mpk": l1["wrapped_key"], "salt": pat(0xA1, 12), "iv": pat(0xA2, 12)})
add("rotate-mpk-access-key-wrong-current", SRC + " §4.6.2.2.3: the user must know the current access key",
    {"op": "lock.rotate_mpk_access_key", "hek": HEK, "sek": SEK, "access_key": pat(0xC8, 32),
     "new_access_key": pat(0xC9, 32), "locked_mpk": l1["wrapped_key"], "salt": pat(0xA1, 12), "iv": pat(0xA2, 12)})
# Figure 20 as drawn: three Enabled MPKs decrypted with the VEK
enabled = [answer({"op": "lock.enable_mpk", "hek": HEK, "sek": SEK, "access_key": AK,
                   "locked_mpk": answer({"op": "lock.lock_mpk", "hek": HEK, "sek": SEK, "access_key": AK, "mpk": m,
                                         "salt": pat(0x31 + i, 12), "iv": pat(0x41 + i, 12), "metadata": META})["wrapped_key"],
                   "vek": VEK, "salt": pat(0x51 + i, 12), "iv": pat(0x61 + i, 12)})["wrapped_key"]
           for i, m in enumerate(MPKS)]
add("mek-secret-3-enabled-mpks", SRC + " §4.6.5 Figure 20 (Enabled MPKs decrypted with the VEK; equals mek-secret-3-mpks)",
    {"op": "lock.mek_secret", "hek": HEK, "sek": SEK, "dpk": DPK, "enabled_mpks": enabled, "vek": VEK})
add("derive-mek-3-enabled-mpks", SRC + " §4.6.5.3 Figures 20, 25",
    {"op": "lock.derive_mek", "hek": HEK, "sek": SEK, "dpk": DPK, "enabled_mpks": enabled, "vek": VEK})
add("test-access-key-empty-metadata", SRC + " §4.7.2.16, Figure 15",
    {"op": "lock.test_access_key", "hek": HEK, "sek": SEK, "access_key": AK, "locked_mpk": l0["wrapped_key"], "nonce": NONCE})
add("test-access-key-metadata", SRC + " §4.7.2.16, Figure 15",
    {"op": "lock.test_access_key", "hek": HEK, "sek": SEK, "access_key": AK, "locked_mpk": l1["wrapped_key"], "nonce": NONCE})
add("test-access-key-other-sek", SRC + " §4.6.2.2.4 step 3: integrity check fails under another SEK",
    {"op": "lock.test_access_key", "hek": HEK, "sek": pat(0x21, 32), "access_key": AK, "locked_mpk": l1["wrapped_key"],
     "nonce": NONCE})

# WrappedKey AAD
add("aad-empty-metadata", SRC + " §4.7.2.22.2 Table 55, §4.7.2.1 little-endian",
    {"op": "lock.wrapped_key_aad", "key_type": "LOCKED_MPK", "salt": SALT, "metadata": ""})
add("aad-metadata", SRC + " §4.7.2.22.2 Table 55",
    {"op": "lock.wrapped_key_aad", "key_type": "WRAPPED_MEK", "salt": SALT, "metadata": META})

json.dump({
    "topic": "lock-rev09-derivations",
    "description": "OCP L.O.C.K. 0.9 key hierarchy (§4.6.1-§4.6.5): SP 800-108 KDF, Preconditioned Key Extract and "
                   "AES, HEK/MDK/VEK/EPK, MPK lock/enable/test, MEK secret (0, 1, 3 MPKs), random and derived MEKs, "
                   "WrappedKey AAD, under the lock::rev09 profile.",
    "provenance": "Inputs chosen by tests/oracle/gen_lock_rev09_vectors.py; expected values computed by the independent "
                  "Python oracle tests/oracle/lock_rev09_oracle.py (Debian python3-cryptography), written from seed "
                  "001 §4.6 and Figures 3-6, 12-15, 18, 20-25; never from lockref output. Labels and open choices: "
                  "lock::rev09 profile (model/lockref/lock/profile_rev09.hpp, spec/errata.md).",
    "vectors": vectors,
}, sys.stdout, indent=1)
print()
