#!/usr/bin/env python3
"""Oracle test for the crypto.* and kpio.* eval ops: python3 test_crypto_ops.py <lockref> <src>.

Every answer of `lockref eval` is recomputed with Debian python3-cryptography (OpenSSL),
and HMAC_DRBG with a small SP 800-90A §10.1.2 implementation written here from the
standard (on the hmac module), for many deterministic pseudo-random inputs."""
import hashlib
import hmac as pyhmac
import json
import random
import subprocess
import sys

from cryptography.hazmat.primitives import cmac, hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.keywrap import aes_key_wrap

rng = random.Random(0x10CC)


def rb(n):
    return bytes(rng.randrange(256) for _ in range(n))


def hmac_drbg(h, entropy, nonce, pers, requests):
    outlen = h().digest_size
    K, V = b"\x00" * outlen, b"\x01" * outlen

    def update(data):
        nonlocal K, V
        K = pyhmac.new(K, V + b"\x00" + data, h).digest()
        V = pyhmac.new(K, V, h).digest()
        if data:
            K = pyhmac.new(K, V + b"\x01" + data, h).digest()
            V = pyhmac.new(K, V, h).digest()

    update(entropy + nonce + pers)
    outs = []
    for n, add, reseed in requests:
        if reseed is not None:
            update(reseed + add)
            add = b""
        if add:
            update(add)
        t = b""
        while len(t) < n:
            V = pyhmac.new(K, V, h).digest()
            t += V
        update(add)
        outs.append(t[:n].hex())
    return outs


