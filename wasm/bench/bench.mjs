#!/usr/bin/env node
// Side-by-side throughput in one Node process (a benchmark, not a test):
//   verify / sign       authcore vs jose (jwtVerify / SignJWT), same claims, same key
//                       (HS256, and EdDSA on one Ed25519 key: jose through WebCrypto)
//   hashPassword        authcore vs hash-wasm's argon2id, same parameters
// Usage: node bench/bench.mjs [--quick]   (run `node build.mjs` first)
import { performance } from 'node:perf_hooks';
import { argon2id } from 'hash-wasm';
import { SignJWT, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { Key, PrivateKey, PublicKey, hashPassword, sign, verify } from '../pkg/node/index.mjs';

const quick = process.argv.includes('--quick');
const SECONDS = quick ? 0.4 : 2;
const secret = new TextEncoder().encode('bench-secret-0123456789abcdef-0123456789');
const now = Math.floor(Date.now() / 1000);
const claims = {
  sub: 'user-42', iss: 'https://auth.example.com', aud: 'api', iat: now, exp: now + 3600,
  roles: ['teacher'], scope: 'grades:read grades:write', jti: '5f0c3a4e-8b1d-4c2a-9e37-1f6b2d9a0c11',
};
const options = { issuer: claims.iss, audience: 'api' };

// Ops/s of `a` (sync) and `b` (async, awaited one at a time as callers do), measured in
// alternating slices so that both see the same machine load.
async function pair(a, b) {
  const SLICES = quick ? 4 : 12;
  const slice = (SECONDS * 1000) / SLICES;
  for (let i = 0; i < 500; i++) { a(); await b(); } // warm-up (JIT, key caches)
  const total = [0, 0];
  const time = [0, 0];
  for (let s = 0; s < SLICES; s++) {
    let t0 = performance.now();
    let end = t0 + slice;
    while (performance.now() < end) { for (let i = 0; i < 100; i++) a(); total[0] += 100; }
    time[0] += performance.now() - t0;
    t0 = performance.now();
    end = t0 + slice;
    while (performance.now() < end) { for (let i = 0; i < 20; i++) await b(); total[1] += 20; }
    time[1] += performance.now() - t0;
  }
  return [total[0] / (time[0] / 1000), total[1] / (time[1] / 1000)];
}

async function timed(fn, runs) {
  await fn();
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) await fn();
  return (performance.now() - t0) / runs;
}

const fmt = (x) => Math.round(x).toLocaleString('en-US').padStart(12);
const key = new Key(secret);
const cryptoKey = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
const token = sign(claims, key);
const joseToken = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(secret);
if (JSON.stringify(verify(joseToken, key, options)) !== JSON.stringify((await jwtVerify(token, secret, options)).payload)) {
  throw new Error('the two libraries disagree on the claims');
}

console.log(`Node ${process.version}, ${SECONDS}s per row; token of ${token.length} bytes`);
console.log('operation                   authcore ops/s    jose ops/s   ratio');
const jwtRows = [
  ['verify, jose given the secret', () => verify(token, key, options), () => jwtVerify(token, secret, options)],
  ['verify, jose given a CryptoKey', () => verify(token, key, options), () => jwtVerify(token, cryptoKey, options)],
  ['sign, jose given the secret', () => sign(claims, key), () => new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(secret)],
  ['sign, jose given a CryptoKey', () => sign(claims, key), () => new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(cryptoKey)],
];
// EdDSA: one Ed25519 key on both sides; jose verifies with a CryptoKey (WebCrypto, which Node
// runs on OpenSSL's native Ed25519), authcore in wasm (ed25519-dalek, 32-bit field arithmetic).
const ed = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
const edPublic = PublicKey.fromJwk(await exportJWK(ed.publicKey));
const edPrivate = PrivateKey.fromJwk(await exportJWK(ed.privateKey));
const edToken = sign(claims, edPrivate);
const edJose = await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' }).sign(ed.privateKey);
if (JSON.stringify(verify(edJose, edPublic, options)) !== JSON.stringify((await jwtVerify(edToken, ed.publicKey, options)).payload)) {
  throw new Error('the two libraries disagree on the EdDSA claims');
}
jwtRows.push(
  ['EdDSA verify (CryptoKey)', () => verify(edToken, edPublic, options), () => jwtVerify(edToken, ed.publicKey, options)],
  ['EdDSA sign (CryptoKey)', () => sign(claims, edPrivate), () => new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' }).sign(ed.privateKey)],
);
for (const [name, a, b] of jwtRows) {
  const [ours, theirs] = await pair(a, b);
  console.log(`${name.padEnd(30)} ${fmt(ours)}  ${fmt(theirs)}  ${(ours / theirs).toFixed(1).padStart(5)}×`);
}

const m = 19456;
const t = 2;
const runs = quick ? 3 : 10;
const ourHash = await timed(() => hashPassword('correct horse battery staple', { memoryCost: m, timeCost: t, parallelism: 1 }), runs);
const salt = crypto.getRandomValues(new Uint8Array(16));
const theirHash = await timed(() => argon2id({
  password: 'correct horse battery staple', salt, parallelism: 1, iterations: t, memorySize: m, hashLength: 32, outputType: 'encoded',
}), runs);
console.log(`\nargon2id m=${m} KiB t=${t} p=1 (ms per hash, ${runs} runs)`);
console.log(`authcore hashPassword ${ourHash.toFixed(1).padStart(8)} ms`);
console.log(`hash-wasm argon2id    ${theirHash.toFixed(1).padStart(8)} ms   (authcore takes ${(ourHash / theirHash).toFixed(2)}× as long)`);
