// Every error code the core defines is either produced by the JS API (shown here, as an
// AuthError carrying that code) or listed below with the reason it cannot occur from JS.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AuthError, ERROR_CODES, Key, KeySet, checkPassword, decodeHeader, hasRole, hasScopes,
  hashPassword, needsRehash, sign, verify, verifyPassword,
} from 'authcore';

const SECRET = 'js-error-test-secret-0123456789abcdef';
const key = new Key(SECRET);
const NOW = 1_700_000_000;
const b64 = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const HEADER = b64({ alg: 'HS256', typ: 'JWT' });
// A token with the given header and payload JSON text, correctly signed with `key`, so that
// the check after the MAC is the one that fires.
async function signed(payload, header = HEADER) {
  const { createHmac } = await import('node:crypto');
  const input = `${header}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
}
const tok = (claims, options) => sign(claims, key, { now: NOW, ...options });
const v = (t, o) => verify(t, key, { now: NOW, ...o });

const UNREACHABLE = {
  buffer_too_small: 'the binding sizes every buffer from the core\'s own length functions',
  insufficient_memory: 'Argon2 memory is sized from the stored hash (password::blocks_needed)',
  password_mismatch: 'verifyPassword returns false',
  forbidden: 'hasRole returns false',
  missing_scope: 'hasScopes returns false',
  token_reused: 'session rotation is not part of the JS API',
  token_revoked: 'session rotation is not part of the JS API',
  rate_limited: 'rate limiting is not part of the JS API',
  store_unavailable: 'session and rate-limit stores are not part of the JS API',
};

const REACHABLE = {
  malformed: () => v('a.b'),
  invalid_base64: async () => v(`${HEADER}.e30=.${'A'.repeat(43)}`),
  token_too_large: () => v(tok({ exp: NOW + 60 }), { maxTokenLength: 20 }),
  nesting_too_deep: async () => v(await signed(`{"exp":${NOW + 60},"n":${'['.repeat(40)}${']'.repeat(40)}}`)),
  unsupported_alg: () => v(`${b64({ alg: 'none' })}.${b64({ exp: NOW + 60 })}.`),
  invalid_header: async () => v(await signed({ exp: NOW + 60 }, b64({ alg: 'HS256', crit: ['exp'] }))),
  unknown_kid: () => verify(sign({ exp: NOW + 60 }, new Key(SECRET, 'a')), new KeySet([new Key(SECRET, 'b')]), { now: NOW }),
  invalid_signature: () => verify(tok({ exp: NOW + 60 }), new Key(`${SECRET}!`), { now: NOW }),
  expired: () => v(tok({ exp: NOW })),
  not_yet_valid: () => v(tok({ exp: NOW + 60, nbf: NOW + 30 })),
  issued_in_future: () => v(tok({ exp: NOW + 60, iat: NOW + 30 })),
  invalid_issuer: () => v(tok({ exp: NOW + 60, iss: 'a' }), { issuer: 'b' }),
  invalid_audience: () => v(tok({ exp: NOW + 60, aud: 'a' }), { audience: ['b', 'c'] }),
  invalid_subject: () => v(tok({ exp: NOW + 60, sub: 'alice' }), { subject: 'bob' }),
  missing_claim: () => v(tok({ sub: 'alice' })),
  invalid_claim: () => tok({ exp: 'tomorrow' }),
  duplicate_claim: async () => v(await signed(`{"exp":${NOW + 60},"exp":${NOW + 60}}`)),
  wrong_token_type: () => v(tok({ exp: NOW + 60, typ: 'refresh' })),
  weak_key: () => new Key('too short', undefined, true),
  invalid_key: () => new Key(SECRET, 'bad"kid'),
  invalid_payload: () => tok({ exp: 10n }),
  invalid_hash: () => verifyPassword('pw', '$argon2id$v=19$m=64,t=1,p=1$c2FsdA'),
  hash_params_out_of_bounds: () => verifyPassword('pw', '$argon2id$v=19$m=4194304,t=1,p=1$YXV0aGNvcmUtc2FsdC0xNg$ubxXAzCQwpCEt4lqqlTXmntxhboSwiD8tloeFkRT+00'),
  invalid_params: () => hashPassword('pw', { timeCost: 0 }),
  password_too_short: () => checkPassword('k9!xQ'),
  password_too_long: () => checkPassword('x'.repeat(1025)),
  password_too_common: () => checkPassword('iloveyou'),
  password_too_weak: () => checkPassword('zqxwvtrplmk', { requireClasses: 3 }),
  insecure_hash: () => verifyPassword('pw', '$1$saltsalt$qjXMvbEw8oaL.CzflDugX/'),
};

test('every core code is classified: reachable from JS, or unreachable with a reason', () => {
  assert.deepEqual(
    [...Object.keys(REACHABLE), ...Object.keys(UNREACHABLE)].sort(),
    [...ERROR_CODES].sort(),
  );
});

for (const [code, thunk] of Object.entries(REACHABLE)) {
  test(`reaches ${code}`, async () => {
    await assert.rejects(async () => thunk(), (e) => {
      assert.ok(e instanceof AuthError, `${e}`);
      assert.ok(e instanceof Error);
      assert.equal(e.name, 'AuthError');
      assert.equal(e.code, code);
      assert.ok(e.message.length > 0);
      assert.ok(!e.message.includes(SECRET));
      return true;
    });
  });
}

test('claim errors name the claim, custom required claims by name', () => {
  assert.throws(() => v(tok({ exp: NOW + 60 }), { requiredClaims: ['exp', 'tenant'] }),
    { code: 'missing_claim', claim: 'tenant', message: 'a required claim is missing (tenant)' });
  assert.throws(() => v(tok({ sub: 'x' })), { code: 'missing_claim', claim: 'exp' });
  assert.throws(() => tok({ exp: 1.5 }), { code: 'invalid_claim', claim: 'exp' });
  assert.throws(() => v(tok({ exp: NOW + 60 }), { issuer: 'x' }), { code: 'missing_claim', claim: 'iss' });
});

test('a malformed granted scope is invalid_claim (scope), a bad requirement invalid_params', () => {
  assert.throws(() => hasScopes('read\twrite', 'read'), { code: 'invalid_claim', claim: 'scope' });
  assert.throws(() => hasScopes({ scope: ['read'] }, 'read'), { code: 'invalid_claim', claim: 'scope' });
  // What a roles claim may be is the core's rule (as in Python): a string or an array of strings.
  assert.equal(hasRole({ roles: 'admin' }, 'admin'), true);
  assert.throws(() => hasRole({ roles: 7 }, 'admin'), { code: 'invalid_claim', claim: 'roles' });
  assert.throws(() => hasRole({ roles: { admin: true } }, 'admin'), { code: 'invalid_claim', claim: 'roles' });
  assert.throws(() => hasRole({ roles: null }, 'admin'), { code: 'invalid_claim', claim: 'roles' });
  assert.throws(() => hasScopes({ scope: null }, 'read'), { code: 'invalid_claim', claim: 'scope' });
  assert.throws(() => hasScopes({ scope: 7 }, 'read'), { code: 'invalid_claim', claim: 'scope' });
  assert.throws(() => hasRole({ roles: ['admin', 7] }, 'admin'), { code: 'invalid_claim' });
  assert.throws(() => hasScopes('read', ['re ad']), { code: 'invalid_params' });
  assert.throws(() => hasRole(['admin'], ''), { code: 'invalid_params' });
  assert.throws(() => hasRole(['admin'], 'a', [['a', 'b'], ['b', 'a']]), { code: 'invalid_params' });
});

test('argument mistakes are AuthErrors too', () => {
  assert.throws(() => verify(42, key), { code: 'malformed' });
  assert.throws(() => verify('a.b.c', 'not a key'), { code: 'invalid_key' });
  assert.throws(() => verify(tok({ exp: NOW + 60 }), key, { now: -1 }), { code: 'invalid_params' });
  assert.throws(() => verify(tok({ exp: NOW + 60 }), key, { now: NOW, leeway: 1.5 }), { code: 'invalid_params' });
  assert.throws(() => verify(tok({ exp: NOW + 60 }), key, { now: NOW, issuer: ['a\0b'] }), { code: 'invalid_params' });
  assert.throws(() => verify(tok({ exp: NOW + 60 }), key, { now: NOW, verifyExp: 'no' }), { code: 'invalid_params' });
  assert.throws(() => sign([1, 2], key), { code: 'invalid_payload' });
  // The header typ is read by the core (jwt::Typ), with the same error as in Python.
  assert.throws(() => sign({ exp: 1 }, key, { headerTyp: 'JOSE' }), { code: 'invalid_header' });
  assert.throws(() => new Key(12345), { code: 'invalid_key' });
  assert.throws(() => new KeySet([]), { code: 'invalid_key' });
  assert.throws(() => new KeySet([key, new Key(SECRET)]), { code: 'invalid_key' });
  assert.throws(() => new KeySet([new Key(SECRET, 'a')], { defaultKid: 'b' }), { code: 'unknown_kid' });
  assert.throws(() => decodeHeader('nope'), { code: 'malformed' });
  assert.throws(() => needsRehash('$argon2id$v=19$m=64,t=1,p=1$YXV0aGNvcmUtc2FsdC0xNg$x', { algorithm: 'scrypt' }), { code: 'invalid_params' });
});
