// The FastAPI demo's login page in a real browser: `python -m examples.fastapi_app` in cookie
// mode under uvicorn, driven in Debian's Chromium by playwright-core. Log in, see /api/v1/me,
// refresh silently, resume a session on reload through the HttpOnly cookie, log out, log out
// everywhere (a second browser profile loses its session); a page on another origin cannot
// use the cookie; /docs renders with no request leaving the machine.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const PYTHON = process.env.PYTHON || path.join(ROOT, '.venv', 'bin', 'python');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const PASSWORD = 'correct horse battery staple';
const WEB_BUILD = path.join(ROOT, 'wasm', 'pkg', 'web', 'index.js');
const NO_PYTHON = !fs.existsSync(PYTHON) && `no Python with the project installed at ${PYTHON} (make py)`;

let demo;
let base;
let browser;
let evil;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'authcore-demo-page-'));

function startDemo() {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('AUTHCORE_') && !k.startsWith('DEMO_')));
  Object.assign(env, {
    PORT: '0', LOG_LEVEL: 'warning', PYTHONUNBUFFERED: '1', DEMO_PASSWORD: PASSWORD,
    AUTHCORE_SECRET: crypto.randomBytes(48).toString('base64url'),
    AUTHCORE_DB: path.join(tmp, 'users.sqlite3'), AUTHCORE_COOKIE_MODE: '1',
    AUTHCORE_REFRESH_GRACE: '0',
  });
  const proc = spawn(PYTHON, ['-m', 'examples.fastapi_app'], { cwd: ROOT, env });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`demo did not start:\n${out}`)), 60_000);
    proc.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: m[1] });
      }
    });
    proc.stderr.on('data', (chunk) => { out += chunk; });
    proc.on('exit', (code) => reject(new Error(`demo exited (${code}):\n${out}`)));
  });
}

// A page on another origin (another port of the same host: the same *site*, so even
// SameSite=Strict lets the browser attach the cookie) that tries to use the session.
function startEvil(target) {
  const page = `<!doctype html><script type="module">
    const out = {};
    try {
      const r = await fetch('${target}/api/v1/auth/refresh', { method: 'POST', credentials: 'include',
        headers: { 'X-Authcore-CSRF': '1' } });
      out.withHeader = r.status;
    } catch (e) { out.withHeader = 'blocked'; }
    await fetch('${target}/api/v1/auth/logout', { method: 'POST', mode: 'no-cors', credentials: 'include' });
    out.done = true;
    window.result = out;
  </script>`;
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end(page);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

before(async () => {
  if (NO_PYTHON) return;
  ({ proc: demo, url: base } = await startDemo());
  evil = await startEvil(base);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
  evil?.close();
  demo?.kill();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function status(page, expected) {
  await page.waitForFunction((text) => document.getElementById('status').textContent.startsWith(text),
    expected, { timeout: 15_000 });
}

// Clicks the page's refresh button and waits until the refresh has been answered and the page
// has fetched /api/v1/me with the new access token. The status line reads the same before and
// after, so waiting for it alone let the test go on with the request in flight: a reload then
// aborted it and resumed with the spent cookie, which the zero grace window takes for theft.
async function refreshNow(page) {
  const refreshed = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/auth/refresh');
  const me = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/me');
  await page.click('#refresh');
  assert.equal((await refreshed).status(), 200);
  assert.equal((await me).status(), 200);
  await status(page, 'logged in as student@example.com');
}

async function logIn(context, user = 'student@example.com') {
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await status(page, 'please log in');
  await page.fill('#username', user);
  await page.fill('#password', PASSWORD);
  await page.click('#login button');
  await status(page, `logged in as ${user}`);
  return page;
}

test('the page logs in, refreshes silently, resumes, and logs out (everywhere)', {
  skip: NO_PYTHON || (!fs.existsSync(WEB_BUILD) && 'wasm/pkg/web is not built (make wasm)'),
}, async () => {
  const context = await browser.newContext();
  const page = await logIn(context);
  const me = JSON.parse(await page.textContent('#me'));
  assert.equal(me.email, 'student@example.com');
  assert.match(await page.textContent('#scopes'), /token: HS256, scopes: grades:read; grades:read granted/);
  // The refresh token is out of reach of scripts; the access token is not stored anywhere.
  assert.equal(await page.evaluate(() => document.cookie), '');
  assert.equal(await page.evaluate(() => localStorage.length + sessionStorage.length), 0);
  const [cookie] = await context.cookies();
  assert.equal(cookie.name, '__Secure-authcore_refresh');
  assert.deepEqual([cookie.httpOnly, cookie.secure, cookie.sameSite, cookie.path],
    [true, true, 'Strict', '/api/v1/auth']);
  // Silent refresh: a new cookie, still logged in.
  await refreshNow(page);
  // A reload forgets the access token; the cookie resumes the session.
  await page.reload();
  await status(page, 'logged in as student@example.com');
  assert.notEqual((await context.cookies())[0].value, cookie.value);

  // Another origin cannot use the cookie: the preflight for the header is refused, and a
  // header-less logout is refused by the server, so the session survives.
  const other = await context.newPage();
  await other.goto(`http://127.0.0.1:${evil.address().port}/`);
  const result = await other.waitForFunction(() => window.result).then((h) => h.jsonValue());
  assert.equal(result.withHeader, 'blocked');
  await refreshNow(page);

  // Log out: the cookie is gone, a reload asks to log in.
  await page.click('#logout');
  await status(page, 'logged out');
  assert.equal((await context.cookies()).length, 0);
  await page.reload();
  await status(page, 'please log in');

  // Log out everywhere: a second browser profile loses its session too.
  const laptop = await browser.newContext();
  const phone = await browser.newContext();
  const a = await logIn(laptop);
  const b = await logIn(phone);
  await a.click('#logout-all');
  await status(a, 'logged out everywhere');
  await b.click('#refresh');
  await status(b, 'please log in');
  await Promise.all([context.close(), laptop.close(), phone.close()]);
});

test('/docs renders Swagger UI from assets the app serves itself', { skip: NO_PYTHON }, async () => {
  const context = await browser.newContext();
  const outside = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1') return route.continue();
    outside.push(url.href);
    return route.abort();
  });
  const page = await context.newPage();
  await page.goto(`${base}/docs`);
  await page.waitForSelector('.swagger-ui .info .title', { timeout: 20_000 });
  assert.match(await page.textContent('.swagger-ui .info .title'), /authcore demo/);
  await page.waitForSelector('.opblock-summary-path[data-path="/api/v1/auth/tokens"]');
  assert.deepEqual(outside, []);
  await context.close();
});
