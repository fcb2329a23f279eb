// The whole EdDSA story in a real browser: the example FastAPI service runs under a real uvicorn
// (dev mode: a fresh Ed25519 signing key), Node logs in to get an access token the Python
// service issued, and a page in Debian's Chromium fetches the service's
// /.well-known/jwks.json and verifies that token with the web build (the key cannot mint).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, browserPage } from './browser_harness.mjs';

const PYTHON = process.env.PYTHON || path.join(ROOT, '.venv', 'bin', 'python');
const PASSWORD = 'jwks browser pass 7c1e';

/** `python -m examples.fastapi_app` on a free loopback port; resolves with its base URL. */
function startDemo(dir) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AUTHCORE_') && !k.startsWith('DEMO_')));
  Object.assign(env, { AUTHCORE_DEV: '1', PORT: '0', AUTHCORE_DB: path.join(dir, 'demo.sqlite3'), DEMO_PASSWORD: PASSWORD, PYTHONUNBUFFERED: '1' });
  const proc = spawn(PYTHON, ['-m', 'examples.fastapi_app'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const base = new Promise((resolve, reject) => {
    const onData = (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) resolve(m[1]);
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', (code) => reject(new Error(`demo exited (${code}):\n${out}`)));
    setTimeout(() => reject(new Error(`demo did not start:\n${out}`)), 60_000).unref();
  });
  return { proc, base, output: () => out };
}

let demo;
let dir;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authcore-jwks-'));
  demo = startDemo(dir);
});
const browser = browserPage('jwks.html');
after(async () => {
  if (demo) {
    demo.proc.kill('SIGTERM');
    await new Promise((resolve) => (demo.proc.exitCode !== null ? resolve() : demo.proc.on('exit', resolve)));
  }
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('Chromium verifies a token the Python service issued, with the JWKS it publishes', async () => {
  const base = await demo.base;
  const login = await fetch(`${base}/api/v1/auth/tokens`, {
    method: 'POST',
    body: new URLSearchParams({ username: 'teacher@example.com', password: PASSWORD }),
  });
  assert.equal(login.status, 200, await login.clone().text());
  const { access_token: token } = await login.json();
  const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString());
  assert.equal(header.alg, 'EdDSA');

  const { results: r, errors } = await browser.run({ jwks: `${base}/.well-known/jwks.json`, token });
  assert.deepEqual(errors, []);
  assert.equal(r.error, undefined, r.error);
  assert.match(r.userAgent, /HeadlessChrome|Chrome/);
  assert.equal(r.status, 200);
  assert.equal(r.cacheControl, 'public, max-age=300');
  assert.deepEqual(r.kids, [header.kid]);
  assert.equal(r.claims.ok, true, JSON.stringify(r.claims));
  assert.equal(r.claims.value.typ, 'access');
  assert.deepEqual(r.claims.value.roles, ['teacher']);
  assert.deepEqual([r.tampered.isAuthError, r.tampered.code], [true, 'invalid_signature']);
  assert.deepEqual([r.mint.isAuthError, r.mint.code], [true, 'invalid_key']);
  assert.deepEqual(r.single, { ok: true, value: r.claims.value.sub });
  // Nothing secret in the service's log.
  assert.ok(!demo.output().includes(token));
});