def cases():
    for i in range(12):
        msg = rb(rng.randrange(0, 200))
        key = rb(rng.choice([16, 32, 48, 64, 100, 200]))
        yield {"op": "crypto.sha384", "data": msg.hex()}, {"digest": hashlib.sha384(msg).hexdigest()}
        yield {"op": "crypto.sha512", "data": msg.hex()}, {"digest": hashlib.sha512(msg).hexdigest()}
        yield ({"op": "crypto.hmac_sha384", "key": key.hex(), "data": msg.hex()},
               {"mac": pyhmac.new(key, msg, hashlib.sha384).hexdigest()})
        yield ({"op": "crypto.hmac_sha512", "key": key.hex(), "data": msg.hex()},
               {"mac": pyhmac.new(key, msg, hashlib.sha512).hexdigest()})
        salt, ikm, info, n = rb(rng.randrange(0, 70)), rb(32), rb(rng.randrange(0, 30)), rng.randrange(1, 300)
        okm = HKDF(hashes.SHA384(), n, salt or None, info).derive(ikm)
        yield ({"op": "crypto.hkdf_sha384", "salt": salt.hex(), "ikm": ikm.hex(), "info": info.hex(), "length": n},
               {"okm": okm.hex()})
        k = rb(rng.choice([16, 24, 32]))
        blocks = rb(16 * rng.randrange(1, 5))
        e = Cipher(algorithms.AES(k), modes.ECB()).encryptor()
        yield {"op": "crypto.aes_ecb_encrypt", "key": k.hex(), "data": blocks.hex()}, {"data": (e.update(blocks) + e.finalize()).hex()}
        c = cmac.CMAC(algorithms.AES(k))
        c.update(msg)
        yield {"op": "crypto.aes_cmac", "key": k.hex(), "data": msg.hex()}, {"mac": c.finalize().hex()}
        k32, iv, aad = rb(32), rb(12), rb(rng.randrange(0, 40))
        ct = AESGCM(k32).encrypt(iv, msg, aad)
        yield ({"op": "crypto.aes_gcm_encrypt", "key": k32.hex(), "iv": iv.hex(), "aad": aad.hex(), "plaintext": msg.hex()},
               {"ciphertext": ct[:-16].hex(), "tag": ct[-16:].hex()})
        yield ({"op": "crypto.aes_gcm_decrypt", "key": k32.hex(), "iv": iv.hex(), "aad": aad.hex(),
                "ciphertext": ct[:-16].hex(), "tag": ct[-16:].hex()}, {"plaintext": msg.hex()})
        kek, kd = rb(rng.choice([16, 24, 32])), rb(8 * rng.randrange(2, 8))
        w = aes_key_wrap(kek, kd)
        yield {"op": "crypto.aes_kw_wrap", "kek": kek.hex(), "key": kd.hex()}, {"wrapped": w.hex()}
        yield {"op": "crypto.aes_kw_unwrap", "kek": kek.hex(), "wrapped": w.hex()}, {"key": kd.hex()}
        label, ctx = rb(rng.randrange(0, 20)), rb(rng.randrange(0, 40))
        for prf, h in (("hmac_sha512", hashlib.sha512), ("hmac_sha384", hashlib.sha384)):
            for width in (1, 4):
                msgk = (1).to_bytes(width, "big") + label + b"\x00" + ctx
                yield ({"op": "crypto.sp800_108", "key": key.hex(), "label_hex": label.hex(), "context": ctx.hex(),
                        "prf": prf, "counter_bytes": width}, {"key_out": pyhmac.new(key, msgk, h).hexdigest()})
        ent, nonce, pers = rb(32 + rng.randrange(0, 32)), rb(rng.randrange(0, 16)), rb(rng.randrange(0, 16))
        reqs = [(rng.randrange(0, 200), rb(rng.choice([0, 0, 10])), rb(32) if rng.random() < 0.3 else None) for _ in range(4)]
        for hname, h in (("sha384", hashlib.sha384), ("sha512", hashlib.sha512)):
            jreqs = []
            for n, add, re in reqs:
                q = {"bytes": n}
                if add:
                    q["additional"] = add.hex()
                if re is not None:
                    q["reseed_entropy"] = re.hex()
                jreqs.append(q)
            yield ({"op": "crypto.hmac_drbg", "entropy": ent.hex(), "nonce": nonce.hex(), "personalization": pers.hex(),
                    "hash": hname, "requests": jreqs}, {"outputs": hmac_drbg(h, ent, nonce, pers, reqs)})
        newkey, tnonce = rb(32), rb(16)
        ct = AESGCM(k32).encrypt(iv, newkey + tnonce, b"")
        yield ({"op": "kpio.wrap_key_with_nonce", "kek": k32.hex(), "iv": iv.hex(), "key": newkey.hex(), "nonce": tnonce.hex()},
               {"key_value": ct[:-16].hex(), "tag": ct[-16:].hex()})
    # refusals
    yield {"op": "crypto.aes_kw_wrap", "kek": rb(32).hex(), "key": ""}, {"ok": False}
    yield {"op": "crypto.aes_kw_wrap", "kek": rb(32).hex(), "key": rb(8).hex()}, {"ok": False}
    yield {"op": "crypto.aes_gcm_encrypt", "key": rb(32).hex(), "iv": rb(16).hex(), "plaintext": ""}, {"ok": False}


def main():
    binary = sys.argv[1]
    pairs = list(cases())
    out = subprocess.run([binary, "eval"], input="\n".join(json.dumps(q) for q, _ in pairs) + "\n",
                         capture_output=True, text=True, check=False)
    answers = [json.loads(l) for l in out.stdout.splitlines() if l.strip()]
    if len(answers) != len(pairs):
        print("got %d answers for %d requests: %s" % (len(answers), len(pairs), out.stderr))
        return 1
    bad = 0
    for (q, exp), got in zip(pairs, answers):
        for k, v in exp.items():
            if got.get(k) != v:
                bad += 1
                print("MISMATCH %s field %s\n  request %s\n  lockref %s\n  oracle  %s" % (q["op"], k, json.dumps(q)[:300], got.get(k), v))
        if exp.get("ok") is not False and got.get("ok") is not True:
            bad += 1
            print("REFUSED %s: %s" % (q["op"], got))
    print("%d requests, %d mismatches" % (len(pairs), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
