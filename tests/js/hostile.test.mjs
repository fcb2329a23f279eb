// One hostile input must not break the module, and no check may fail open: sizes the module
// cannot hold, strings that are not well formed, options with getters, detached buffers,
// non-plain claims, kids the verifier refuses, duplicated header members, huge tokens, and
// freed keys: each is a typed AuthError, and every later call still works.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRequire } from 'node:module';
import * as authcore from 'authcore';
import {
  AuthError, Key, KeySet, checkPassword, decodeHeader, hasRole, hasScopes, hashPassword,
  sign, verify, verifyPassword,
} from 'authcore';

const SECRET = 'js-hostile-secret-0123456789abcdef-xyz';
const key = new Key(SECRET);
const NOW = 1_700_000_000;
const FAST = { memoryCost: 64, timeCost: 1 };

const require = createRequire(import.meta.url);
const pkg = require('node:path').dirname(require.resolve('authcore/package.json'));
const raw = require(`${pkg}/pkg/node/authcore_wasm.cjs`);
const memory = () => raw.wasmMemory().buffer;

/** Every function still works (no lock left behind, no broken state). */
function stillWorks() {
  const token = sign({ sub: 'after', exp: NOW + 60 }, key, { now: NOW });
  assert.equal(verify(token, key, { now: NOW }).sub, 'after');
  assert.equal(decodeHeader(token).alg, 'HS256');
  assert.equal(hasRole(['admin'], 'admin'), true);
  assert.equal(hasScopes('read write', 'read'), true);
  assert.doesNotThrow(() => checkPassword('correct horse battery staple'));
}

const auth = (code) => (e) => e instanceof AuthError && e.code === code;

test('an input over 2 GiB is an AuthError, not a trap, and the module keeps working', () => {
  let big;
  try {
    big = new Uint8Array(2 ** 31);
  } catch (e) {
    assert.ok(e instanceof RangeError);
    return;
  }
  const before = memory().byteLength;
  assert.throws(() => new Key(big), auth('invalid_key'));
  assert.throws(() => verifyPassword(big, '$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA'), auth('invalid_params'));
  assert.equal(memory().byteLength, before, 'nothing was copied into the module');
  big = undefined;
  stillWorks();
});

test('an input of 4 GiB or more is a RangeError (no wasm32 length can hold it)', () => {
  let big;
  try {
    big = new Uint8Array(2 ** 32);
  } catch (e) {
    assert.ok(e instanceof RangeError); // this runtime caps typed arrays below 4 GiB
    return;
  }
  assert.throws(() => new Key(big), (e) => e instanceof RangeError && !(e instanceof AuthError));
  big = undefined;
  stillWorks();
});

test('a string too large for the module is an AuthError', () => {
  const huge = 'p'.repeat(2 ** 28 + 1); // one byte over what a call's inputs may take
  assert.throws(() => checkPassword(huge), auth('invalid_params'));
  stillWorks();
});

test('a refused 10 MB token does not grow the module memory', () => {
  stillWorks();
  const before = memory().byteLength;
  const token = 'a'.repeat(10_000_000);
  assert.throws(() => verify(token, key, { now: NOW }), auth('token_too_large'));
  assert.throws(() => verify(`${token}.b.c`, key, { now: NOW, maxTokenLength: 100 }), auth('token_too_large'));
  assert.throws(() => decodeHeader(token), auth('token_too_large'));
  assert.equal(memory().byteLength, before);
  stillWorks();
});

test('options are checked before a password is written into the module memory', () => {
  const contains = (text) => Buffer.from(memory()).includes(Buffer.from(text));
  const password = 'hostile-scan-password-5a1c';
  assert.throws(() => checkPassword(password, { minLength: -1 }), auth('invalid_params'));
  assert.throws(() => checkPassword(password, { maxBytes: 'x' }), auth('invalid_params'));
  assert.throws(() => verifyPassword(password, 'not a hash', { pepper: 5 }), auth('invalid_params'));
  assert.throws(() => hashPassword(password, { ...FAST, timeCost: -1 }), auth('invalid_params'));
  assert.equal(contains(password), false);
});

