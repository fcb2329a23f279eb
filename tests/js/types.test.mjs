// The TypeScript declarations (wasm/index.d.ts, manual.d.ts) type-check a realistic use of the
// API under `strict`, and refuse misuse (the @ts-expect-error lines in types/usage.ts).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));

test('tsc --strict accepts the declared API as used, and rejects misuse', () => {
  const tsc = path.join(HERE, 'node_modules', 'typescript', 'bin', 'tsc');
  let out = '';
  try {
    execFileSync(process.execPath, [tsc, '-p', path.join(HERE, 'types', 'tsconfig.json')], { encoding: 'utf8' });
  } catch (e) {
    out = `${e.stdout}${e.stderr}`;
  }
  assert.equal(out, '');
});
