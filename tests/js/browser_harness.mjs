// The harness of the browser tests: a test page from tests/js/browser, its shared helpers and
// the web build (wasm/pkg/web, under /authcore/) served on 127.0.0.1, and Debian's Chromium
// driven by playwright-core (no browser download) with a throwaway profile.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '..', '..');
const WEB = path.join(ROOT, 'wasm', 'pkg', 'web');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

/**
 * A loopback server for `page` (a file in tests/js/browser) at `/`, the helpers the pages share
 * (`/run.js`) and the web build.
 */
function serve(page) {
  const files = (url) => {
    const p = new URL(url, 'http://x').pathname;
    if (p === '/') return path.join(HERE, 'browser', page);
    if (p === '/run.js') return path.join(HERE, 'browser', 'run.js');
    if (!p.startsWith('/authcore/')) return null;
    const f = path.join(WEB, path.normalize(p.slice('/authcore/'.length)));
    return f.startsWith(WEB + path.sep) ? f : null;
  };
  const server = http.createServer((req, res) => {
    const f = files(req.url);
    if (!f || !fs.existsSync(f)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(f)] || 'application/octet-stream' });
    fs.createReadStream(f).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * Serves `page` and launches Chromium before the file's tests, and stops both after them.
 * `run(query, ready)` opens the page with the query parameters, waits (30 s at most) until
 * `ready` (evaluated in the page; default: the page set `window.__results`) holds, and returns
 * the page's `window.__results` and the errors it threw.
 */
export function browserPage(page) {
  let server;
  let context;
  let profile;
  before(async () => {
    server = await serve(page);
    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'authcore-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  after(async () => {
    await context?.close();
    server?.close();
    if (profile) fs.rmSync(profile, { recursive: true, force: true });
  });
  const run = async (query, ready = () => window.__results !== undefined) => {
    const tab = await context.newPage();
    const errors = [];
    tab.on('pageerror', (e) => errors.push(e.message));
    try {
      await tab.goto(`http://127.0.0.1:${server.address().port}/?${new URLSearchParams(query)}`);
      await tab.waitForFunction(ready, null, { timeout: 30_000 });
      return { results: await tab.evaluate(() => window.__results), errors };
    } finally {
      await tab.close();
    }
  };
  return { run };
}
