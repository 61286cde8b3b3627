// Interop: lockref's HPKE against the npm peer (hpke_node.mjs), both directions, for every
// suite of OCP L.O.C.K. 0.9 Table 3, with random keys, info, aad and plaintexts, two
// messages per context (the REWRAP_MPK flow opens twice, §4.6.2.2.3), plus tampering.
//   node tests/interop/run.mjs <lockref-binary> [cases-per-suite]
// Exit 0 iff every check passes.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { run } from "./hpke_node.mjs";

const lockref = process.argv[2];
const cases = Number(process.argv[3] || process.env.LOCKREF_INTEROP_CASES || 4);
if (!lockref) { console.error("usage: run.mjs <lockref-binary> [cases]"); process.exit(2); }

const rnd = (n) => randomBytes(n).toString("hex");
const rndLen = (max) => rnd(Math.floor(Math.random() * (max + 1)));
function evalBatch(reqs) {
  // lockref eval exits 1 when a request failed (the tampering checks expect some to), 0 when none did.
  const p = spawnSync(lockref, ["eval"], { input: reqs.map((r) => JSON.stringify(r)).join("\n") + "\n" });
  const answers = p.stdout.toString().trim().split("\n").map((l) => JSON.parse(l));
  const want = answers.some((a) => !a.ok) ? 1 : 0;
  if (p.status !== want) throw new Error(`lockref eval exit status ${p.status}, expected ${want}: ${p.stderr}`);
  return answers;
}
function flip(h) {  // flip one bit of a hex string at a random byte
  const b = Buffer.from(h, "hex");
  b[Math.floor(Math.random() * b.length)] ^= 1 << Math.floor(Math.random() * 8);
  return b.toString("hex");
}

const suites = [
  { kem_id: 0x0011, kdf_id: 2, aead_id: 2, randomness: () => ({ ikmE: rnd(48) }) },
  { kem_id: 0x0042, kdf_id: 2, aead_id: 2, randomness: () => ({ randomness: rnd(32) }) },
  { kem_id: 0x0a25, kdf_id: 2, aead_id: 2, randomness: () => ({ randomness: rnd(80) }) },
];

let failures = 0, checks = 0;
const check = (cond, what) => { ++checks; if (!cond) { ++failures; console.error("FAIL: " + what); } };

for (const s of suites) {
  const suite = { kem_id: s.kem_id, kdf_id: s.kdf_id, aead_id: s.aead_id };
  const name = "kem 0x" + s.kem_id.toString(16).padStart(4, "0");
  for (let c = 0; c < cases; ++c) {
    const info = rndLen(64), aad = rndLen(32), pts = [rnd(32), rndLen(80)];

    // (1) npm seals to a lockref key; lockref opens (seq 0 and 1 from one context).
    const [kp] = evalBatch([{ op: "hpke.keygen", suite, ikm: rnd(32) }]);
    check(kp.ok, `${name} lockref keygen: ${JSON.stringify(kp)}`);
    const sealed = await run({ op: "seal", suite, pk: kp.pk, info, aad, pts });
    const opened = evalBatch(sealed.cts.map((ct, seq) => ({ op: "hpke.open", suite, skR: kp.sk, enc: sealed.enc, info, aad, ct, seq })));
    opened.forEach((o, i) => check(o.ok && o.pt === pts[i], `${name} case ${c}: npm seal -> lockref open, message ${i}: ${JSON.stringify(o)}`));
    // tampering: enc, ct, info, and the wrong sequence number all fail in lockref
    const bad = evalBatch([
      { op: "hpke.open", suite, skR: kp.sk, enc: flip(sealed.enc), info, aad, ct: sealed.cts[0] },
      { op: "hpke.open", suite, skR: kp.sk, enc: sealed.enc, info, aad, ct: flip(sealed.cts[0]) },
      { op: "hpke.open", suite, skR: kp.sk, enc: sealed.enc, info: info + "00", aad, ct: sealed.cts[0] },
      { op: "hpke.open", suite, skR: kp.sk, enc: sealed.enc, info, aad, ct: sealed.cts[1], seq: 0 },
    ]);
    bad.forEach((o, i) => check(!o.ok, `${name} case ${c}: tampered input ${i} must not open: ${JSON.stringify(o)}`));

    // (2) lockref seals to an npm key; npm opens both messages from one context.
    const nkp = await run({ op: "keygen", suite });
    const r = s.randomness();
    const ms = evalBatch(pts.map((pt, seq) => ({ op: "hpke.seal", suite, pkR: nkp.pk, info, aad, pt, ...r, seq })));
    ms.forEach((m, i) => check(m.ok, `${name} lockref seal ${i}: ${JSON.stringify(m)}`));
    check(ms[0].enc === ms[1].enc, `${name}: one context, one enc`);
    const nopen = await run({ op: "open", suite, sk: nkp.sk, enc: ms[0].enc, info, aad, cts: ms.map((m) => m.ct) });
    nopen.pts.forEach((p, i) => check(p === pts[i], `${name} case ${c}: lockref seal -> npm open, message ${i}: ${JSON.stringify(p)}`));
    const ntamper = await run({ op: "open", suite, sk: nkp.sk, enc: ms[0].enc, info, aad, cts: [flip(ms[0].ct)] });
    check(typeof ntamper.pts?.[0] === "object" || ntamper.error, `${name} case ${c}: npm rejects a tampered lockref ciphertext`);
  }
  console.log(`${name}: ${cases} cases each way`);
}
console.log(`${checks} checks, ${failures} failures`);
process.exit(failures === 0 ? 0 : 1);
