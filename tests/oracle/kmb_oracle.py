"""Independent oracle of the OCP L.O.C.K. 0.9 KMB mailbox (seed 001 §4.6, §4.7.2, Tables 12-57).

Written from the specification, the figures and lockref's documented profile choices
(spec/errata.md, section "KMB mailbox"), with python3-cryptography for the primitives, the
key-hierarchy oracle (lock_rev09_oracle.py) and the RFC 9180 DHKEM(P-384) oracle
(test_hpke_p384.py); it shares no code with lockref. It replays mailbox traffic from a cold
boot and answers, for each request, the status, the response bytes and what reached the
encryption engine (command, METD, MEK).

Scope: profiles whose HPKE keypairs are DHKEM(P-384) only (hpke_algorithms = 1); ML-KEM-1024
and the hybrid are checked against published vectors elsewhere (tests/test_hpke*.cpp). The
encryption engine is the strict profile's key cache (Table 11, capacity 4, err 4h/5h/6h).

Model choices it follows (spec/errata.md): Caliptra checksum (E-KMB-CHECKSUM); TRNG, platform
secrets and DRBG from the run's seed (kmb.hpp); keypairs DeriveKeyPair(48 DRBG bytes)
(E-KMB-HPKE-KEYGEN); the MPK secret consumed by an MEK command (E-KMB-MEK-CONSUMES); error
responses chksum || fips_status (E-KMB-ERROR-RESPONSE); profile result codes
(E-KMB-PROFILE-CODES); REWRAP_MPK two opens (E-KMB-REWRAP); the endorsement certificate
(E-KMB-ENDORSE-CERT), rebuilt here with a hand-written DER encoder and RFC 6979 ECDSA.
"""
import hashlib
import hmac as pyhmac
import struct

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.exceptions import InvalidTag

from lock_rev09_oracle import Rev09, Refused, aes_ecb
import test_hpke_p384 as hp

CODES = {
    "LOCK_ENGINE_TIMEOUT": 0x4C45544F, "LOCK_BAD_ALGORITHM": 0x4C42414C, "LOCK_BAD_HANDLE": 0x4C424841,
    "LOCK_KEM_DECAPSULATION": 0x4C4B4445, "LOCK_ACCESS_KEY_UNWRAP": 0x4C414B55, "LOCK_MPK_DECRYPT": 0x4C504445,
    "LOCK_MEK_DECRYPT": 0x4C4D4445, "LOCK_EE_NOT_READY": 0x4C454E52, "LOCK_HEK_NOT_AVAILABLE": 0x4C484E41,
    "LOCK_MEK_NOT_INITIALIZED": 0x4C4D4E49, "LOCK_MALFORMED_REQUEST": 0x4C4D414C, "LOCK_BAD_CHECKSUM": 0x4C42434B,
    "LOCK_UNKNOWN_COMMAND": 0x4C554E43, "LOCK_COMMAND_SEQUENCE": 0x4C534551, "LOCK_FATAL": 0x4C464154,
}
CMD = {  # §4.7.2 command codes (ASCII of the mnemonic, big-endian)
    "RHMT": 0x52484D54, "GSTA": 0x47535441, "GALG": 0x47414C47, "CLKC": 0x434C4B43, "EHDL": 0x4548444C,
    "EHPK": 0x4548504B, "RHPK": 0x5248504B, "GMPK": 0x474D504B, "REWP": 0x52455750, "RMPK": 0x524D504B,
    "IMKS": 0x494D4B53, "MMPK": 0x4D4D504B, "TACK": 0x5441434B, "GMEK": 0x474D454B, "LMEK": 0x4C4D454B,
    "DMEK": 0x444D454B, "UMEK": 0x554D454B, "REKS": 0x52454B53,
}
N_P384 = hp.N_P384


