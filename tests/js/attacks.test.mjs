// The cross-language attack suite (tests/attacks/): the same verdicts, error codes and claim
// names as the Rust and Python runners.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { AuthError, Key, KeySet, verify, verifyPassword } from 'authcore';
import { hex, optionsFor } from './vectors.mjs';

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'attacks');
const load = (name) => JSON.parse(fs.readFileSync(path.join(DIR, `${name}.json`), 'utf8'));

function outcome(fn) {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    assert.ok(e instanceof AuthError, `not an AuthError: ${e}`);
    return { ok: false, code: e.code, claim: e.claim };
  }
}

function checkRefusal(got, expect) {
  assert.ok(!got.ok, `accepted; expected ${JSON.stringify(expect)}`);
  assert.equal(got.code, expect.error);
  if ('claim' in expect) assert.equal(got.claim, expect.claim);
}

const jwt = load('jwt');
const password = load('password');

test('the attack suite is complete', () => {
  assert.ok(jwt.cases.length + password.cases.length >= 250);
});

describe('attacks/jwt.json', () => {
  for (const c of jwt.cases) {
    test(c.id, () => {
      const got = outcome(() => {
        const keys = new KeySet(c.keys.map((n) => new Key(hex(jwt.keys[n].secret_hex), jwt.keys[n].kid ?? undefined)));
        const options = optionsFor({ now: c.now, validation: c.validation });
        // JS takes seconds as safe integers; a leeway of 2^64 - 1 (saturation case) becomes the
        // largest safe integer, which still covers any date in the suite.
        if (options.leeway !== undefined && !Number.isSafeInteger(options.leeway)) options.leeway = Number.MAX_SAFE_INTEGER;
        return verify(c.token, keys, options);
      });
      if (c.expect.ok) {
        assert.ok(got.ok, `expected claims, got ${got.code}`);
        assert.deepEqual(got.value, c.expect.claims);
      } else {
        checkRefusal(got, c.expect);
      }
    });
  }
});

describe('attacks/password.json', () => {
  for (const c of password.cases) {
    test(c.id, () => {
      let pw = c.password_hex !== undefined ? hex(c.password_hex) : new TextEncoder().encode(c.password);
      if (c.password_repeat) {
        const rep = new Uint8Array(pw.length * c.password_repeat);
        for (let i = 0; i < c.password_repeat; i++) rep.set(pw, i * pw.length);
        pw = rep;
      }
      const got = outcome(() => verifyPassword(pw, c.hash));
      if (c.expect.ok) assert.deepEqual(got, { ok: true, value: true });
      else if (c.expect.error === 'password_mismatch') assert.deepEqual(got, { ok: true, value: false });
      else checkRefusal(got, c.expect);
    });
  }
});
