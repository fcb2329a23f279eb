#!/usr/bin/env node
// Side-by-side throughput in one Node process (a benchmark, not a test):
//   verify / sign       authcore vs jose (jwtVerify / SignJWT), same claims, same key
//   hashPassword        authcore vs hash-wasm's argon2id, same parameters
// Usage: node bench/bench.mjs [--quick]   (run `node build.mjs` first)
import { performance } from 'node:perf_hooks';
import { argon2id } from 'hash-wasm';
import { SignJWT, jwtVerify } from 'jose';
import { Key, hashPassword, sign, verify } from '../pkg/node/index.mjs';

const quick = process.argv.includes('--quick');
const SECONDS = quick ? 0.3 : 1.5;
const secret = new TextEncoder().encode('bench-secret-0123456789abcdef-0123456789');
const now = Math.floor(Date.now() / 1000);
const claims = {
  sub: 'user-42', iss: 'https://auth.example.com', aud: 'api', iat: now, exp: now + 3600,
  roles: ['teacher'], scope: 'grades:read grades:write', jti: '5f0c3a4e-8b1d-4c2a-9e37-1f6b2d9a0c11',
};
const options = { issuer: claims.iss, audience: 'api' };

async function rate(fn) {
  for (let i = 0; i < 200; i++) await fn(); // warm-up (JIT, key caches)
  let n = 0;
  const end = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) await fn();
    n += 100;
  }
  return n / ((performance.now() - t0) / 1000);
}

function syncRate(fn) {
  for (let i = 0; i < 2000; i++) fn();
  let n = 0;
  const end = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  while (performance.now() < end) {
    for (let i = 0; i < 1000; i++) fn();
    n += 1000;
  }
  return n / ((performance.now() - t0) / 1000);
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
console.log('operation            authcore ops/s    jose ops/s   ratio');
const rows = [
  ['verify', syncRate(() => verify(token, key, options)), await rate(() => jwtVerify(token, secret, options))],
  ['verify (CryptoKey)', null, await rate(() => jwtVerify(token, cryptoKey, options))],
  ['sign', syncRate(() => sign(claims, key)), await rate(() => new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(secret))],
  ['sign (CryptoKey)', null, await rate(() => new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(cryptoKey))],
];
const ours = { verify: rows[0][1], sign: rows[2][1] };
for (const [name, a, j] of rows) {
  const mine = a ?? ours[name.split(' ')[0]];
  console.log(`${name.padEnd(18)} ${a === null ? ''.padStart(12) : fmt(a)}  ${fmt(j)}  ${(mine / j).toFixed(1).padStart(5)}×`);
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
