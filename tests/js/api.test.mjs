// The package's JavaScript surface: entry points, keys and rotation, options, roles, scopes,
// passwords.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import * as authcore from 'authcore';
import {
  Key, KeySet, checkPassword, decodeHeader, hasRole, hasScopes, hashPassword, needsRehash, sign,
  verify, verifyPassword,
} from 'authcore';

const S1 = 'api-test-secret-one-0123456789abcdef';
const S2 = 'api-test-secret-two-0123456789abcdef';
const NOW = 1_700_000_000;

test('CommonJS and ES module entries share one instance', () => {
  const cjs = createRequire(import.meta.url)('authcore');
  assert.equal(cjs.Key, Key);
  assert.equal(cjs.verify, verify);
  assert.equal(authcore.default.AuthError, authcore.AuthError);
  assert.ok(Object.isFrozen(cjs));
});

test('init is a no-op in Node, for code shared with the web build', async () => {
  assert.equal(await authcore.init(), authcore.default);
});

test('a key accepts text or bytes and never exposes its secret', () => {
  const a = new Key(S1, 'k1');
  const b = new Key(new TextEncoder().encode(S1), 'k1');
  const t = sign({ exp: NOW + 60 }, a);
  assert.deepEqual(verify(t, b, { now: NOW }), { exp: NOW + 60 });
  assert.equal(a.kid, 'k1');
  assert.ok(!JSON.stringify(a).includes(S1));
  assert.ok(!String(a).includes(S1));
  const weak = Key.insecureAllowWeak('legacy');
  assert.deepEqual(verify(sign({ exp: NOW + 1 }, weak), weak, { now: NOW }), { exp: NOW + 1 });
});

test('rotation: old tokens verify by kid, new ones are signed with the default key', () => {
  const old = new Key(S1, '2024');
  const oldToken = sign({ sub: 'a', exp: NOW + 60 }, old);
  const ring = new KeySet([old, new Key(S2, '2025')], { defaultKid: '2025' });
  assert.deepEqual(ring.kids, ['2024', '2025']);
  assert.equal(ring.defaultKid, '2025');
  const newToken = sign({ sub: 'b', exp: NOW + 60 }, ring);
  assert.equal(decodeHeader(newToken).kid, '2025');
  assert.equal(verify(oldToken, ring, { now: NOW }).sub, 'a');
  assert.equal(verify(newToken, ring, { now: NOW }).sub, 'b');
  assert.equal(decodeHeader(sign({ exp: NOW + 60 }, ring, { kid: '2024' })).kid, '2024');
  assert.throws(() => sign({ exp: 1 }, ring, { kid: '2023' }), { code: 'unknown_kid' });
  assert.throws(() => verify(newToken, old, { now: NOW }), { code: 'unknown_kid' });
});

test('verify options: issuer/audience lists, subject, typ, leeway, requiredClaims, Date now', () => {
  const key = new Key(S1);
  const t = sign({ iss: 'b', aud: ['x', 'api'], sub: 'alice', typ: 'refresh', tenant: 't1', exp: NOW + 10 }, key);
  const base = { now: NOW, issuer: ['a', 'b'], audience: 'api', typ: 'refresh' };
  assert.equal(verify(t, key, { ...base, subject: 'alice', requiredClaims: ['exp', 'tenant'] }).tenant, 't1');
  assert.throws(() => verify(t, key, { ...base, typ: undefined }), { code: 'wrong_token_type' });
  assert.throws(() => verify(t, key, { ...base, now: NOW + 10 }), { code: 'expired' });
  assert.equal(verify(t, key, { ...base, now: NOW + 10, leeway: 1 }).sub, 'alice');
  assert.equal(verify(t, key, { ...base, now: new Date((NOW + 5) * 1000) }).sub, 'alice');
  assert.throws(() => verify(t, key, { ...base, now: new Date((NOW + 10) * 1000) }), { code: 'expired' });
  assert.equal(verify(t, key, { ...base, audience: undefined, verifyAud: false }).sub, 'alice');
  assert.throws(() => verify(t, key, { ...base, maxTokenLength: t.length - 1 }), { code: 'token_too_large' });
});

