// Generates lockref's HPKE golden vectors from sources independent of lockref:
//   vectors/hpke-pq.json       transcribed from draft-ietf-hpke-pq test-vectors.json (suites
//                              0x0042 and 0x0051 with HKDF-SHA384/AES-256-GCM, every encryption)
//   vectors/hpke-npm.json      produced by the npm peer (hpke_node.mjs: @hpke/core, @hpke/ml-kem,
//                              @noble/*) for kem 0x0011, 0x0042, 0x0a25: keygen, seal, open
//   vectors/lock-sealed-access-key.json  Table 54 SealedAccessKeys assembled here around
//                              npm-sealed payloads, with the Table 57 code each must produce
// Never run against lockref: the expected values must not come from the model.
//   node tests/interop/make_vectors.mjs <source-dir> <hpkewg-hpke-pq-test-vectors.json>
import { readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { DhkemP384HkdfSha384 } from "@hpke/core";
import { run } from "./hpke_node.mjs";

const [src, pqFile] = process.argv.slice(2);
const rnd = (n) => randomBytes(n).toString("hex");
const hex = (u8) => Buffer.from(u8).toString("hex");
const write = (name, obj) => writeFileSync(`${src}/vectors/${name}`, JSON.stringify(obj, null, 1) + "\n");
const suiteOf = (kem) => ({ kem_id: kem, kdf_id: 2, aead_id: 2 });
const npmProv = "tests/interop/make_vectors.mjs with @hpke/core 1.9.0 / @hpke/ml-kem 0.3.0 / @noble/post-quantum 0.7.1, @noble/curves 2.4.0, @noble/hashes 2.4.0";

// ---- hpke-pq.json ---------------------------------------------------------------------------
{
  const all = JSON.parse(readFileSync(pqFile, "utf8"));
  const vectors = [];
  for (const v of all) {
    if (![0x42, 0x51].includes(v.kem_id) || v.kdf_id !== 2 || v.aead_id !== 2) continue;
    const suite = suiteOf(v.kem_id), tag = `kem${v.kem_id.toString(16).padStart(4, "0")}`;
    const prov = `draft-ietf-hpke-pq test-vectors.json (hpkewg/hpke-pq), entry kem_id ${v.kem_id} kdf_id 2 aead_id 2`;
    vectors.push({ id: `${tag}-keygen`, provenance: prov, request: { op: "hpke.keygen", suite, ikm: v.ikmR }, expect: { ok: true, sk: v.skRm, pk: v.pkRm } });
    v.encryptions.forEach((e, seq) => {
      vectors.push({ id: `${tag}-seal-${seq}`, provenance: prov,
        request: { op: "hpke.seal", suite, pkR: v.pkRm, info: v.info, aad: e.aad, pt: e.pt, randomness: v.ikmE, seq },
        expect: { ok: true, enc: v.enc, ct: e.ct } });
      vectors.push({ id: `${tag}-open-${seq}`, provenance: prov,
        request: { op: "hpke.open", suite, skR: v.skRm, enc: v.enc, info: v.info, aad: e.aad, ct: e.ct, seq },
        expect: { ok: true, pt: e.pt } });
    });
    // The same ciphertext at the wrong sequence number must not open (RFC 9180 §5.2 nonce).
    vectors.push({ id: `${tag}-open-wrong-seq`, provenance: prov + "; message 1 opened at seq 0",
      request: { op: "hpke.open", suite, skR: v.skRm, enc: v.enc, info: v.info, aad: v.encryptions[1].aad, ct: v.encryptions[1].ct, seq: 0 },
      expect: { ok: false } });
  }
  write("hpke-pq.json", { topic: "hpke-pq", description: "HPKE base mode for ML-KEM-1024 (0x0042, 0.9 Table 3) and MLKEM1024-P384 (0x0051, the construction 0.9 Figure 9 instantiates as 0x0a25), HKDF-SHA384, AES-256-GCM: keygen, all ten encryptions sealed and opened at their sequence numbers.",
    provenance: "Transcribed by tests/interop/make_vectors.mjs from ../shared/external-vectors/hpke/hpkewg-hpke-pq-test-vectors.json (draft-ietf-hpke-pq, IETF Trust)", vectors });
}

// ---- hpke-npm.json ----------------------------------------------------------------------------
const vectors = [];
// P-384 DeriveKeyPair by @hpke/core (RFC 9180 §7.1.3).
{
  const kem = new DhkemP384HkdfSha384();
  for (let i = 0; i < 3; ++i) {
    const ikm = rnd(48);
    const kp = await kem.deriveKeyPair(Buffer.from(ikm, "hex"));
    vectors.push({ id: `kem0011-keygen-${i}`, provenance: npmProv + " (DhkemP384HkdfSha384.deriveKeyPair)",
      request: { op: "hpke.keygen", suite: suiteOf(0x11), ikm },
      expect: { ok: true, sk: hex(new Uint8Array(await kem.serializePrivateKey(kp.privateKey))), pk: hex(new Uint8Array(await kem.serializePublicKey(kp.publicKey))) } });
  }
}
const ekmLen = { 0x11: 48, 0x42: 32, 0xa25: 80 };
for (const kemId of [0x11, 0x42, 0xa25]) {
  const suite = suiteOf(kemId), tag = `kem${kemId.toString(16).padStart(4, "0")}`;
  for (let i = 0; i < 2; ++i) {
    const kp = await run({ op: "keygen", suite });
    const info = rnd(16 + 8 * i), aad = i ? rnd(12) : "", pts = [rnd(32), rnd(32)], ekm = rnd(ekmLen[kemId]);
    const s = await run({ op: "seal", suite, pk: kp.pk, info, aad, pts, ekm });
    const rkey = kemId === 0x11 ? "ikmE" : "randomness";
    s.cts.forEach((ct, seq) => {
      vectors.push({ id: `${tag}-${i}-seal-${seq}`, provenance: npmProv + ` (sender context with ekm; ${kemId === 0x11 ? "RFC 9180 DeriveKeyPair(ikmE)" : "the KEM's encapsulation randomness"})`,
        request: { op: "hpke.seal", suite, pkR: kp.pk, info, aad, pt: pts[seq], [rkey]: ekm, seq }, expect: { ok: true, enc: s.enc, ct } });
      vectors.push({ id: `${tag}-${i}-open-${seq}`, provenance: npmProv + " (npm key pair and npm seal)",
        request: { op: "hpke.open", suite, skR: kp.sk, enc: s.enc, info, aad, ct, seq }, expect: { ok: true, pt: pts[seq] } });
    });
  }
}
write("hpke-npm.json", { topic: "hpke-npm", description: "HPKE base mode for every 0.9 Table 3 suite (kem 0x0011, 0x0042, 0x0a25 with HKDF-SHA384 and AES-256-GCM), keys and ciphertexts produced by independent npm implementations; two messages per context (seq 0 and 1).",
  provenance: npmProv, vectors });

// ---- lock-sealed-access-key.json ----------------------------------------------------------------
{
  const u32 = (x) => { const b = Buffer.alloc(4); b.writeUInt32LE(x >>> 0); return b.toString("hex"); };
  const sak = ({ handle, alg, akl, info, enc, ct }) => u32(handle) + u32(alg) + u32(akl) + u32(info.length / 2) + info + enc + ct;
  const sv = [];
  const bits = { 0x11: 1, 0x42: 2, 0xa25: 4 };
  const prov = "0.9 §4.7.2.22.1 Table 54 layout (little-endian u32, §4.7.2.1) assembled by tests/interop/make_vectors.mjs around an HPKE payload sealed by " + npmProv;
  for (const kemId of [0x11, 0x42, 0xa25]) {
    const suite = suiteOf(kemId), tag = `kem${kemId.toString(16).padStart(4, "0")}`;
    const kp = await run({ op: "keygen", suite });
    const info = "0000000600000001" + "0000000b00000001";  // two 8-byte UIDs (uid_bytes spelling, Table 58)
    const ak = rnd(32), newAk = rnd(32);
    const s = await run({ op: "seal", suite, pk: kp.pk, info, aad: "", pts: [ak, newAk] });
    const good = { handle: 7, alg: bits[kemId], akl: 32, info, enc: s.enc, ct: s.cts[0] };
    const req = (bytes, extra = {}) => ({ op: "lock.sealed_access_key.unseal", bytes, handle: 7, hpke_algorithm: bits[kemId], sk: kp.sk, ...extra });
    sv.push({ id: `${tag}-unseal`, provenance: prov, request: req(sak(good)), expect: { ok: true, status: "ok", access_keys: [ak] } });
    sv.push({ id: `${tag}-rewrap-two-opens`, provenance: prov + "; §4.6.2.2.3: current then new access key from one context",
      request: req(sak(good), { new_ak_ciphertext: s.cts[1] }), expect: { ok: true, status: "ok", access_keys: [ak, newAk] } });
    sv.push({ id: `${tag}-two-bits`, provenance: "Table 54: hpke_algorithm must be a bit value -> Table 57 LOCK_BAD_ALGORITHM",
      request: req(sak({ ...good, alg: bits[kemId] | 8 })), expect: { ok: true, status: "LOCK_BAD_ALGORITHM" } });
    sv.push({ id: `${tag}-wrong-handle-algorithm`, provenance: "Table 57 LOCK_BAD_ALGORITHM: algorithm does not match the given handle",
      request: { ...req(sak(good)), hpke_algorithm: kemId === 0x11 ? 2 : 1 }, expect: { ok: true, status: "LOCK_BAD_ALGORITHM" } });
    sv.push({ id: `${tag}-unknown-handle`, provenance: "Table 57 LOCK_BAD_HANDLE: unknown handle",
      request: { ...req(sak(good)), handle: 8 }, expect: { ok: true, status: "LOCK_BAD_HANDLE" } });
    sv.push({ id: `${tag}-access-key-len-16`, provenance: "Table 54/Table 20: access_key_len must be a supported size (32) -> LOCK_BAD_ALGORITHM",
      request: req(sak({ ...good, akl: 16 })), expect: { ok: true, status: "LOCK_BAD_ALGORITHM" } });
    const tamper = (h) => h.slice(0, 10) + (h[10] === "0" ? "1" : "0") + h.slice(11);
    sv.push({ id: `${tag}-tampered-ak-ciphertext`, provenance: prov + "; ciphertext bit flipped -> AEAD failure, Table 57 LOCK_ACCESS_KEY_UNWRAP",
      request: req(sak({ ...good, ct: tamper(good.ct) })), expect: { ok: true, status: "LOCK_ACCESS_KEY_UNWRAP" } });
    sv.push({ id: `${tag}-other-info`, provenance: prov + "; info changed -> different key schedule -> LOCK_ACCESS_KEY_UNWRAP",
      request: req(sak({ ...good, info: info.slice(0, -2) + "02" })), expect: { ok: true, status: "LOCK_ACCESS_KEY_UNWRAP" } });
    sv.push({ id: `${tag}-truncated-kem-ciphertext`, provenance: "Table 54 kem_ciphertext u8[Nenc] cut short -> LOCK_KEM_DECAPSULATION",
      request: req(sak({ ...good, enc: good.enc.slice(0, 40), ct: "" })), expect: { ok: true, status: "LOCK_KEM_DECAPSULATION" } });
    if (kemId !== 0x42) {
      // A P-384 point that is not on the curve (y + 1): DHKEM / the hybrid's ECDH half rejects it.
      const off = good.enc.length - 2;
      const enc = good.enc.slice(0, off) + ((parseInt(good.enc.slice(off), 16) ^ 1).toString(16).padStart(2, "0"));
      sv.push({ id: `${tag}-off-curve-point`, provenance: "RFC 9180 §7.1.4 public-key validation; Table 57 LOCK_KEM_DECAPSULATION",
        request: req(sak({ ...good, enc })), expect: { ok: true, status: "LOCK_KEM_DECAPSULATION" } });
    } else {
      sv.push({ id: `${tag}-tampered-kem-ciphertext`, provenance: "FIPS 203 Alg 18 implicit rejection: the wrong shared secret surfaces as an AEAD failure, LOCK_ACCESS_KEY_UNWRAP",
        request: req(sak({ ...good, enc: tamper(good.enc) })), expect: { ok: true, status: "LOCK_ACCESS_KEY_UNWRAP" } });
    }
  }
  sv.push({ id: "undefined-bit-3", provenance: "Table 20 defines hpke_algorithms bits 0..2 -> LOCK_BAD_ALGORITHM",
    request: { op: "lock.sealed_access_key.decode", bytes: u32(1) + u32(8) + u32(32) + u32(0) }, expect: { ok: true, status: "LOCK_BAD_ALGORITHM" } });
  sv.push({ id: "zero-algorithm", provenance: "Table 54: hpke_algorithm must be a bit value -> LOCK_BAD_ALGORITHM",
    request: { op: "lock.sealed_access_key.decode", bytes: u32(1) + u32(0) + u32(32) + u32(0) }, expect: { ok: true, status: "LOCK_BAD_ALGORITHM" } });
  write("lock-sealed-access-key.json", { topic: "lock-sealed-access-key", description: "OCP L.O.C.K. 0.9 SealedAccessKey (Table 54): unwrap of npm-sealed access keys for every Table 20 algorithm, the two-open rewrap flow, and each failure with its Table 57 code.",
    provenance: prov, vectors: sv });
}
console.log("vectors written");
