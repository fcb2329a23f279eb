// Legacy password formats in the Node build: passlib's and Django's hashes (libpass and Django
// made them, tests/vectors/password.json) verify, need a rehash, and the opt-in settings
// (bcrypt's 72-byte rule, md5_crypt, plaintext) behave as in Rust and Python.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AuthError, needsRehash, verifyPassword } from 'authcore';
import { hex, load } from './vectors.mjs';

function outcome(fn) {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    assert.ok(e instanceof AuthError, `not an AuthError: ${e}`);
    return { ok: false, code: e.code };
  }
}

const file = load('password');
const passwordOf = (c) => (c.password_hex !== undefined ? hex(c.password_hex) : c.password);

function optionsOf(bounds) {
  const o = {};
  if (bounds.allow_md5_crypt) o.allowMd5Crypt = true;
  if (bounds.allow_plaintext) o.allowPlaintext = true;
  if (bounds.bcrypt_long_password === 'refuse') o.bcryptTruncate = false;
  return o;
}

describe('password.json bounds_cases', () => {
  assert.ok(file.bounds_cases.length >= 8);
  for (const c of file.bounds_cases) {
    test(c.name, () => {
      const got = outcome(() => verifyPassword(passwordOf(c), c.hash, optionsOf(c.bounds)));
      if (c.expect === 'ok') assert.deepEqual(got, { ok: true, value: true });
      else if (c.expect === 'password_mismatch') assert.deepEqual(got, { ok: true, value: false });
      else assert.deepEqual(got, { ok: false, code: c.expect });
    });
  }
});

test('every legacy scheme of the vectors verifies and needs a rehash', () => {
  const prefixes = ['$bcrypt-sha256$', '$pbkdf2$', '$pbkdf2-sha256$', '$pbkdf2-sha512$',
    'pbkdf2_sha256$', 'pbkdf2_sha1$', '$5$', '$6$'];
  for (const prefix of prefixes) {
    const ok = file.cases.filter((c) => c.hash.startsWith(prefix) && c.expect === 'ok');
    assert.ok(ok.length >= 2, prefix);
    for (const c of ok) {
      assert.equal(verifyPassword(passwordOf(c), c.hash), true, c.name);
      assert.equal(needsRehash(c.hash), true, c.name);
    }
  }
});

test('the opt-in flags are off by default and type-checked', () => {
  const md5 = file.bounds_cases.find((c) => c.name === 'md5_crypt_allowed');
  assert.deepEqual(outcome(() => verifyPassword(md5.password, md5.hash)), { ok: false, code: 'insecure_hash' });
  assert.equal(verifyPassword(md5.password, md5.hash, { allowMd5Crypt: true }), true);
  assert.deepEqual(outcome(() => verifyPassword('pw', 'pw')), { ok: false, code: 'invalid_hash' });
  assert.equal(verifyPassword('pw', 'pw', { allowPlaintext: true }), true);
  assert.throws(() => verifyPassword('pw', 'pw', { allowPlaintext: 'yes' }));
});
