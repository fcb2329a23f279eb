#!/usr/bin/env node
// Size of the .wasm module for the JWT-only build and the full (passwords) build: raw and
// gzip (level 9) bytes after wasm-opt -Oz, against the targets. Builds both variants
// (pkg/jwt-only/ and pkg/) unless --no-build is given.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const WASM = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const VARIANTS = [
  { name: 'JWT only (jwt, authz)', args: ['--jwt-only', '--web-only', '--out', 'pkg/jwt-only'], dir: 'pkg/jwt-only', target: 15 * 1024 },
  { name: 'full (+ argon2, bcrypt, policy)', args: [], dir: 'pkg', target: 35 * 1024 },
];

if (!process.argv.includes('--no-build')) {
  for (const v of VARIANTS) execFileSync(process.execPath, ['build.mjs', ...v.args], { cwd: WASM, stdio: 'inherit' });
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log('\nauthcore .wasm size (wasm-bindgen output after wasm-opt -Oz)');
console.log(`${'variant'.padEnd(34)}${'raw'.padStart(10)}${'gzip -9'.padStart(10)}${'target'.padStart(10)}`);
let missed = 0;
for (const v of VARIANTS) {
  const bytes = fs.readFileSync(path.join(WASM, v.dir, 'web', 'authcore_wasm_bg.wasm'));
  const gz = zlib.gzipSync(bytes, { level: 9 }).length;
  const ok = gz <= v.target;
  if (!ok) missed++;
  console.log(`${v.name.padEnd(34)}${kb(bytes.length).padStart(10)}${kb(gz).padStart(10)}${`≤ ${kb(v.target)}`.padStart(10)}  ${ok ? 'ok' : 'over'}`);
}
const glue = ['index.js', 'manual.js', 'authcore_wasm.js'].reduce((n, f) => n + fs.statSync(path.join(WASM, 'pkg', 'web', f)).size, 0);
const glueGz = ['index.js', 'manual.js', 'authcore_wasm.js'].reduce((n, f) => n + zlib.gzipSync(fs.readFileSync(path.join(WASM, 'pkg', 'web', f)), { level: 9 }).length, 0);
console.log(`${'JS of the web build (all files)'.padEnd(34)}${kb(glue).padStart(10)}${kb(glueGz).padStart(10)}`);
if (missed) console.log(`\n${missed} variant(s) over target`);
