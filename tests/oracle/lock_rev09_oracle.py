"""Independent oracle for the OCP L.O.C.K. 0.9 key hierarchy (seed 001 §4.6.1-§4.6.5).

Written from the specification's text and figures, using only Debian's
python3-cryptography (OpenSSL) for HMAC, SHA-384, AES-ECB and AES-GCM. It shares no code
with lockref. `answer(request)` returns the answer fields lockref's `eval` must produce
for the same request (or {"ok": False} where the model must refuse).

Profile (lock::rev09, see model/lockref/lock/profile_rev09.hpp and spec/errata.md):
  KDF counter 32-bit big-endian (E-LOCK-KDF-COUNTER); salt "truncate or pad to 256
  bits" = first 32 bytes / zero bytes appended (E-LOCK-SALT-FIT); a 512-bit key used as an
  AES-256 key = its first 32 bytes (E-LOCK-AES-KEY-FROM-512); initial MPK secret = 64
  zero bytes.
"""
import hashlib
import struct

from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.exceptions import InvalidTag

PROFILE = {
    "kdf_counter_bytes": 4,
    "salt_checksum_key_bytes": 32,
    "initial_mpk_secret_bytes": 64,
    "aes_key_bytes": 32,
    "hek_label": "ocp_lock_hek",
    "mdk_label": "ocp_lock_mdk",
    "vek_label": "ocp_lock_vek",
    "epk_label": "ocp_lock_epk",
    "locked_mpk_key_label": "ocp_lock_locked_mpk_encryption_key",
    "locked_mpk_aes_label": "ocp_lock_locked_mpk",
    "enabled_mpk_aes_label": "ocp_lock_enabled_mpk",
    "mpk_secret_label": "ocp_lock_mpk_secret",
    "mek_secret_seed_label": "ocp_lock_mek_secret_seed",
    "mek_secret_label": "ocp_lock_mek_secret",
    "wrapped_mek_label": "wrapped_mek",
    "derived_mek_label": "derived_mek",
}

KEY_TYPES = {"LOCKED_MPK": 1, "ENABLED_MPK": 2, "WRAPPED_MEK": 3}


class Refused(Exception):
    pass


def hmac512(key, msg):
    h = hmac.HMAC(key, hashes.SHA512())
    h.update(msg)
    return h.finalize()


def aes_ecb(key, data, decrypt=False):
    c = Cipher(algorithms.AES(key), modes.ECB())
    op = c.decryptor() if decrypt else c.encryptor()
    return op.update(data) + op.finalize()