test('options are never mixed up between calls (compiled policies are reused)', () => {
  const key = new Key(S1);
  const tokens = Array.from({ length: 100 }, (_, i) => sign({ iss: `issuer-${i}`, exp: NOW + 60 }, key));
  for (let round = 0; round < 2; round++) {
    tokens.forEach((t, i) => {
      assert.equal(verify(t, key, { now: NOW, issuer: `issuer-${i}` }).iss, `issuer-${i}`);
      assert.throws(() => verify(t, key, { now: NOW, issuer: `issuer-${(i + 1) % 100}` }), { code: 'invalid_issuer' });
      assert.throws(() => verify(t, key, { now: NOW, issuer: [`issuer-${i}`, 'x'], audience: 'api', verifyAud: true }), { code: 'missing_claim', claim: 'aud' });
    });
  }
  // Lists are not strings: ["a,b"] and ["a", "b"] are different issuers.
  const t = sign({ iss: 'a', exp: NOW + 60 }, key);
  assert.throws(() => verify(t, key, { now: NOW, issuer: ['a,b'] }), { code: 'invalid_issuer' });
  assert.equal(verify(t, key, { now: NOW, issuer: ['a', 'b'] }).iss, 'a');
});

test('verify without now uses the clock', () => {
  const key = new Key(S1);
  const t = sign({ sub: 'x' }, key, { expiresIn: 60 });
  const c = verify(t, key);
  const now = Math.floor(Date.now() / 1000);
  assert.ok(c.iat <= now && c.iat >= now - 5);
  assert.equal(c.exp, c.iat + 60);
  assert.throws(() => verify(sign({ exp: now - 1 }, key), key), { code: 'expired' });
});

test('sign keeps an explicit iat and key order; expiresIn replaces exp', () => {
  const key = new Key(S1);
  const t = sign({ sub: 's', iat: 5, exp: 1 }, key, { expiresIn: 30, now: NOW });
  assert.deepEqual(Object.entries(verify(t, key, { now: NOW })), [['sub', 's'], ['iat', 5], ['exp', NOW + 30]]);
});

test('roles: claims or arrays, any-of, hierarchy as pairs or a map', () => {
  const claims = { roles: ['teacher'] };
  const pairs = [['admin', 'teacher'], ['teacher', 'student']];
  const map = { admin: ['teacher'], teacher: ['student'] };
  assert.equal(hasRole(claims, 'teacher'), true);
  assert.equal(hasRole(claims, 'student'), false);
  assert.equal(hasRole(claims, 'student', pairs), true);
  assert.equal(hasRole(claims, 'student', map), true);
  assert.equal(hasRole(claims, 'admin', map), false);
  assert.equal(hasRole(['student'], ['admin', 'student']), true);
  assert.equal(hasRole({}, 'student'), false);
  // Any-of-nothing passes for no one: an empty requirement is a configuration mistake.
  assert.throws(() => hasRole(claims, []), { name: 'AuthError', code: 'invalid_params' });
  assert.equal(hasRole(['Admin'], 'admin'), false, 'exact, case-sensitive');
});

test('scopes: claims or strings, string or array requirements', () => {
  const claims = { scope: 'items:read  items:write' };
  assert.equal(hasScopes(claims, 'items:read'), true);
  assert.equal(hasScopes(claims, ['items:read', 'items:write']), true);
  assert.equal(hasScopes(claims, 'items:read admin'), false);
  assert.equal(hasScopes('a b', 'b'), true);
  assert.equal(hasScopes({}, 'a'), false);
  for (const none of ['', ' ', []]) {
    assert.throws(() => hasScopes(claims, none), { name: 'AuthError', code: 'invalid_params' });
  }
});

