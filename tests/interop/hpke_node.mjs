// An HPKE peer built only from npm packages, for lockref's interop test (run.mjs) and for
// golden-vector generation (make_vectors.mjs). Nothing here comes from lockref.
//
//   0x0011 DHKEM(P-384)  : @hpke/core DhkemP384HkdfSha384 (WebCrypto ECDH)
//   0x0042 ML-KEM-1024   : @hpke/ml-kem MlKem1024 (private key = 64-byte seed d || z;
//                          its deriveKeyPair follows an older draft, so keys are loaded from
//                          their stored bytes with importKey, never derived)
//   0x0a25 / 0x0051 hybrid ML-KEM-1024 + P-384: a KemInterface assembled here from
//                          @noble/post-quantum ml_kem1024, @noble/curves p384 and
//                          @noble/hashes sha3_256/shake256, following 0.9 Figure 9 and
//                          draft-irtf-cfrg-concrete-hybrid-kems MLKEM1024-P384
//   KDF 0x0002 / AEAD 0x0002: @hpke/core HkdfSha384, Aes256Gcm (key schedule, nonces, seq)
import { Aes256Gcm, CipherSuite, DhkemP384HkdfSha384, HkdfSha384 } from "@hpke/core";
import { MlKem1024 } from "@hpke/ml-kem";
import { ml_kem1024 } from "@noble/post-quantum/ml-kem.js";
import { p384 } from "@noble/curves/nist.js";
import { sha3_256, shake256 } from "@noble/hashes/sha3.js";

export const hex = (u8) => Buffer.from(u8).toString("hex");
export const unhex = (s) => new Uint8Array(Buffer.from(s, "hex"));
const concat = (...xs) => {
  const out = new Uint8Array(xs.reduce((n, x) => n + x.length, 0));
  let o = 0;
  for (const x of xs) { out.set(x, o); o += x.length; }
  return out;
};
const ascii = (s) => new TextEncoder().encode(s);

// ---- the hybrid KEM (0.9 Figure 9) -------------------------------------------------------
const P384_N = p384.Point.CURVE().n;
const os2ip = (b) => BigInt("0x" + (hex(b) || "0"));

class HybridKem {
  constructor(id, label) {
    this.id = id;
    this.label = ascii(label);
    this.secretSize = 32;
    this.encSize = 1568 + 97;
    this.publicKeySize = 1568 + 97;
    this.privateKeySize = 32;
    this.auth = false;
  }
  static randomScalar(seed) {
    for (let i = 0; i + 48 <= seed.length; i += 48) {
      const s = seed.slice(i, i + 48);
      const v = os2ip(s);
      if (v !== 0n && v < P384_N) return s;
    }
    throw new Error("RandomScalar failed");
  }
  expand(seed) {
    const full = shake256(seed, { dkLen: 64 + 48 });
    const pq = ml_kem1024.keygen(full.slice(0, 64));
    const skT = HybridKem.randomScalar(full.slice(64));
    const ekT = p384.getPublicKey(skT, false);
    return { ekPq: pq.publicKey, dkPq: pq.secretKey, skT, ekT };
  }
  combine(ssPq, ssT, ctT, ekT) { return sha3_256(concat(ssPq, ssT, ctT, ekT, this.label)); }
  key(bytes, type) { return { type, algorithm: { name: "hybrid" }, extractable: true, usages: [], key: new Uint8Array(bytes) }; }
  async serializePublicKey(k) { return k.key.slice().buffer; }
  async deserializePublicKey(b) { return this.key(new Uint8Array(b), "public"); }
  async serializePrivateKey(k) { return k.key.slice().buffer; }
  async deserializePrivateKey(b) { return this.key(new Uint8Array(b), "private"); }
  async importKey(_format, b, isPublic = true) { return this.key(new Uint8Array(b), isPublic ? "public" : "private"); }
  async generateKeyPair() {
    const seed = crypto.getRandomValues(new Uint8Array(32));
    const e = this.expand(seed);
    return { privateKey: this.key(seed, "private"), publicKey: this.key(concat(e.ekPq, e.ekT), "public") };
  }
  async deriveKeyPair() { throw new Error("not used"); }
  async encap(params) {
    const pk = params.recipientPublicKey.key;
    const ekPq = pk.slice(0, 1568), ekT = pk.slice(1568);
    const rnd = params.ekm ? new Uint8Array(params.ekm) : crypto.getRandomValues(new Uint8Array(80));
    const { cipherText, sharedSecret } = ml_kem1024.encapsulate(ekPq, rnd.slice(0, 32));
    const skE = HybridKem.randomScalar(rnd.slice(32));
    const ctT = p384.getPublicKey(skE, false);
    const ssT = p384.getSharedSecret(skE, ekT, true).slice(1);
    const ss = this.combine(sharedSecret, ssT, ctT, ekT);
    return { sharedSecret: ss.slice().buffer, enc: concat(cipherText, ctT).buffer };
  }
  async decap(params) {
    const enc = new Uint8Array(params.enc);
    const seed = (params.recipientKey.privateKey ?? params.recipientKey).key;
    const e = this.expand(seed);
    const ssPq = ml_kem1024.decapsulate(enc.slice(0, 1568), e.dkPq);
    const ctT = enc.slice(1568);
    const ssT = p384.getSharedSecret(e.skT, ctT, true).slice(1);
    return this.combine(ssPq, ssT, ctT, e.ekT).slice().buffer;
  }
}

