#!/usr/bin/env node
// Size of the .wasm module for the JWT-only build (HS256), JWT + EdDSA and the full (passwords,
// EdDSA) build: raw and
// gzip (level 9) bytes after wasm-opt -Oz, against the targets. Builds both variants
// (pkg/jwt-only/ and pkg/) unless --no-build is given.
// --top N also lists each variant's sections, data segments and N largest functions (by code
// bytes, from a copy of the module built with its name section kept).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const WASM = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const VARIANTS = [
  { name: 'JWT only (jwt)', args: ['--jwt-only', '--web-only', '--out', 'pkg/jwt-only'], dir: 'pkg/jwt-only', target: 16 * 1024 },
  { name: 'JWT + roles, scopes (authz)', args: ['--jwt-only', '--features', 'authz', '--web-only', '--out', 'pkg/jwt-authz'], dir: 'pkg/jwt-authz' },
  { name: 'JWT + EdDSA (HS256, Ed25519)', args: ['--jwt-only', '--features', 'eddsa', '--web-only', '--out', 'pkg/jwt-eddsa'], dir: 'pkg/jwt-eddsa', target: 40 * 1024 },
  { name: 'full (+ argon2, policy, EdDSA; no bcrypt)', args: [], dir: 'pkg', target: 40 * 1024 },
];

const topIdx = process.argv.indexOf('--top');
const TOP = topIdx >= 0 ? Number(process.argv[topIdx + 1]) : 0;
const namesFile = (v) => path.join(WASM, '..', 'target', 'wasm-pkg', `names-${path.basename(v.dir)}.wasm`);

if (!process.argv.includes('--no-build')) {
  for (const v of VARIANTS) {
    const names = TOP ? ['--names', namesFile(v)] : [];
    execFileSync(process.execPath, ['build.mjs', ...v.args, ...names], { cwd: WASM, stdio: 'inherit' });
  }
}

/** Sections, data segment sizes and function body sizes (named) of a wasm binary. */
function anatomy(buf) {
  let p = 8;
  const leb = () => {
    let r = 0;
    let shift = 0;
    let b;
    do { b = buf[p++]; r += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
    return r;
  };
  const str = () => { const n = leb(); p += n; return buf.toString('utf8', p - n, p); };
  const sections = [];
  const bodies = [];
  const data = [];
  const names = new Map();
  let imported = 0;
  const SECTION = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'datacount'];
  while (p < buf.length) {
    const id = buf[p++];
    const len = leb();
    const end = p + len;
    let name = SECTION[id];
    if (id === 0) name = `custom "${str()}"`;
    if (id === 2) {
      for (let i = leb(); i > 0; i--) {
        str(); str();
        const kind = buf[p++];
        if (kind === 0) { leb(); imported++; } else if (kind === 3) p += 2; else { if (kind === 1) p++; if (leb() & 1) leb(); leb(); }
      }
    } else if (id === 10) {
      for (let i = leb(), idx = imported; i > 0; i--, idx++) { const n = leb(); bodies.push([idx, n]); p += n; }
    } else if (id === 11) {
      for (let i = leb(); i > 0; i--) {
        const mode = leb();
        if (mode === 2) leb();
        if (mode !== 1) { while (buf[p] !== 0x0b) p++; p++; } // constant offset expression
        const n = leb();
        data.push(n);
        p += n;
      }
    } else if (name === 'custom "name"') {
      while (p < end) {
        const sub = buf[p++];
        const subEnd = leb() + p;
        if (sub === 1) for (let i = leb(); i > 0; i--) { const idx = leb(); names.set(idx, str()); }
        p = subEnd;
      }
    }
    sections.push([name, len]);
    p = end;
  }
  const funcs = bodies.map(([idx, n]) => [n, names.get(idx) || `function ${idx}`]).sort((a, b) => b[0] - a[0]);
  return { sections, data, funcs };
}

function printTop(v) {
  const { sections, data, funcs } = anatomy(fs.readFileSync(namesFile(v)));
  console.log(`\n${v.name}: sections (bytes, name section included)`);
  for (const [name, len] of sections) console.log(`${String(len).padStart(9)}  ${name}`);
  console.log(`data segments: ${data.filter((n) => n >= 64).join(', ')} (+${data.filter((n) => n < 64).length} under 64 bytes)`);
  console.log(`${funcs.length} functions; the ${TOP} largest:`);
  for (const [n, name] of funcs.slice(0, TOP)) console.log(`${String(n).padStart(9)}  ${name.replace(/::h[0-9a-f]{16}$/, '').slice(0, 110)}`);
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log('\nauthcore .wasm size (wasm-bindgen output after wasm-opt -Oz)');
console.log(`${'variant'.padEnd(34)}${'raw'.padStart(10)}${'gzip -9'.padStart(10)}${'target'.padStart(10)}`);
let missed = 0;
for (const v of VARIANTS) {
  const bytes = fs.readFileSync(path.join(WASM, v.dir, 'web', 'authcore_wasm_bg.wasm'));
  const gz = zlib.gzipSync(bytes, { level: 9 }).length;
  const ok = v.target === undefined || gz <= v.target;
  if (!ok) missed++;
  const target = v.target === undefined ? '' : `${`≤ ${kb(v.target)}`.padStart(10)}  ${ok ? 'ok' : 'over'}`;
  console.log(`${v.name.padEnd(34)}${kb(bytes.length).padStart(10)}${kb(gz).padStart(10)}${target}`);
}
const glue = ['index.js', 'manual.js', 'authcore_wasm.js'].reduce((n, f) => n + fs.statSync(path.join(WASM, 'pkg', 'web', f)).size, 0);
const glueGz = ['index.js', 'manual.js', 'authcore_wasm.js'].reduce((n, f) => n + zlib.gzipSync(fs.readFileSync(path.join(WASM, 'pkg', 'web', f)), { level: 9 }).length, 0);
console.log(`${'JS of the web build (all files)'.padEnd(34)}${kb(glue).padStart(10)}${kb(glueGz).padStart(10)}`);
if (missed) console.log(`\n${missed} variant(s) over target`);
if (TOP) for (const v of VARIANTS) printTop(v);