class Rev09:
    def __init__(self, overrides=None):
        self.p = dict(PROFILE)
        self.p.update(overrides or {})

    def label(self, name):
        return self.p[name].encode()

    # §4.6.1.2: K_OUT = HMAC512(K_IN, [1] || Label [|| 0x00 || Context])
    def kdf(self, key, label, context=None):
        msg = (1).to_bytes(self.p["kdf_counter_bytes"], "big") + label
        if context is not None:
            msg += b"\x00" + context
        return hmac512(key, msg)

    # Figure 3
    def pke(self, salt, key, label):
        n = self.p["salt_checksum_key_bytes"]
        checksum_key = (salt[:n] + bytes(n))[:n]            # truncate or pad to 256 bits
        checksum = aes_ecb(checksum_key, bytes(16))          # AES-ECB of plaintext 0x0000...
        pre = self.kdf(key, label, checksum)                 # checksum is the KDF context
        out = hmac512(salt, pre)[:64]                        # SP 800-133 key extract, kLen 512
        return checksum, pre, out

    # Figures 4/5
    def subkey(self, key, label, salt):
        if len(salt) != 12:
            raise Refused("salt must be 96 bits")
        return self.kdf(key, label, salt)[:32]

    def paes_encrypt(self, key, label, salt, iv, aad, pt):
        if len(iv) != 12:
            raise Refused("iv")
        sk = self.subkey(key, label, salt)
        ct = AESGCM(sk).encrypt(iv, pt, aad)
        return sk, ct[:-16], ct[-16:]

    def paes_decrypt(self, key, label, salt, iv, aad, ct, tag):
        if len(iv) != 12 or len(tag) != 16:
            raise Refused("iv/tag")
        sk = self.subkey(key, label, salt)
        try:
            return AESGCM(sk).decrypt(iv, ct + tag, aad)
        except InvalidTag:
            raise Refused("authentication failed")

    def aes_key(self, k512):
        return k512[: self.p["aes_key_bytes"]]

    # Figures 18, 24, 6
    def hek(self, cdi, seed):
        if len(seed) != 32:
            raise Refused("hek_seed")
        return self.kdf(cdi, self.label("hek_label"), seed)

    def mdk(self, cdi):
        return self.kdf(cdi, self.label("mdk_label"))

    def vek(self, hek, seed):
        return self.pke(seed, hek, self.label("vek_label"))[2]

    def epk(self, hek, sek):
        if len(sek) != 32:
            raise Refused("sek")
        return self.pke(sek, hek, self.label("epk_label"))[2]

    def locked_mpk_key(self, epk, ak):
        if len(ak) != 32:
            raise Refused("access_key")
        return self.pke(ak, epk, self.label("locked_mpk_key_label"))[2]

    # Figures 20/21
    def mek_secret(self, hek, sek, dpk, mpks):
        if len(dpk) != 32:
            raise Refused("dpk")
        epk = self.epk(hek, sek)
        seed = self.pke(dpk, epk, self.label("mek_secret_seed_label"))[2]
        mpk_secret = bytes(self.p["initial_mpk_secret_bytes"])
        for m in mpks:
            if len(m) != 32:
                raise Refused("mpk")
            mpk_secret = self.pke(mpk_secret, m, self.label("mpk_secret_label"))[2]
        secret = self.pke(mpk_secret, seed, self.label("mek_secret_label"))[2]
        return epk, seed, mpk_secret, secret

    # Figure 25
    def derive_mek(self, mek_secret, expected=b""):
        checksum = aes_ecb(self.aes_key(mek_secret), bytes(16))
        if expected and any(expected) and expected != checksum:
            raise Refused("checksum mismatch")
        return self.kdf(mek_secret, self.label("derived_mek_label")), checksum

    # §4.7.2.22.2
    @staticmethod
    def aad(key_type, salt, metadata):
        return struct.pack("<H", key_type) + salt + struct.pack("<I", len(metadata)) + metadata

    @staticmethod
    def encode(key_type, salt, iv, metadata, ct, tag):
        return (struct.pack("<HH", key_type, 0) + salt + struct.pack("<II", len(metadata), len(ct)) + iv
                + metadata + ct + tag)

    @staticmethod
    def decode(b):
        kt, _res = struct.unpack_from("<HH", b, 0)
        salt = b[4:16]
        mlen, klen = struct.unpack_from("<II", b, 16)
        iv = b[24:36]
        md = b[36:36 + mlen]
        ct = b[36 + mlen:36 + mlen + klen]
        tag = b[36 + mlen + klen:]
        if len(tag) != 16:
            raise Refused("WrappedKey length")
        return kt, salt, iv, md, ct, tag

    def wrap(self, key_type, key, label, salt, iv, metadata, plaintext):
        _, ct, tag = self.paes_encrypt(key, label, salt, iv, self.aad(key_type, salt, metadata), plaintext)
        return self.wrapped_fields(key_type, salt, iv, metadata, ct, tag)

    def wrapped_fields(self, key_type, salt, iv, metadata, ct, tag):
        return {
            "wrapped_key": self.encode(key_type, salt, iv, metadata, ct, tag).hex(),
            "salt": salt.hex(), "iv": iv.hex(), "metadata": metadata.hex(),
            "ciphertext": ct.hex(), "tag": tag.hex(), "aad": self.aad(key_type, salt, metadata).hex(),
        }

    def unwrap(self, blob, key_type, key, label):
        kt, salt, iv, md, ct, tag = self.decode(blob)
        if kt != key_type:
            raise Refused("key_type")
        return md, self.paes_decrypt(key, label, salt, iv, self.aad(kt, salt, md), ct, tag)


def b(req, k, default=None):
    if k not in req:
        if default is None:
            raise KeyError(k)
        return default
    return bytes.fromhex(req[k])


def label_of(req, name="label"):
    return req[name].encode() if name in req else b(req, name + "_hex", b"")


def mpks_of(r, req):
    """Figure 20: decrypted MPKs, or Enabled MPKs decrypted with the VEK."""
    if "enabled_mpks" in req:
        return [r.unwrap(bytes.fromhex(e), 2, b(req, "vek"), r.label("enabled_mpk_aes_label"))[1]
                for e in req["enabled_mpks"]]
    return [bytes.fromhex(m) for m in req["mpks"]]


def answer(req):
    """Expected answer fields for one eval request."""
    try:
        return _answer(req)
    except Refused:
        return {"ok": False}