test('passwords: hash, verify, rehash decisions, pepper, policy', () => {
  const fast = { memoryCost: 64, timeCost: 1 };
  const h = hashPassword('correct horse battery staple', fast);
  assert.match(h, /^\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
  assert.notEqual(hashPassword('correct horse battery staple', fast), h, 'fresh salt each time');
  assert.equal(verifyPassword('correct horse battery staple', h), true);
  assert.equal(verifyPassword(new TextEncoder().encode('correct horse battery staple'), h), true);
  assert.equal(verifyPassword('correct horse battery stapler', h), false);
  assert.equal(needsRehash(h, fast), false);
  assert.equal(needsRehash(h), true, 'the defaults are OWASP\'s');
  const i = hashPassword('pw', { ...fast, algorithm: 'argon2i', hashLength: 16, saltLength: 8 });
  assert.match(i, /^\$argon2i\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{11}\$[A-Za-z0-9+/]{22}$/);
  assert.equal(verifyPassword('pw', i), true);
  const peppered = hashPassword('pw', { ...fast, pepper: 'server-side' });
  assert.equal(verifyPassword('pw', peppered, { pepper: 'server-side' }), true);
  assert.equal(verifyPassword('pw', peppered), false);
  assert.equal(checkPassword('a long and unusual passphrase'), undefined);
  assert.equal(checkPassword('abc', { minLength: 3, rejectCommon: false }), undefined);
  assert.throws(() => checkPassword('abcdefgh', { minLength: 3, maxBytes: 4 }), { code: 'password_too_long' });
});

test('hashPassword refuses parameters verifyPassword could not check', () => {
  assert.throws(() => hashPassword('pw', { memoryCost: 4 * 1024 * 1024 }), { code: 'hash_params_out_of_bounds' });
  assert.throws(() => hashPassword('pw', { memoryCost: 64, timeCost: 11 }), { code: 'hash_params_out_of_bounds' });
  assert.throws(() => hashPassword('pw', { memoryCost: 64, parallelism: 0 }), { code: 'invalid_params' });
});

test('Argon2 memory is given back after each call (a long-running page does not run out)', () => {
  // 17 calls at the 256 MiB bound ask for 4.25 GiB in all, more than a wasm32 memory can
  // ever hold: they only succeed if each call's blocks are freed and reused by the next.
  const big = { memoryCost: 256 * 1024, timeCost: 1 };
  for (let i = 0; i < 17; i++) assert.match(hashPassword('pw', big), /^\$argon2id\$v=19\$m=262144,t=1,p=1\$/);
  assert.equal(verifyPassword('correct horse battery staple', hashPassword('correct horse battery staple', { memoryCost: 64, timeCost: 1 })), true);
});

test('hashPassword with the default (OWASP) parameters', () => {
  const h = hashPassword('correct horse battery staple');
  assert.match(h, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  assert.equal(needsRehash(h), false);
  assert.equal(verifyPassword('correct horse battery staple', h), true);
});

test('secrets and passwords do not stay in the module memory', () => {
  const require = createRequire(import.meta.url);
  const pkg = require('node:path').dirname(require.resolve('authcore/package.json'));
  const raw = require(`${pkg}/pkg/node/authcore_wasm.cjs`);
  const contains = (text) => Buffer.from(raw.wasmMemory().buffer).includes(Buffer.from(text));
  // The control: text that a call writes to the module's output stays there (so the scan
  // would see a secret that stayed).
  const token = sign({ sub: 'memory-scan-subject-7f3a', exp: NOW + 60 }, new Key(S1));
  verify(token, new Key(S1), { now: NOW });
  assert.ok(contains('memory-scan-subject-7f3a'), 'the scan finds what is there');

  const secret = 'memory-scan-secret-4be1-0123456789abcdef';
  const key = new Key(secret);
  assert.equal(verify(sign({ exp: NOW + 60 }, key), key, { now: NOW }).exp, NOW + 60);
  assert.throws(() => new Key('memory-scan-weak-2c9d'), { code: 'weak_key' });
  const password = 'memory-scan-password-91d0';
  const pepper = 'memory-scan-pepper-5e77';
  const params = { memoryCost: 8, timeCost: 1 };
  const hash = hashPassword(password, { ...params, pepper });
  assert.equal(verifyPassword(password, hash, { pepper }), true);
  assert.equal(verifyPassword('memory-scan-wrong-aa11', hash, { pepper }), false);
  assert.throws(() => checkPassword('ms-3f9'), (e) => e instanceof authcore.AuthError);
  for (const s of [secret, 'memory-scan-weak-2c9d', password, pepper, 'memory-scan-wrong-aa11', 'ms-3f9']) {
    assert.equal(contains(s), false, `${s} is still in the module memory`);
  }
});
