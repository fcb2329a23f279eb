// The shared EdDSA vectors (tests/vectors/eddsa.json from PyJWT + cryptography,
// tests/vectors/eddsa_jose.json from jose) and attack cases (tests/attacks/eddsa.json): the same
// verdicts, codes and tokens as the Rust and Python runners.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { AuthError, Key, KeySet, PrivateKey, PublicKey, sign, verify } from 'authcore';
import { hex, load, optionsFor } from './vectors.mjs';

const ATTACKS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'attacks');
const vectors = load('eddsa');
const joseVectors = load('eddsa_jose');
const attacks = JSON.parse(fs.readFileSync(path.join(ATTACKS, 'eddsa.json'), 'utf8'));

/** One key of a file's `keys` table, built from its `type`. */
function typedKey(spec) {
  const kid = spec.kid ?? undefined;
  switch (spec.type) {
    case 'hs256': return new Key(hex(spec.secret_hex), kid);
    case 'ed25519_pem': return PublicKey.fromPem(spec.pem, kid);
    case 'ed25519_raw': return PublicKey.fromBytes(hex(spec.public_hex), kid);
    case 'jwk': return PublicKey.fromJwk(spec.jwk);
    default: throw new Error(`unknown key type ${spec.type}`);
  }
}

/** The case's key set; a `jwks` entry gives all its keys, in order. */
function keySet(table, names) {
  if (names.length === 1 && table[names[0]].type === 'jwks') return KeySet.fromJwks(table[names[0]].jwks);
  assert.ok(names.every((n) => table[n].type !== 'jwks'), 'a jwks entry stands alone');
  return new KeySet(names.map((n) => typedKey(table[n])));
}

function outcome(fn) {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    assert.ok(e instanceof AuthError, `not an AuthError: ${e}`);
    return { ok: false, code: e.code, claim: e.claim };
  }
}

function check(c, table, defaults) {
  // The file's defaults under the case's validation; a null is an absent option (the core's
  // default, which is what null means in the file).
  const validation = Object.fromEntries(Object.entries({ ...defaults, ...c.validation }).filter(([, v]) => v !== null));
  const got = outcome(() => verify(c.token, keySet(table, c.keys), optionsFor({ ...c, validation })));
  if (c.expect.ok) {
    assert.ok(got.ok, `refused with ${got.code}; expected claims`);
    assert.deepEqual(got.value, c.expect.claims);
  } else {
    assert.ok(!got.ok, `accepted; expected ${JSON.stringify(c.expect)}`);
    assert.equal(got.code, c.expect.error);
    if ('claim' in c.expect) assert.equal(got.claim, c.expect.claim);
  }
}

const defaultsOf = (file) => file.validation_defaults;

test('the EdDSA files are substantial', () => {
  assert.ok(vectors.cases.length >= 15 && vectors.sign.length >= 3);
  assert.ok(joseVectors.cases.length >= 36 && joseVectors.sign.length >= 5 && Object.keys(joseVectors.signers).length >= 3);
  assert.ok(attacks.cases.length >= 50);
});

describe('vectors/eddsa.json', () => {
  for (const c of vectors.cases) test(c.name, () => check(c, vectors.keys, defaultsOf(vectors)));
});

describe('vectors/eddsa_jose.json', () => {
  for (const c of joseVectors.cases) test(c.name, () => check(c, joseVectors.keys, defaultsOf(joseVectors)));
});

describe('attacks/eddsa.json', () => {
  for (const c of attacks.cases) test(c.id, () => check(c, attacks.keys, defaultsOf(attacks)));
});

function signsAsPeer(file) {
  for (const c of file.sign) {
    test(c.name, () => {
      const signer = file.signers[c.key];
      const kid = c.kid === signer.thumbprint ? undefined : c.kid;
      const key = PrivateKey.fromPem(signer.private_pem, kid);
      const claims = JSON.parse(c.payload_json);
      assert.equal(JSON.stringify(claims), c.payload_json);
      assert.equal(sign(claims, key, { headerTyp: c.typ }), c.token);
    });
  }
}

describe('vectors/eddsa.json: signing is PyJWT\'s byte for byte', () => signsAsPeer(vectors));
describe('vectors/eddsa_jose.json: signing is jose\'s byte for byte', () => signsAsPeer(joseVectors));

test('vectors/eddsa.json: every form of a signer is the same key', () => {
  for (const s of Object.values(vectors.signers)) {
    const forms = [PrivateKey.fromPem(s.private_pem), PrivateKey.fromSeed(hex(s.seed_hex)), PrivateKey.fromJwk(s.private_jwk)];
    for (const k of forms) {
      assert.equal(k.kid, s.thumbprint);
      assert.deepEqual(Object.fromEntries(Object.entries(k.publicJwk()).filter(([m]) => m in s.public_jwk)), s.public_jwk);
    }
    for (const p of [PublicKey.fromPem(s.public_pem), PublicKey.fromBytes(hex(s.public_hex)), PublicKey.fromJwk(s.public_jwk)]) {
      assert.equal(p.kid, s.thumbprint);
    }
  }
  const r = vectors.rfc8037;
  assert.equal(PrivateKey.fromJwk(r.private_jwk).kid, r.thumbprint);
});

test('vectors/eddsa_jose.json: jose\'s exports are one key, its thumbprint the default kid', () => {
  for (const s of Object.values(joseVectors.signers)) {
    const forms = [PrivateKey.fromPem(s.private_pem), PrivateKey.fromJwk(s.private_jwk), PrivateKey.fromSeed(hex(s.seed_hex))];
    for (const k of forms) {
      assert.equal(k.kid, s.thumbprint);
      // The JWK written here has jose's members and values.
      assert.deepEqual(Object.fromEntries(Object.entries(k.publicJwk()).filter(([m]) => m in s.public_jwk)), s.public_jwk);
    }
    for (const p of [PublicKey.fromPem(s.public_pem), PublicKey.fromJwk(s.public_jwk), PublicKey.fromBytes(hex(s.public_hex))]) {
      assert.equal(p.kid, s.thumbprint);
    }
  }
  const r = joseVectors.rfc8037;
  assert.equal(PrivateKey.fromJwk(r.private_jwk).kid, r.thumbprint);
  assert.throws(() => verify(r.jws, PrivateKey.fromJwk(r.private_jwk).publicKey()), (e) => e instanceof AuthError && e.code !== 'invalid_signature');
});
