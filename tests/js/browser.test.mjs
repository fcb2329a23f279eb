// The web build in a real browser: a page served on 127.0.0.1 imports pkg/web (which fetches
// and compiles the .wasm itself), signs, verifies and hashes; Debian's Chromium, driven by
// playwright-core (no browser download), reports what the page computed, and Node checks it
// against the Node build.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Key, hashPassword, sign, verify, verifyPassword } from 'authcore';
import { browserPage } from './browser_harness.mjs';

const SECRET = 'browser-test-secret-0123456789abcdef';
const browser = browserPage('page.html');

test('the web build signs, verifies and hashes in Chromium, interoperably with Node', async () => {
  const key = new Key(SECRET, 'browser');
  const now = 1_700_000_000;
  const nodeToken = sign({ sub: 'from-node', exp: now + 60 }, key);
  const nodeHash = hashPassword('correct horse battery staple', { memoryCost: 128, timeCost: 1 });
  // bcrypt hashes are verified by the Node build (and Python) only: the web build leaves
  // Blowfish out and calls them an unsupported format.
  const bcrypt = '$2b$04$authcoreVectorSalt.22edQ7eGapPXJf8iezt63.NkRFzI0L8Kwq';
  assert.equal(verifyPassword('correct horse battery staple', bcrypt), true);
  const query = { secret: SECRET, token: nodeToken, now: String(now), hash: nodeHash, bcrypt };
  const ready = () => window.__results !== undefined || document.getElementById('out').textContent !== 'running…';
  const { results: r, errors } = await browser.run(query, ready);
  assert.deepEqual(errors, []);
  assert.match(r.userAgent, /HeadlessChrome|Chrome/);
  assert.equal(r.ready, true);

  // What the browser signed verifies in Node, with the same claims.
  assert.deepEqual(r.header, { alg: 'HS256', kid: 'browser', typ: 'JWT' });
  assert.deepEqual(verify(r.token, key), r.claims);
  assert.equal(r.claims.zoë, '✓');
  assert.equal(r.claims.exp, r.claims.iat + 300);
  assert.equal(r.role, true);
  assert.equal(r.scopes, true);
  // And what Node signed verifies in the browser.
  assert.deepEqual(r.nodeToken, { ok: true, value: { sub: 'from-node', exp: now + 60 } });

  // Errors in the browser are AuthErrors with the core's codes.
  assert.deepEqual([r.expired.isAuthError, r.expired.code], [true, 'expired']);
  assert.deepEqual([r.tampered.isAuthError, r.tampered.code], [true, 'invalid_signature']);
  assert.deepEqual([r.weakKey.isAuthError, r.weakKey.code], [true, 'weak_key']);
  assert.deepEqual([r.common.isAuthError, r.common.code], [true, 'password_too_common']);
  assert.deepEqual([r.bcrypt.isAuthError, r.bcrypt.code], [true, 'invalid_hash']);

  // Argon2id in the browser (salt from crypto.getRandomValues), checked both ways.
  assert.match(r.hash, /^\$argon2id\$v=19\$m=256,t=1,p=1\$/);
  assert.equal(r.hashOk, true);
  assert.equal(r.hashWrong, false);
  assert.equal(verifyPassword('correct horse battery staple', r.hash), true);
  assert.equal(r.nodeHashOk, true);
});
