#!/usr/bin/env python3
"""Independent oracle for HPKE base mode with DHKEM(P-384, HKDF-SHA384), HKDF-SHA384 and
AES-256-GCM (OCP L.O.C.K. 0.9 Table 3, Figures 7 and 10), written from RFC 9180 with
python3-cryptography's primitives (ECDH P-384, HMAC-SHA384, AES-GCM); no lockref code.

It derives key pairs and seals deterministically (DeriveKeyPair(ikmE), RFC 9180 §7.1.3) and
compares with `lockref eval` hpke.keygen / hpke.seal, then opens lockref's ciphertexts and
lets lockref open its own, at several sequence numbers, and checks that tampering fails.

usage: python3 test_hpke_p384.py <lockref-binary> <source-dir>
"""
import hashlib
import hmac
import json
import os
import random
import subprocess
import sys

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives import serialization

KEM_ID, KDF_ID, AEAD_ID = 0x0011, 0x0002, 0x0002
N_P384 = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973


def i2osp(v, n):
    return v.to_bytes(n, "big")


def extract(salt, ikm):
    return hmac.new(salt or bytes(48), ikm, hashlib.sha384).digest()


def expand(prk, info, length):
    out, t, i = b"", b"", 1
    while len(out) < length:
        t = hmac.new(prk, t + info + bytes([i]), hashlib.sha384).digest()
        out += t
        i += 1
    return out[:length]


def labeled_extract(suite_id, salt, label, ikm):
    return extract(salt, b"HPKE-v1" + suite_id + label + ikm)


def labeled_expand(suite_id, prk, label, info, length):
    return expand(prk, i2osp(length, 2) + b"HPKE-v1" + suite_id + label + info, length)


KEM_SUITE = b"KEM" + i2osp(KEM_ID, 2)
HPKE_SUITE = b"HPKE" + i2osp(KEM_ID, 2) + i2osp(KDF_ID, 2) + i2osp(AEAD_ID, 2)


def derive_key_pair(ikm):
    prk = labeled_extract(KEM_SUITE, b"", b"dkp_prk", ikm)
    for counter in range(256):
        cand = bytearray(labeled_expand(KEM_SUITE, prk, b"candidate", bytes([counter]), 48))
        cand[0] &= 0xFF
        sk = int.from_bytes(cand, "big")
        if 0 < sk < N_P384:
            key = ec.derive_private_key(sk, ec.SECP384R1())
            return bytes(cand), pub_bytes(key.public_key())
    raise ValueError("DeriveKeyPairError")


def pub_bytes(pub):
    return pub.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


def dh(sk_bytes, pk_bytes):
    key = ec.derive_private_key(int.from_bytes(sk_bytes, "big"), ec.SECP384R1())
    peer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP384R1(), pk_bytes)
    return key.exchange(ec.ECDH(), peer)


def extract_and_expand(dh_out, kem_context):
    prk = labeled_extract(KEM_SUITE, b"", b"eae_prk", dh_out)
    return labeled_expand(KEM_SUITE, prk, b"shared_secret", kem_context, 48)


def key_schedule(shared_secret, info):
    psk_id_hash = labeled_extract(HPKE_SUITE, b"", b"psk_id_hash", b"")
    info_hash = labeled_extract(HPKE_SUITE, b"", b"info_hash", info)
    ctx = b"\x00" + psk_id_hash + info_hash
    secret = labeled_extract(HPKE_SUITE, shared_secret, b"secret", b"")
    return (labeled_expand(HPKE_SUITE, secret, b"key", ctx, 32),
            labeled_expand(HPKE_SUITE, secret, b"base_nonce", ctx, 12))


def nonce(base, seq):
    return bytes(a ^ b for a, b in zip(base, i2osp(seq, 12)))


def seal(pk_r, info, aad, pt, ikm_e, seq):
    sk_e, pk_e = derive_key_pair(ikm_e)
    ss = extract_and_expand(dh(sk_e, pk_r), pk_e + pk_r)
    key, base = key_schedule(ss, info)
    return pk_e, AESGCM(key).encrypt(nonce(base, seq), pt, aad)


