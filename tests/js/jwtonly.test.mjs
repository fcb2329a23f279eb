// The JWT-only build (wasm/build.mjs --jwt-only: the `jwt` feature alone), whose web module is
// the one measured against the 15 KB size target: the shared JWT vectors give the same
// decisions, codes and tokens as the full build, and the functions it leaves out throw.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as full from 'authcore';
import { hex, load, optionsFor } from './vectors.mjs';

const PKG = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'wasm', 'pkg', 'jwt-only', 'web');
const manual = await import(path.join(PKG, 'manual.js'));
const api = manual.initSync(new WebAssembly.Module(fs.readFileSync(path.join(PKG, 'authcore_wasm_bg.wasm'))));

function outcome(fn) {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    assert.ok(e instanceof api.AuthError, `not an AuthError: ${e}`);
    return { ok: false, code: e.code, message: e.message, claim: e.claim };
  }
}

describe('JWT-only build: jwt.json', () => {
  const file = load('jwt');
  const key = (n) => new api.Key(hex(file.keys[n].secret_hex), file.keys[n].kid ?? undefined);
  for (const c of file.cases) {
    test(c.name, () => {
      const got = outcome(() => api.verify(c.token, new api.KeySet(c.keys.map(key)), optionsFor(c)));
      if (c.expect.ok) {
        assert.ok(got.ok, `expected claims, got ${got.code}`);
        assert.deepEqual(got.value, c.expect.claims);
      } else {
        assert.equal(got.code, c.expect.error);
      }
    });
  }
});

test('JWT-only build: errors, messages and claims as in the full build', () => {
  assert.deepEqual(api.ERROR_CODES, full.ERROR_CODES);
  const s = 'jwt-only-secret-0123456789abcdef0123';
  const token = api.sign({ sub: 'a', exp: 100, tenant: 't' }, new api.Key(s, 'k1'));
  assert.equal(token, full.sign({ sub: 'a', exp: 100, tenant: 't' }, new full.Key(s, 'k1')));
  const cases = [
    [token, { now: 50, requiredClaims: ['exp', 'org'] }],
    [token, { now: 50, issuer: 'x' }],
    [token, { now: 500 }],
    [token, { now: 50, subject: 'b' }],
    [token, { now: 50, requiredClaims: ['iss'] }],
    ['a.b', { now: 0 }],
  ];
  for (const [t, o] of cases) {
    const theirs = (() => {
      try {
        full.verify(t, new full.Key(s, 'k1'), o);
        return undefined;
      } catch (e) {
        return { ok: false, code: e.code, message: e.message, claim: e.claim };
      }
    })();
    assert.ok(theirs, 'each case is refused');
    if (o.requiredClaims) assert.ok(theirs.claim, 'the claim is named');
    assert.deepEqual(outcome(() => api.verify(t, new api.Key(s, 'k1'), o)), theirs);
  }
  assert.deepEqual(api.decodeHeader(token), { alg: 'HS256', kid: 'k1', typ: 'JWT' });
  assert.throws(() => new api.Key('short'), { code: 'weak_key' });
});

test('JWT-only build: left-out functions throw invalid_params', () => {
  for (const f of [
    () => api.hashPassword('correct horse battery staple'),
    () => api.verifyPassword('pw', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA'),
    () => api.needsRehash('$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA'),
    () => api.checkPassword('pw'),
    () => api.hasRole(['admin'], 'admin'),
    () => api.hasScopes('read', 'read'),
  ]) {
    assert.throws(f, (e) => e instanceof api.AuthError && e.code === 'invalid_params' && /this build of authcore has no/.test(e.message));
  }
});

test('JWT-only build: no EdDSA; Ed25519 keys are unsupported_alg, HS256 refuses a public key', () => {
  const jwk = { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' };
  for (const f of [
    () => api.PublicKey.fromJwk(jwk),
    () => api.PublicKey.fromBytes(new Uint8Array(32)),
    () => api.PrivateKey.fromSeed(new Uint8Array(32)),
    () => api.KeySet.fromJwks({ keys: [jwk] }),
  ]) {
    assert.throws(f, (e) => e instanceof api.AuthError && e.code === 'unsupported_alg');
  }
  assert.throws(() => new api.Key(JSON.stringify(jwk)), { code: 'invalid_key' });
});
