// The shared vectors: the same accept/refuse decisions and error codes as Rust and Python.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AuthError, Key, needsRehash, sign, verify, verifyPassword } from 'authcore';
import { hex, keysFor, load, optionsFor } from './vectors.mjs';

function outcome(fn) {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    assert.ok(e instanceof AuthError, `not an AuthError: ${e}`);
    return { ok: false, code: e.code };
  }
}

describe('jwt.json', () => {
  const file = load('jwt');
  for (const c of file.cases) {
    test(c.name, () => {
      const got = outcome(() => verify(c.token, keysFor(file, c.keys), optionsFor(c)));
      if (c.expect.ok) {
        assert.ok(got.ok, `expected claims, got ${got.code}`);
        assert.deepEqual(got.value, c.expect.claims);
      } else {
        assert.deepEqual(got, { ok: false, code: c.expect.error });
      }
    });
  }
});

describe('encode.json', () => {
  const file = load('encode');
  const keys = load('jwt').keys;
  for (const c of file.cases) {
    test(c.name, () => {
      const key = new Key(hex(keys[c.key].secret_hex), c.kid ?? undefined);
      const options = { verifyExp: false, verifyAud: false, requiredClaims: [], typ: c.claims.typ };
      assert.deepEqual(verify(c.token, key, options), c.claims);
      // Where JSON.stringify gives PyJWT's payload bytes (same key order and escapes), the
      // whole token must match byte for byte. A JS number cannot hold 2^64 - 1, so the one
      // case with such an integer can only be verified (above), not produced.
      if (JSON.stringify(c.claims) === c.payload_json) assert.equal(sign(c.claims, key), c.token);
      else assert.ok(/\d{17,}/.test(c.payload_json), 'only integers beyond 2^53 may differ');
    });
  }
});

describe('password.json', () => {
  const file = load('password');
  const policy = {
    algorithm: file.policy.algorithm, memoryCost: file.policy.m_cost, timeCost: file.policy.t_cost,
    parallelism: file.policy.p_cost, hashLength: file.policy.hash_len,
  };
  for (const c of file.cases) {
    test(c.name, () => {
      const password = c.password_hex !== undefined ? hex(c.password_hex) : c.password;
      const got = outcome(() => verifyPassword(password, c.hash));
      if (c.expect === 'ok') assert.deepEqual(got, { ok: true, value: true });
      else if (c.expect === 'password_mismatch') assert.deepEqual(got, { ok: true, value: false });
      else assert.deepEqual(got, { ok: false, code: c.expect });
      if (c.needs_rehash !== null) assert.equal(needsRehash(c.hash, policy), c.needs_rehash);
    });
  }
});