test('a getter in the options is read once, before anything is written, and cannot re-enter mid-call', () => {
  let reads = 0;
  const policy = {
    get minLength() {
      reads += 1;
      // Another call into the module from inside the options.
      assert.equal(verify(sign({ exp: NOW + 60 }, key, { now: NOW }), key, { now: NOW }).exp, NOW + 60);
      return 40;
    },
  };
  assert.throws(() => checkPassword('a-password-of-medium-length', policy), auth('password_too_short'));
  assert.equal(reads, 1);
  const verifyOpts = {
    now: NOW,
    get issuer() {
      checkPassword('correct horse battery staple');
      return 'A';
    },
  };
  const token = sign({ iss: 'B', exp: NOW + 60 }, key, { now: NOW });
  assert.throws(() => verify(token, key, verifyOpts), auth('invalid_issuer'));

  const boom = new Error('getter failed');
  const throwing = { get minLength() { throw boom; } };
  assert.throws(() => checkPassword('correct horse battery staple', throwing), (e) => e === boom);
  const throwingSign = { get kid() { throw boom; } };
  assert.throws(() => sign({ exp: 1 }, key, throwingSign), (e) => e === boom);
  stillWorks();
});

test('strings that are not well formed are refused, never replaced by U+FFFD', () => {
  const lone = '\ud800';
  const token = sign({ iss: 'A', aud: 'B', sub: 'S', roles: ['r'], exp: NOW + 60 }, key, { now: NOW });
  assert.throws(() => new Key(`${SECRET}${lone}`), auth('invalid_key'));
  assert.throws(() => new Key(SECRET, `k${lone}`), auth('invalid_params'));
  assert.throws(() => checkPassword(`correct horse battery${lone}`), auth('invalid_params'));
  const hash = hashPassword('pw\ufffd', FAST);
  assert.throws(() => verifyPassword('pw\ud800', hash), auth('invalid_params'));
  assert.throws(() => hashPassword(`pw${lone}`, FAST), auth('invalid_params'));
  assert.throws(() => verifyPassword('pw\ufffd', hash, { pepper: lone }), auth('invalid_params'));
  for (const o of [{ issuer: lone }, { issuer: ['A', lone] }, { audience: lone }, { subject: lone },
    { requiredClaims: [lone] }, { typ: lone }]) {
    assert.throws(() => verify(token, key, { now: NOW, audience: 'B', ...o }), auth('invalid_params'), JSON.stringify(Object.keys(o)));
  }
  assert.throws(() => verify(`${token}${lone}`, key, { now: NOW, audience: 'B' }), auth('malformed'));
  assert.throws(() => decodeHeader(`${token}${lone}`), auth('malformed'));
  assert.throws(() => sign({ exp: 1 }, key, { kid: lone }), auth('invalid_params'));
  assert.throws(() => hasRole(['\ufffd'], lone), auth('invalid_params'));
  assert.throws(() => hasScopes('\ufffd', [lone]), auth('invalid_params'));
  assert.throws(() => hasScopes('\ufffd', lone), auth('invalid_params'));
  // Claims text: JSON.stringify escapes a lone surrogate; the core refuses the escape.
  assert.throws(() => sign({ sub: lone }, key), (e) => e instanceof AuthError);
  assert.throws(() => hasRole([lone], '\ufffd'), (e) => e instanceof AuthError);
  // Well-formed pairs stay fine.
  const emoji = '\ud83d\ude00';
  assert.equal(verify(sign({ sub: emoji, exp: NOW + 60 }, key, { now: NOW }), key, { now: NOW, subject: emoji }).sub, emoji);
  assert.equal(hasRole([emoji], emoji), true);
  stillWorks();
});

test('without String.prototype.isWellFormed (Node 18) lone surrogates are refused all the same', () => {
  const saved = Object.getOwnPropertyDescriptor(String.prototype, 'isWellFormed');
  delete String.prototype.isWellFormed;
  try {
    assert.equal(typeof ''.isWellFormed, 'undefined');
    assert.throws(() => new Key(`${SECRET}\udc00`), auth('invalid_key'));
    assert.throws(() => hasRole(['x'], ['x', 'a\ud800b']), auth('invalid_params'));
    assert.equal(hasRole(['\ud83d\ude00'], '\ud83d\ude00'), true);
  } finally {
    if (saved) Object.defineProperty(String.prototype, 'isWellFormed', saved);
  }
});

test('sign refuses a kid the verifier would refuse', () => {
  for (const kid of ['', 'k'.repeat(65), 'a"b', 'nul\0', 'a\\b', 'é']) {
    assert.throws(() => sign({ exp: NOW + 60 }, key, { kid }), auth('invalid_header'), JSON.stringify(kid));
  }
  const kid = 'k'.repeat(64);
  assert.equal(decodeHeader(sign({ exp: NOW + 60 }, key, { kid })).kid, kid);
});