class Fail(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


def checksum(cmd, rest):
    return (-(sum(cmd.to_bytes(4, "little")) + sum(rest))) & 0xFFFFFFFF


def seal_checksum(cmd, body):
    return struct.pack("<I", checksum(cmd, body)) + body


def le64(x):
    return x.to_bytes(8, "little")


# ---- HMAC_DRBG SHA-384 (SP 800-90A §10.1.2) ------------------------------------------
class Drbg:
    def __init__(self, entropy, pers):
        self.K, self.V = b"\x00" * 48, b"\x01" * 48
        self._update(entropy + pers)

    def _update(self, data):
        self.K = pyhmac.new(self.K, self.V + b"\x00" + data, hashlib.sha384).digest()
        self.V = pyhmac.new(self.K, self.V, hashlib.sha384).digest()
        if data:
            self.K = pyhmac.new(self.K, self.V + b"\x01" + data, hashlib.sha384).digest()
            self.V = pyhmac.new(self.K, self.V, hashlib.sha384).digest()

    def reseed(self, entropy):
        self._update(entropy)

    def generate(self, n, add=b""):
        if add:
            self._update(add)
        t = b""
        while len(t) < n:
            self.V = pyhmac.new(self.K, self.V, hashlib.sha384).digest()
            t += self.V
        self._update(add)
        return t[:n]


# ---- a small DER encoder (X.690) and RFC 6979 ECDSA P-384/SHA-384 ------------------------
def der(tag, content):
    n = len(content)
    if n < 0x80:
        ln = bytes([n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, "big")
        ln = bytes([0x80 | len(b)]) + b
    return bytes([tag]) + ln + content


def seq(*xs):
    return der(0x30, b"".join(xs))


def der_int(v):
    b = v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big")
    return der(0x02, b)


def oid(dotted):
    arcs = [int(x) for x in dotted.split(".")]
    out = bytes([40 * arcs[0] + arcs[1]])
    for a in arcs[2:]:
        chunk = [a & 0x7F]
        a >>= 7
        while a:
            chunk.append(0x80 | (a & 0x7F))
            a >>= 7
        out += bytes(reversed(chunk))
    return der(0x06, out)


def rfc6979_sign(d, msg):
    """ECDSA P-384 with SHA-384 and RFC 6979 §3.2 deterministic k."""
    h1 = hashlib.sha384(msg).digest()
    z = int.from_bytes(h1, "big") % N_P384
    x = d.to_bytes(48, "big")
    h = (int.from_bytes(h1, "big") % N_P384).to_bytes(48, "big")
    V, K = b"\x01" * 48, b"\x00" * 48
    K = pyhmac.new(K, V + b"\x00" + x + h, hashlib.sha384).digest()
    V = pyhmac.new(K, V, hashlib.sha384).digest()
    K = pyhmac.new(K, V + b"\x01" + x + h, hashlib.sha384).digest()
    V = pyhmac.new(K, V, hashlib.sha384).digest()
    while True:
        V = pyhmac.new(K, V, hashlib.sha384).digest()
        k = int.from_bytes(V, "big")
        if 0 < k < N_P384:
            R = ec.derive_private_key(k, ec.SECP384R1()).public_key().public_numbers()
            r = R.x % N_P384
            s = pow(k, -1, N_P384) * (z + r * d) % N_P384
            if r and s:
                return r, s
        K = pyhmac.new(K, V + b"\x00", hashlib.sha384).digest()
        V = pyhmac.new(K, V, hashlib.sha384).digest()


def name(cn, serial=None):
    rdns = der(0x31, seq(oid("2.5.4.3"), der(0x0C, cn.encode())))
    if serial is not None:
        rdns += der(0x31, seq(oid("2.5.4.5"), der(0x13, str(serial).encode())))
    return seq(rdns)


ALIAS_CN = "OCP L.O.C.K. KMB DICE alias (lockref model)"


def certificate(alias_sk, cn, serial_attr, pk, ca, suite):
    spki_alg = seq(oid("1.2.840.10045.2.1"), oid("1.3.132.0.34"))  # P-384 only in this oracle
    exts = [seq(oid("2.5.29.19"), der(0x01, b"\xff"), der(0x04, seq(der(0x01, b"\xff")) if ca else seq()))]
    if ca:
        exts.append(seq(oid("2.5.29.15"), der(0x01, b"\xff"), der(0x04, bytes([0x03, 0x02, 0x02, 0x84]))))
    if suite:
        exts.append(seq(oid("1.3.6.1.3.1010.2"), der(0x04, seq(*(der_int(x) for x in suite)))))
    sig_alg = seq(oid("1.2.840.10045.4.3.3"))
    tbs = seq(der(0xA0, der_int(2)),
              der_int(int.from_bytes(b"\x01" + hashlib.sha384(pk).digest()[:8], "big")),
              sig_alg, name(ALIAS_CN),
              seq(der(0x18, b"20250101000000Z"), der(0x18, b"99991231235959Z")),
              name(ALIAS_CN if ca else cn, serial_attr),
              seq(spki_alg, der(0x03, b"\x00" + pk)),
              der(0xA3, seq(*exts)))
    r, s = rfc6979_sign(int.from_bytes(alias_sk, "big"), tbs)
    return seq(tbs, sig_alg, der(0x03, b"\x00" + seq(der_int(r), der_int(s))))


def alias_key(seed):
    return hp.derive_key_pair(hashlib.sha384(b"lockref-dice-alias" + le64(seed)).digest())


def alias_certificate(seed):
    sk, pk = alias_key(seed)
    return certificate(sk, None, None, pk, True, None)


# ---- the KMB ---------------------------------------------------------------------------
class Kmb:
    """Replays mailbox traffic from a cold boot. Profile: P-384 HPKE keypair only."""

    def __init__(self, seed, fuses=None):
        self.seed = seed
        self.r = Rev09()
        # Default fuses: production, slot 0 randomized of 4 (lock::kmb::Profile::fuses).
        self.fuses = fuses or {"production": True, "slots": ["randomized", "blank", "blank", "blank"]}
        self.cdi = hashlib.sha512(b"lockref-idevid-cdi" + le64(seed)).digest()
        self.hek_seeds = [hashlib.sha384(b"lockref-hek-seed" + le64(seed) + le64(i)).digest()[:32]
                          for i in range(len(self.fuses["slots"]))]
        self.drbg = Drbg(self.trng(0), b"OCP L.O.C.K. KMB")
        self.samples = 1
        self.cache = {}  # engine key cache: metadata -> MEK
        self.engine_ready = True
        self.fatal = False
        self.rom_boot()

    def trng(self, n):
        return hashlib.sha384(b"lockref-kmb-trng" + le64(self.seed) + le64(n)).digest()

    def table15(self):
        s = self.fuses["slots"]
        x = 0
        while x < len(s) and s[x] == "zeroized":
            x += 1
        if x == len(s):
            return 1, len(s) - 1, len(s)
        if s[x] == "randomized":
            return 3, x, len(s)
        if s[x] == "corrupted":
            return 2, x, len(s)
        return (0, 0, len(s)) if x == 0 else (1, x - 1, len(s))

    def rom_boot(self):
        self.runtime = False
        self.metadata = None
        self.mdk = self.r.mdk(self.cdi)
        seed_state, active, _ = self.table15()
        reg = self.hek_seeds[active] if (self.fuses["production"] and seed_state == 3) else bytes(32)
        self.hek = self.r.hek(self.cdi, reg)
        self.vek = None
        self.mpk_secret = None
        self.keypairs = []

    def cold_reset(self):
        self.drbg.reseed(self.trng(self.samples))
        self.samples += 1
        self.cache = {}
        self.engine_ready = True
        self.fatal = False
        self.rom_boot()

    def warm_reset(self):
        self.mpk_secret = None

    def firmware_update_reset(self):
        self.mpk_secret = None
        if self.runtime:
            self.keypairs = [self.keypair()]

    def keypair(self):
        sk, pk = hp.derive_key_pair(self.drbg.generate(48))
        h = self.next_handle
        self.next_handle += 1
        return {"handle": h, "alg": 1, "sk": sk, "pk": pk}

    def boot_runtime(self):
        self.runtime = True
        if self.metadata is None:
            self.hek = None
        self.next_handle = 1
        self.keypairs = [self.keypair()]

    # ---- helpers ----
    def need_hek(self):
        if self.hek is None:
            raise Fail("LOCK_HEK_NOT_AVAILABLE")

    def draw(self, n):
        return self.drbg.generate(n)

    def unseal(self, sak, extra=None):
        kp = next((k for k in self.keypairs if k["handle"] == sak["handle"]), None)
        if kp is None:
            raise Fail("LOCK_BAD_HANDLE")
        if sak["alg"] != 1:
            raise Fail("LOCK_BAD_ALGORITHM")
        try:
            ss = hp.extract_and_expand(hp.dh(kp["sk"], sak["enc"]), sak["enc"] + kp["pk"])
        except Exception:
            raise Fail("LOCK_KEM_DECAPSULATION")
        key, base = hp.key_schedule(ss, sak["info"])
        out = []
        for seq_no, ct in enumerate([sak["ct"]] + ([extra] if extra is not None else [])):
            try:
                out.append(AESGCM(key).decrypt(hp.nonce(base, seq_no), ct, b""))
            except InvalidTag:
                raise Fail("LOCK_ACCESS_KEY_UNWRAP")
        return out

    def unlock(self, sek, ak, wk):
        epk = self.r.epk(self.hek, sek)
        k = self.r.locked_mpk_key(epk, ak)
        try:
            return self.r.unwrap(wk, 1, k, self.r.label("locked_mpk_aes_label"))
        except Refused:
            raise Fail("LOCK_MPK_DECRYPT")

    def mek_secret(self, sek, dpk):
        epk = self.r.epk(self.hek, sek)
        seed = self.r.pke(dpk, epk, self.r.label("mek_secret_seed_label"))[2]
        return self.r.pke(self.mpk_secret, seed, self.r.label("mek_secret_label"))[2]

    def engine(self, cmd, metd=b"", mek=b"", timeout=1000):
        """Strict engine profile (Table 11) behind KMB's driver: returns the status."""
        if not self.engine_ready:
            return "LOCK_EE_NOT_READY", CODES["LOCK_EE_NOT_READY"]
        if timeout == 0:  # the first millisecond passes before the engine sees EXE (§4.7.2.2)
            return "LOCK_ENGINE_TIMEOUT", CODES["LOCK_ENGINE_TIMEOUT"]
        if cmd == "load_mek":
            if metd in self.cache:
                return "LOCK_ENGINE_CODE", 0x44430004
            if len(self.cache) >= 4:
                return "LOCK_ENGINE_CODE", 0x44430005
            if mek[:32] == mek[32:]:
                return "LOCK_ENGINE_CODE", 0x44430008
            self.cache[metd] = mek
        elif cmd == "unload_mek":
            if metd not in self.cache:
                return "LOCK_ENGINE_CODE", 0x44430006
            del self.cache[metd]
        else:
            self.cache = {}
        return "ok", 0

    # ---- one request -----------------------------------------------------------------
    def request(self, cmd, payload):
        """-> (status, response bytes, engine dict or None)"""
        self.eng = None
        try:
            body = self._request(cmd, payload)
            return "ok", seal_checksum(0, body), self.eng
        except Fail as f:
            return f.code, seal_checksum(0, struct.pack("<I", 0)), self.eng

    def _request(self, cmd, p):
        if self.fatal:
            raise Fail("LOCK_FATAL")
        name = next((n for n, c in CMD.items() if c == cmd), None)
        if name is None:
            raise Fail("LOCK_UNKNOWN_COMMAND")
        if name == "RHMT" and (self.runtime or self.metadata is not None):
            raise Fail("LOCK_COMMAND_SEQUENCE")
        if len(p) < 4:
            raise Fail("LOCK_MALFORMED_REQUEST")
        if struct.unpack_from("<I", p)[0] != checksum(cmd, p[4:]):
            raise Fail("LOCK_BAD_CHECKSUM")
        rd = Reader(p)
        req = PARSE[name](rd)
        if not rd.done():
            raise Fail("LOCK_MALFORMED_REQUEST")
        if name != "RHMT" and not self.runtime:
            self.boot_runtime()
        return getattr(self, "do_" + name)(req)

    def header(self, reserved_words=1):
        return struct.pack("<I", 0) + bytes(4 * reserved_words)

    def do_RHMT(self, q):
        if q["seed_state"] > 4 or not 4 <= q["total_slots"] <= 16 or q["active_slot"] >= q["total_slots"]:
            raise Fail("LOCK_MALFORMED_REQUEST")
        self.metadata = (q["seed_state"], q["active_slot"], q["total_slots"])
        available = (not self.fuses["production"]) or q["seed_state"] in (3, 4)
        if not available:
            self.hek = None
        return self.header(4)

    def do_GSTA(self, q):
        return self.header(4) + struct.pack("<I", 0x80000000 if self.engine_ready else 0)  # CTRL: RDY, idle

    def do_GALG(self, q):
        return self.header(4) + struct.pack("<III", 1, 1, 1)

    def do_CLKC(self, q):
        st, code = self.engine("zeroize", timeout=q)
        self.eng = {"command": "zeroize", "result": st}
        if st != "ok":
            raise Fail(st)
        return self.header()

    def do_EHDL(self, q):
        out = self.header() + struct.pack("<I", len(self.keypairs))
        for k in self.keypairs:
            out += struct.pack("<II", k["handle"], k["alg"])
        return out

    def do_EHPK(self, q):
        kp = next((k for k in self.keypairs if k["handle"] == q["handle"]), None)
        if kp is None:
            raise Fail("LOCK_BAD_HANDLE")
        cert = b""
        if q["alg"] != 0:
            if q["alg"] != 1:
                raise Fail("LOCK_BAD_ALGORITHM")
            ask, _ = alias_key(self.seed)
            cert = certificate(ask, "OCP L.O.C.K. KMB HPKE key", kp["handle"], kp["pk"], False, (0x0011, 2, 2))
        return self.header() + struct.pack("<II", len(kp["pk"]), len(cert)) + kp["pk"] + cert

    def do_RHPK(self, q):
        idx = next((i for i, k in enumerate(self.keypairs) if k["handle"] == q["handle"]), None)
        if idx is None:
            raise Fail("LOCK_BAD_HANDLE")
        self.keypairs[idx] = self.keypair()
        return self.header() + struct.pack("<I", self.keypairs[idx]["handle"])

    def lock(self, sek, ak, mpk, metadata):
        iv, salt = self.draw(12), self.draw(12)
        k = self.r.locked_mpk_key(self.r.epk(self.hek, sek), ak)
        return bytes.fromhex(self.r.wrap(1, k, self.r.label("locked_mpk_aes_label"), salt, iv, metadata, mpk)["wrapped_key"])

    def do_GMPK(self, q):
        self.need_hek()
        ak = self.unseal(q["sak"])[0]
        mpk = self.draw(32)
        return self.header() + self.lock(q["sek"], ak, mpk, q["metadata"])

    def do_REWP(self, q):
        self.need_hek()
        cur, new = self.unseal(q["sak"], q["new_ct"])
        md, mpk = self.unlock(q["sek"], cur, q["locked"])
        return self.header() + self.lock(q["sek"], new, mpk, md)

    def ensure_vek(self):
        if self.vek is None:
            self.vek = self.r.vek(self.hek, self.draw(32))

    def do_RMPK(self, q):
        self.need_hek()
        self.ensure_vek()
        ak = self.unseal(q["sak"])[0]
        md, mpk = self.unlock(q["sek"], ak, q["locked"])
        iv, salt = self.draw(12), self.draw(12)
        w = self.r.wrap(2, self.vek, self.r.label("enabled_mpk_aes_label"), salt, iv, md, mpk)
        return self.header() + bytes.fromhex(w["wrapped_key"])

    def do_IMKS(self, q):
        self.mpk_secret = bytes(64)
        return self.header()

    def do_MMPK(self, q):
        self.need_hek()
        if self.mpk_secret is None:
            raise Fail("LOCK_MEK_NOT_INITIALIZED")
        self.ensure_vek()
        try:
            _, mpk = self.r.unwrap(q["enabled"], 2, self.vek, self.r.label("enabled_mpk_aes_label"))
        except Refused:
            raise Fail("LOCK_MPK_DECRYPT")
        self.mpk_secret = self.r.pke(self.mpk_secret, mpk, self.r.label("mpk_secret_label"))[2]
        return self.header()

    def do_TACK(self, q):
        self.need_hek()
        ak = self.unseal(q["sak"])[0]
        md, _ = self.unlock(q["sek"], ak, q["locked"])
        return struct.pack("<I", 0) + hashlib.sha384(md + ak + q["nonce"]).digest()

    def mek_prologue(self, q):
        self.need_hek()
        if self.mpk_secret is None:
            raise Fail("LOCK_MEK_NOT_INITIALIZED")
        secret = self.mek_secret(q["sek"], q["dpk"])
        self.mpk_secret = None  # E-KMB-MEK-CONSUMES: consumed once the MEK secret is derived
        return secret

    def do_GMEK(self, q):
        secret = self.mek_prologue(q)
        mek, iv, salt = self.draw(64), self.draw(12), self.draw(12)
        inner = aes_ecb(self.r.aes_key(self.mdk), mek)
        w = self.r.wrap(3, secret, self.r.label("wrapped_mek_label"), salt, iv, b"", inner)
        return self.header() + bytes.fromhex(w["wrapped_key"])

    def load(self, metd, mek, timeout):
        st, code = self.engine("load_mek", metd, mek, timeout)
        self.eng = {"command": "load_mek", "result": st, "metadata": metd.hex(), "mek": mek.hex()}
        if st != "ok":
            raise Fail(st)

    def do_LMEK(self, q):
        secret = self.mek_prologue(q)
        try:
            _, inner = self.r.unwrap(q["wrapped"], 3, secret, self.r.label("wrapped_mek_label"))
        except Refused:
            raise Fail("LOCK_MEK_DECRYPT")
        self.load(q["metadata"], aes_ecb(self.r.aes_key(self.mdk), inner, decrypt=True), q["timeout"])
        return self.header()

    def do_DMEK(self, q):
        secret = self.mek_prologue(q)
        try:
            mek, checksum_ = self.r.derive_mek(secret, q["checksum"])
        except Refused:
            raise Fail("LOCK_MEK_DECRYPT")
        self.load(q["metadata"], mek, q["timeout"])
        return self.header() + checksum_

    def do_UMEK(self, q):
        st, code = self.engine("unload_mek", q["metadata"], timeout=q["timeout"])
        self.eng = {"command": "unload_mek", "result": st, "metadata": q["metadata"].hex()}
        if st != "ok":
            raise Fail(st)
        return self.header()

    def do_REKS(self, q):
        if q["sek_state"] > 1:
            raise Fail("LOCK_MALFORMED_REQUEST")
        if self.metadata is None:
            hek_state, left = 1, 0
        else:
            seed_state, active, total = self.metadata
            hek_state = {0: 0, 1: 1, 2: 2, 3: 3, 4: 4}[seed_state] if self.fuses["production"] else 4
            left = max(0, total - active - (1 if seed_state in (1, 4) else 0))
        return self.header() + struct.pack("<HHHH", left, hek_state, q["sek_state"], 0) + q["nonce"]


# ---- request parsing (Tables 13-54) ------------------------------------------------------
class Reader:
    def __init__(self, b):
        self.b, self.i = b, 0

    def take(self, n):
        if n > len(self.b) - self.i:
            raise Fail("LOCK_MALFORMED_REQUEST")
        v = self.b[self.i:self.i + n]
        self.i += n
        return v

    def u16(self):
        return struct.unpack("<H", self.take(2))[0]

    def u32(self):
        return struct.unpack("<I", self.take(4))[0]

    def done(self):
        return self.i == len(self.b)

    def sak(self):
        handle, alg, akl, il = self.u32(), self.u32(), self.u32(), self.u32()
        if alg not in (1, 2, 4) or akl != 32:
            raise Fail("LOCK_BAD_ALGORITHM")
        info = self.take(il)
        enc = self.take({1: 97, 2: 1568, 4: 1665}[alg])
        ct = self.take(akl + 16)
        return {"handle": handle, "alg": alg, "info": info, "enc": enc, "ct": ct}

    def wrapped(self, key_type):
        start = self.i
        kt = self.u16()
        code = "LOCK_MEK_DECRYPT" if key_type == 3 else "LOCK_MPK_DECRYPT"
        if kt != key_type:
            raise Fail(code)
        self.take(2 + 12)
        ml, kl = self.u32(), self.u32()
        if kl != (64 if key_type == 3 else 32):
            raise Fail(code)
        self.take(12 + ml + kl + 16)
        return self.b[start:self.i]


def _hdr(r):
    r.u32()
    r.u32()


PARSE = {
    "RHMT": lambda r: (_hdr(r), dict(total_slots=r.u16(), active_slot=r.u16(), seed_state=r.u16(), pad=r.u16()))[1],
    "GSTA": lambda r: r.u32(),
    "GALG": lambda r: r.u32(),
    "CLKC": lambda r: (_hdr(r), r.u32())[1],
    "EHDL": lambda r: _hdr(r),
    "EHPK": lambda r: (_hdr(r), dict(handle=r.u32(), alg=r.u32()))[1],
    "RHPK": lambda r: (_hdr(r), dict(handle=r.u32()))[1],
    "GMPK": lambda r: (_hdr(r), dict(sek=r.take(32), metadata=r.take(r.u32()), sak=r.sak()))[1],
    "REWP": lambda r: (_hdr(r), _rewp(r))[1],
    "RMPK": lambda r: (_hdr(r), dict(sek=r.take(32), sak=r.sak(), locked=r.wrapped(1)))[1],
    "IMKS": lambda r: _hdr(r),
    "MMPK": lambda r: (_hdr(r), dict(enabled=r.wrapped(2)))[1],
    "TACK": lambda r: (_hdr(r), dict(sek=r.take(32), nonce=r.take(32), locked=r.wrapped(1), sak=r.sak()))[1],
    "GMEK": lambda r: (_hdr(r), dict(sek=r.take(32), dpk=r.take(32)))[1],
    "LMEK": lambda r: (_hdr(r), dict(sek=r.take(32), dpk=r.take(32), metadata=r.take(20), aux=r.take(32),
                                     wrapped=r.wrapped(3), timeout=r.u32()))[1],
    "DMEK": lambda r: (_hdr(r), dict(sek=r.take(32), dpk=r.take(32), checksum=r.take(16), metadata=r.take(20),
                                     aux=r.take(32), timeout=r.u32()))[1],
    "UMEK": lambda r: (_hdr(r), dict(metadata=r.take(20), timeout=r.u32()))[1],
    "REKS": lambda r: (_hdr(r), dict(sek_state=r.u16(), pad=r.u16(), nonce=r.take(16)))[1],
}


def _rewp(r):
    sek = r.take(32)
    locked = r.wrapped(1)
    sak = r.sak()
    return dict(sek=sek, locked=locked, sak=sak, new_ct=r.take(32 + 16))


# ---- host side: building requests (a key-management service seals access keys) ---------
def sealed_access_key(handle, pk, info, keys, ikm_e):
    """One HPKE context; returns (SealedAccessKey bytes, [extra ciphertexts])."""
    sk_e, pk_e = hp.derive_key_pair(ikm_e)
    ss = hp.extract_and_expand(hp.dh(sk_e, pk), pk_e + pk)
    key, base = hp.key_schedule(ss, info)
    cts = [AESGCM(key).encrypt(hp.nonce(base, i), k, b"") for i, k in enumerate(keys)]
    sak = struct.pack("<IIII", handle, 1, 32, len(info)) + info + pk_e + cts[0]
    return sak, cts[1:]


def request(name, body):
    return {"cmd": name, "payload": seal_checksum(CMD[name], body).hex()}


def pub_key_of(resp_hex):
    p = bytes.fromhex(resp_hex)
    pk_len, _ = struct.unpack_from("<II", p, 12)
    return p[20:20 + pk_len]


def run(seed, requests):
    """Replays kmb.mailbox requests; returns the list of expected responses."""
    k = Kmb(seed)
    out = []
    for r in requests:
        if "fault" in r:
            if r["fault"] == "engine":
                k.engine_ready = False
            else:
                k.fatal, k.vek, k.mpk_secret = True, None, None
            out.append({"status": "ok", "payload": ""})
            continue
        if "reset" in r:
            getattr(k, {"cold": "cold_reset", "warm": "warm_reset", "firmware_update": "firmware_update_reset"}[r["reset"]])()
            out.append({"status": "ok", "payload": ""})
            continue
        cmd = CMD.get(r["cmd"], None)
        if cmd is None:
            cmd = int(r["cmd"], 0)
        st, resp, eng = k.request(cmd, bytes.fromhex(r["payload"]))
        a = {"status": st, "payload": resp.hex()}
        if eng:
            a["engine"] = eng
        out.append(a)
    return out