def _answer(req):
    op = req["op"]
    r = Rev09(req.get("profile"))
    if op == "lock.sp800_108":
        ctx = b(req, "context") if "context" in req else None
        return {"key_out": r.kdf(b(req, "key"), label_of(req), ctx).hex()}
    if op == "lock.preconditioned_key_extract":
        c, pre, out = r.pke(b(req, "salt"), b(req, "key"), label_of(req))
        return {"checksum": c.hex(), "preconditioned_key": pre.hex(), "output": out.hex()}
    if op == "lock.preconditioned_aes_encrypt":
        sk, ct, tag = r.paes_encrypt(b(req, "key"), label_of(req), b(req, "salt"), b(req, "iv"), b(req, "aad", b""),
                                     b(req, "plaintext"))
        return {"subkey": sk.hex(), "ciphertext": ct.hex(), "tag": tag.hex()}
    if op == "lock.preconditioned_aes_decrypt":
        pt = r.paes_decrypt(b(req, "key"), label_of(req), b(req, "salt"), b(req, "iv"), b(req, "aad", b""),
                            b(req, "ciphertext"), b(req, "tag"))
        return {"plaintext": pt.hex()}
    if op == "lock.hek":
        return {"hek": r.hek(b(req, "idevid_cdi"), b(req, "hek_seed")).hex()}
    if op == "lock.mdk":
        return {"mdk": r.mdk(b(req, "idevid_cdi")).hex()}
    if op == "lock.vek":
        return {"vek": r.vek(b(req, "hek"), b(req, "seed")).hex()}
    if op == "lock.epk":
        return {"epk": r.epk(b(req, "hek"), b(req, "sek")).hex()}
    if op == "lock.locked_mpk_key":
        epk = r.epk(b(req, "hek"), b(req, "sek"))
        return {"epk": epk.hex(), "locked_mpk_key": r.locked_mpk_key(epk, b(req, "access_key")).hex()}
    if op == "lock.mek_secret":
        epk, seed, mpk_secret, secret = r.mek_secret(b(req, "hek"), b(req, "sek"), b(req, "dpk"), mpks_of(r, req))
        return {"epk": epk.hex(), "mek_secret_seed": seed.hex(), "mpk_secret": mpk_secret.hex(),
                "mek_secret": secret.hex()}
    if op == "lock.derive_mek":
        secret = r.mek_secret(b(req, "hek"), b(req, "sek"), b(req, "dpk"), mpks_of(r, req))[3]
        mek, checksum = r.derive_mek(secret, b(req, "checksum", b""))
        return {"mek": mek.hex(), "checksum": checksum.hex()}
    if op == "lock.wrap_mek":
        mek = b(req, "mek")
        if len(mek) != 64:
            raise Refused("mek")
        inner = aes_ecb(r.aes_key(b(req, "mdk")), mek)
        out = r.wrap(3, b(req, "mek_secret"), r.label("wrapped_mek_label"), b(req, "salt"), b(req, "iv"),
                     b(req, "metadata", b""), inner)
        out["single_encrypted"] = inner.hex()
        return out
    if op == "lock.unwrap_mek":
        _, inner = r.unwrap(b(req, "wrapped_key"), 3, b(req, "mek_secret"), r.label("wrapped_mek_label"))
        return {"mek": aes_ecb(r.aes_key(b(req, "mdk")), inner, decrypt=True).hex()}
    if op == "lock.lock_mpk":
        epk = r.epk(b(req, "hek"), b(req, "sek"))
        k = r.locked_mpk_key(epk, b(req, "access_key"))
        mpk = b(req, "mpk")
        if len(mpk) != 32:
            raise Refused("mpk")
        return r.wrap(1, k, r.label("locked_mpk_aes_label"), b(req, "salt"), b(req, "iv"), b(req, "metadata", b""), mpk)
    if op == "lock.rotate_mpk_access_key":
        epk = r.epk(b(req, "hek"), b(req, "sek"))
        md, mpk = r.unwrap(b(req, "locked_mpk"), 1, r.locked_mpk_key(epk, b(req, "access_key")),
                           r.label("locked_mpk_aes_label"))
        k_new = r.locked_mpk_key(epk, b(req, "new_access_key"))
        return r.wrap(1, k_new, r.label("locked_mpk_aes_label"), b(req, "salt"), b(req, "iv"), md, mpk)
    if op in ("lock.enable_mpk", "lock.test_access_key"):
        epk = r.epk(b(req, "hek"), b(req, "sek"))
        ak = b(req, "access_key")
        k = r.locked_mpk_key(epk, ak)
        md, mpk = r.unwrap(b(req, "locked_mpk"), 1, k, r.label("locked_mpk_aes_label"))
        if op == "lock.test_access_key":
            nonce = b(req, "nonce")
            if len(nonce) != 32:
                raise Refused("nonce")
            return {"digest": hashlib.sha384(md + ak + nonce).hexdigest()}
        return r.wrap(2, b(req, "vek"), r.label("enabled_mpk_aes_label"), b(req, "salt"), b(req, "iv"), md, mpk)
    if op == "lock.wrapped_key_aad":
        salt = b(req, "salt")
        if len(salt) != 12:
            raise Refused("salt")
        return {"aad": Rev09.aad(KEY_TYPES[req["key_type"]], salt, b(req, "metadata", b"")).hex()}
    raise ValueError("oracle: no model for op " + op)
