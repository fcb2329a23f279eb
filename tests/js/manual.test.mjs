// `authcore/manual`: the web build initialised by hand, as an edge runtime does (bytes or a
// compiled WebAssembly.Module instead of a fetch). Runs here in Node on the web module itself.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import * as manual from 'authcore/manual';
import { ERROR_CODES, Key as NodeKey, sign as nodeSign } from 'authcore';

const require = createRequire(import.meta.url);
const WASM = path.join(path.dirname(require.resolve('authcore/package.json')), 'pkg', 'web', 'authcore_wasm_bg.wasm');

test('exports are filled in by initSync, once', () => {
  assert.equal(manual.verify, undefined, 'nothing before init');
  const module = new WebAssembly.Module(fs.readFileSync(WASM));
  const api = manual.initSync(module);
  assert.equal(manual.initSync(module), api, 'idempotent');
  assert.equal(typeof manual.verify, 'function');
  assert.deepEqual(manual.ERROR_CODES, ERROR_CODES, 'the same core codes as the Node build');

  const secret = 'edge-runtime-secret-0123456789abcdef';
  const token = nodeSign({ sub: 'edge', exp: 2_000_000_000 }, new NodeKey(secret));
  assert.deepEqual(manual.verify(token, new manual.Key(secret), { now: 1_900_000_000 }), { sub: 'edge', exp: 2_000_000_000 });
  assert.throws(() => manual.verify(token, new manual.Key(`${secret}!`)), (e) => e instanceof manual.AuthError && e.code === 'invalid_signature');
  assert.throws(() => manual.verify(token, new NodeKey(secret)), { code: 'invalid_key' }, 'keys belong to their own module instance');
});