test('decodeHeader refuses a header with a duplicated member', () => {
  const b64 = (s) => Buffer.from(s).toString('base64url');
  for (const h of ['{"alg":"HS256","alg":"none"}', '{"alg":"HS256","typ":"JWT","\\u0061lg":"none"}']) {
    assert.throws(() => decodeHeader(`${b64(h)}.${b64('{}')}.sig`), auth('invalid_header'), h);
  }
  assert.deepEqual(decodeHeader(`${b64('{"alg":"HS256","x":{"alg":1}}')}.${b64('{}')}.sig`), { alg: 'HS256', x: { alg: 1 } });
});

test('sign takes plain objects only', () => {
  class Claims { constructor() { this.sub = 'x'; } }
  for (const claims of [new Map([['sub', 'x']]), new Set(), new Date(0), [], new Claims(), Object.create({ sub: 'x' })]) {
    assert.throws(() => sign(claims, key), auth('invalid_payload'), Object.prototype.toString.call(claims));
  }
  const bare = Object.create(null);
  bare.sub = 'x';
  bare.exp = NOW + 60;
  assert.equal(verify(sign(bare, key), key, { now: NOW }).sub, 'x');
});

test('a detached buffer is an AuthError, not a TypeError', () => {
  const secret = new TextEncoder().encode(SECRET);
  const view = new Uint8Array(secret.buffer);
  structuredClone(secret.buffer, { transfer: [secret.buffer] });
  assert.throws(() => new Key(view), auth('invalid_key'));
  assert.throws(() => new Key(secret.buffer), auth('invalid_key'));
  const pw = new TextEncoder().encode('correct horse battery staple');
  const dv = new DataView(pw.buffer);
  structuredClone(pw.buffer, { transfer: [pw.buffer] });
  assert.throws(() => verifyPassword(pw, hashPassword('x', FAST)), auth('invalid_params'));
  assert.throws(() => verifyPassword(dv, hashPassword('x', FAST)), auth('invalid_params'));
  stillWorks();
});

test('requiredClaims: null is invalid_params, and other errors keep their codes', () => {
  const token = sign({ exp: NOW - 1000 }, key, { now: NOW - 2000 });
  assert.throws(() => verify(token, key, { now: NOW, requiredClaims: null }), auth('invalid_params'));
  assert.throws(() => verify(token, key, { now: NOW, requiredClaims: ['exp'] }), auth('expired'));
});

test('Key and KeySet have free(); a freed key is an AuthError, never a trap', () => {
  const k = new Key('js-hostile-freed-secret-0123456789abcdef', 'f1');
  const token = sign({ exp: NOW + 60 }, k, { now: NOW });
  const set = new KeySet([k]);
  k.free();
  k.free(); // twice is harmless
  assert.throws(() => sign({ exp: NOW + 60 }, k), auth('invalid_key'));
  assert.throws(() => verify(token, k, { now: NOW }), auth('invalid_key'));
  assert.throws(() => new KeySet([k]), auth('invalid_key'));
  // The set holds its own copy.
  assert.equal(verify(token, set, { now: NOW }).exp, NOW + 60);
  set.free();
  assert.throws(() => verify(token, set, { now: NOW }), auth('invalid_key'));
  assert.equal(typeof authcore.Key.prototype.free, 'function');
  stillWorks();
});

/** SHA-256's state after one block (the HMAC inner or outer state of a key), as the module stores it (eight little-endian words). */
function sha256State(block) {
  const K = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ];
  const H = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
  const rotr = (x, n) => (x >>> n) | (x << (32 - n));
  const w = new Array(64);
  for (let i = 0; i < 16; i++) w[i] = new DataView(block.buffer, block.byteOffset).getUint32(i * 4);
  for (let i = 16; i < 64; i++) {
    const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
    const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
    w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
  }
  let [a, b, c, d, e, f, g, h] = H;
  for (let i = 0; i < 64; i++) {
    const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
    const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    [h, g, f, e, d, c, b, a] = [g, f, e, (d + t1) | 0, c, b, a, (t1 + t2) | 0];
  }
  const out = Buffer.alloc(32);
  [a, b, c, d, e, f, g, h].forEach((v, i) => out.writeUInt32LE((H[i] + v) >>> 0, i * 4));
  return out;
}

test('a freed key leaves no HMAC state in the module memory', () => {
  const secret = 'js-hostile-zeroize-secret-0123456789abcdef';
  const states = [0x36, 0x5c].map((pad) => {
    const block = new Uint8Array(64).fill(pad);
    Buffer.from(secret).forEach((b, i) => { block[i] ^= b; });
    return sha256State(block);
  });
  const inMemory = () => states.filter((s) => Buffer.from(memory()).includes(s)).length;
  const k = new Key(secret);
  assert.equal(inMemory(), 2, 'the scan finds the states of a live key');
  k.free();
  stillWorks(); // later calls reuse the stack the key was built on
  assert.equal(inMemory(), 0);
});