def open_(sk_r, pk_r, enc, info, aad, ct, seq):
    ss = extract_and_expand(dh(sk_r, enc), enc + pk_r)
    key, base = key_schedule(ss, info)
    return AESGCM(key).decrypt(nonce(base, seq), ct, aad)


def main():
    lockref = sys.argv[1]
    rng = random.Random(0x0384)
    rb = lambda n: bytes(rng.getrandbits(8) for _ in range(n))
    suite = {"kem_id": KEM_ID, "kdf_id": KDF_ID, "aead_id": AEAD_ID}
    reqs, cases = [], []
    for i in range(12):
        ikm_r, ikm_e = rb(48), rb(rng.randint(16, 64))
        info, aad, pt, seq = rb(rng.randint(0, 40)), rb(rng.randint(0, 20)), rb(32), rng.randint(0, 3)
        sk_r, pk_r = derive_key_pair(ikm_r)
        enc, ct = seal(pk_r, info, aad, pt, ikm_e, seq)
        cases.append((sk_r, pk_r, enc, ct, info, aad, pt, seq))
        reqs.append({"op": "hpke.keygen", "suite": suite, "ikm": ikm_r.hex()})
        reqs.append({"op": "hpke.seal", "suite": suite, "pkR": pk_r.hex(), "info": info.hex(), "aad": aad.hex(),
                     "pt": pt.hex(), "ikmE": ikm_e.hex(), "seq": seq})
        reqs.append({"op": "hpke.open", "suite": suite, "skR": sk_r.hex(), "enc": enc.hex(), "info": info.hex(),
                     "aad": aad.hex(), "ct": ct.hex(), "seq": seq})
        bad = bytearray(ct)
        bad[rng.randrange(len(bad))] ^= 1 << rng.randrange(8)
        reqs.append({"op": "hpke.open", "suite": suite, "skR": sk_r.hex(), "enc": enc.hex(), "info": info.hex(),
                     "aad": aad.hex(), "ct": bytes(bad).hex(), "seq": seq})
        reqs.append({"op": "hpke.open", "suite": suite, "skR": sk_r.hex(), "enc": enc.hex(), "info": info.hex(),
                     "aad": aad.hex(), "ct": ct.hex(), "seq": seq + 1})
    proc = subprocess.run([lockref, "eval"], input="\n".join(json.dumps(r) for r in reqs) + "\n",
                          capture_output=True, text=True)
    answers = [json.loads(l) for l in proc.stdout.strip().split("\n")]
    # eval exits 1 when a request failed (the tampered ciphertexts must), 0 when none did
    if proc.returncode != (1 if any(not a.get("ok") for a in answers) else 0):
        print(f"FAIL: lockref eval exit status {proc.returncode}: {proc.stderr[-500:]}")
        return 1
    failures = 0

    def check(cond, what):
        nonlocal failures
        if not cond:
            failures += 1
            print("FAIL:", what)

    for i, (sk_r, pk_r, enc, ct, info, aad, pt, seq) in enumerate(cases):
        kg, sl, op, tampered, wrong_seq = answers[5 * i:5 * i + 5]
        check(kg.get("sk") == sk_r.hex() and kg.get("pk") == pk_r.hex(), f"case {i}: keygen {kg}")
        check(sl.get("enc") == enc.hex() and sl.get("ct") == ct.hex(), f"case {i}: seal {sl}")
        check(op.get("pt") == pt.hex(), f"case {i}: open {op}")
        check(tampered.get("ok") is False, f"case {i}: tampered ciphertext opened")
        check(wrong_seq.get("ok") is False, f"case {i}: opened at the wrong sequence number")
        if sl.get("ok"):  # and the oracle opens lockref's ciphertext
            check(open_(sk_r, pk_r, bytes.fromhex(sl["enc"]), info, aad, bytes.fromhex(sl["ct"]), seq) == pt,
                  f"case {i}: oracle open of lockref's seal")
    print(f"{len(cases)} cases, {failures} failures")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