function kemFor(id) {
  switch (id) {
    case 0x0011: return new DhkemP384HkdfSha384();
    case 0x0042: return new MlKem1024();
    case 0x0a25: return new HybridKem(0x0a25, "QSF-KEM(ML-KEM-1024,P-384)-XOF(SHAKE256)-KDF(SHA3-256)");
    case 0x0051: return new HybridKem(0x0051, "MLKEM1024-P384");
    default: throw new Error("unsupported kem " + id);
  }
}
function suiteFor(s) {
  if (s.kdf_id !== 2 || s.aead_id !== 2) throw new Error("unsupported kdf/aead");
  return new CipherSuite({ kem: kemFor(s.kem_id), kdf: new HkdfSha384(), aead: new Aes256Gcm() });
}

/// P-384 private keys: @hpke/core imports them as a JWK with d (and x, y from noble).
async function importPrivate(suite, kemId, sk) {
  if (kemId === 0x0011) {
    const pub = p384.getPublicKey(sk, false);
    const b64 = (u8) => Buffer.from(u8).toString("base64url");
    const jwk = { kty: "EC", crv: "P-384", d: b64(sk), x: b64(pub.slice(1, 49)), y: b64(pub.slice(49)) };
    return suite.kem.importKey("jwk", jwk, false);
  }
  return suite.kem.importKey("raw", sk, false);
}

export async function run(req) {
  const suite = suiteFor(req.suite);
  const kemId = req.suite.kem_id;
  switch (req.op) {
    case "keygen": {
      const kp = await suite.kem.generateKeyPair();
      return { sk: hex(new Uint8Array(await suite.kem.serializePrivateKey(kp.privateKey))),
               pk: hex(new Uint8Array(await suite.kem.serializePublicKey(kp.publicKey))) };
    }
    case "seal": {
      const pk = await suite.kem.importKey("raw", unhex(req.pk), true);
      const params = { recipientPublicKey: pk, info: unhex(req.info) };
      if (req.ekm) params.ekm = unhex(req.ekm);
      const ctx = await suite.createSenderContext(params);
      const cts = [];
      // `aads` (one per message) overrides the common `aad`.
      for (const [i, pt] of req.pts.entries())
        cts.push(hex(new Uint8Array(await ctx.seal(unhex(pt), unhex(req.aads ? req.aads[i] : req.aad)))));
      return { enc: hex(new Uint8Array(ctx.enc)), cts };
    }
    case "open": {
      const sk = await importPrivate(suite, kemId, unhex(req.sk));
      const ctx = await suite.createRecipientContext({ recipientKey: sk, enc: unhex(req.enc), info: unhex(req.info) });
      const pts = [];
      for (const [i, ct] of req.cts.entries()) {
        try { pts.push(hex(new Uint8Array(await ctx.open(unhex(ct), unhex(req.aads ? req.aads[i] : req.aad))))); }
        catch (e) { pts.push({ error: String(e.name || e) }); }
      }
      return { pts };
    }
    default: throw new Error("unknown op " + req.op);
  }
}

// CLI: a JSON array of requests on stdin -> a JSON array of answers on stdout.
if (import.meta.url === `file://${process.argv[1]}`) {
  let input = "";
  for await (const chunk of process.stdin) input += chunk;
  const out = [];
  for (const r of JSON.parse(input)) {
    try { out.push(await run(r)); } catch (e) { out.push({ error: String(e && e.message || e) }); }
  }
  process.stdout.write(JSON.stringify(out) + "\n");
}
