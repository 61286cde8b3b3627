// The npm peer must itself reproduce the draft-ietf-hpke-pq known answers for the suites it
// shares with lockref (0x0042 ML-KEM-1024 and 0x0051 MLKEM1024-P384, HKDF-SHA384, AES-256-GCM):
// otherwise agreement with lockref would prove nothing.
//   node peer_selftest.mjs <hpkewg-hpke-pq-test-vectors.json>
import { readFileSync } from "node:fs";
import { run } from "./hpke_node.mjs";

const all = JSON.parse(readFileSync(process.argv[2], "utf8"));
let n = 0, bad = 0;
for (const v of all) {
  if (![0x42, 0x51].includes(v.kem_id) || v.kdf_id !== 2 || v.aead_id !== 2) continue;
  const suite = { kem_id: v.kem_id, kdf_id: 2, aead_id: 2 };
  const e = v.encryptions, aads = e.map((x) => x.aad);
  // All ten messages from one sender context (ekm = ikmE) and one recipient context, in order.
  const s = await run({ op: "seal", suite, pk: v.pkRm, info: v.info, aads, pts: e.map((x) => x.pt), ekm: v.ikmE });
  if (s.enc !== v.enc) { ++bad; console.error(`kem ${v.kem_id}: enc mismatch`); }
  s.cts.forEach((ct, i) => { if (ct !== e[i].ct) { ++bad; console.error(`kem ${v.kem_id}: ct ${i} mismatch`); } });
  const o = await run({ op: "open", suite, sk: v.skRm, enc: v.enc, info: v.info, aads, cts: e.map((x) => x.ct) });
  o.pts.forEach((pt, i) => { if (pt !== e[i].pt) { ++bad; console.error(`kem ${v.kem_id}: open ${i} mismatch`); } });
  ++n;
}
console.log(`npm peer self-test: ${n} suites x 10 encryptions, ${bad} mismatches`);
process.exit(n === 2 && bad === 0 ? 0 : 1);
