#!/usr/bin/env node
// Builds the `authcore` npm package into wasm/pkg/:
//   pkg/node/  index.cjs, index.mjs  (+ wasm-bindgen --target nodejs output)
//   pkg/web/   index.js (initialises itself), manual.js (explicit init/initSync)
//              (+ wasm-bindgen --target web output)
// Steps: cargo build with the workspace's `size` profile for wasm32-unknown-unknown,
// wasm-bindgen (the CLI must match the crate's pinned version), wasm-opt (binaryen).
//
// The two builds are tuned for where they run. The web module is downloaded, so it is built
// for size: opt-level "z", rolled SHA-256 rounds, the core's `size_opt` paths, wasm-opt -Oz.
// The Node module is read from disk, so it is built for speed: the same profile with opt-level
// 3, unrolled SHA-256, Ed25519's precomputed tables and wasm-opt -O3 (about 1.5x faster verify and 2x faster sign, for some 30 KB more wasm).
//
// Usage: node build.mjs [--jwt-only] [--features LIST] [--web-only] [--out DIR] [--names FILE]
//   --jwt-only   build with JWT alone: no password hashing, no role and scope checks
//   --features   cargo features to add (e.g. `--jwt-only --features authz`)
//   --web-only   only the web build (size reports)
//   --out DIR    output directory (default: pkg)
//   --names FILE also write the web module with its function names kept (size analysis)

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const BINDGEN_VERSION = '0.2.130';
// Target directories of their own: the RUSTFLAGS and opt-level below would otherwise
// invalidate (and be invalidated by) ordinary wasm32 builds of the workspace.
// wasm-opt for size: `--converge` repeats -Oz while it still shrinks; `--low-memory-unused`
// lets constant address offsets fold into loads and stores, sound here because the first KiB
// is the bottom of Rust's 1 MiB stack (reached only by a stack overflow, which traps anyway).
// The web build (size tuning) leaves legacy bcrypt verification out: bcrypt hashes are
// migrated on servers (the Node build and Python keep it), and Blowfish's 4 KiB of initial
// tables, which do not compress, would cost the browser module 5.6 KB gzip. There a bcrypt
// hash is `invalid_hash` (an unsupported format).
const TUNING = {
  size: { optLevel: 'z', rustflags: '--cfg sha2_backend_soft="compact"', features: ['size_opt'], full: ['password', 'authz', 'eddsa'], wasmOpt: ['-Oz', '--converge', '--low-memory-unused'] },
  speed: { optLevel: '3', rustflags: '', features: [], full: ['password', 'bcrypt', 'legacy', 'authz', 'eddsa_fast'], wasmOpt: ['-O3'] },
};

const args = process.argv.slice(2);
const jwtOnly = args.includes('--jwt-only');
const webOnly = args.includes('--web-only');
const outIdx = args.indexOf('--out');
const OUT = path.resolve(HERE, outIdx >= 0 ? args[outIdx + 1] : 'pkg');
const featuresIdx = args.indexOf('--features');
const features = featuresIdx >= 0 ? args[featuresIdx + 1] : undefined;
const namesIdx = args.indexOf('--names');
const NAMES = namesIdx >= 0 ? path.resolve(HERE, args[namesIdx + 1]) : undefined;

function run(cmd, argv, env = {}) {
  execFileSync(cmd, argv, { stdio: 'inherit', cwd: ROOT, env: { ...process.env, ...env } });
}

function cargoBuild(tuning) {
  const targetDir = path.join(ROOT, 'target', 'wasm-pkg', tuning);
  const argv = ['build', '-p', 'authcore-wasm', '--target', 'wasm32-unknown-unknown', '--profile', 'size', '--target-dir', targetDir];
  argv.push('--no-default-features');
  const all = [...TUNING[tuning].features, ...(jwtOnly ? [] : TUNING[tuning].full), ...(features ? [features] : [])];
  if (all.length) argv.push('--features', all.join(','));
  run('cargo', argv, {
    // wasm-bindgen needs the target_features section that `strip = true` would remove;
    // wasm-opt strips everything else afterwards.
    CARGO_PROFILE_SIZE_STRIP: 'false',
    CARGO_PROFILE_SIZE_OPT_LEVEL: TUNING[tuning].optLevel,
    RUSTFLAGS: `${process.env.RUSTFLAGS || ''} ${TUNING[tuning].rustflags}`.trim(),
  });
  return path.join(targetDir, 'wasm32-unknown-unknown', 'size', 'authcore_wasm.wasm');
}

function checkBindgen() {
  const v = execFileSync('wasm-bindgen', ['--version']).toString().trim().split(/\s+/)[1];
  if (v !== BINDGEN_VERSION) {
    throw new Error(`wasm-bindgen CLI ${v} does not match the crate's ${BINDGEN_VERSION}: run scripts/setup.sh wasm`);
  }
}

function wasmOpt(file, tuning) {
  const bin = path.join(HERE, 'node_modules', '.bin', 'wasm-opt');
  if (!fs.existsSync(bin)) throw new Error('wasm-opt missing: run `npm install` in wasm/ (binaryen)');
  // The same optimisation with the name section kept (-g): sizes per function.
  if (NAMES && tuning === 'size') run(bin, [...TUNING[tuning].wasmOpt, '-g', file, '-o', NAMES]);
  run(bin, [...TUNING[tuning].wasmOpt, '--strip-debug', '--strip-producers', '--strip-target-features', file, '-o', file]);
}

function bindgen(tuning, target, dir) {
  const wasm = cargoBuild(tuning);
  fs.rmSync(dir, { recursive: true, force: true });
  run('wasm-bindgen', ['--target', target, '--weak-refs', '--out-dir', dir, '--out-name', 'authcore_wasm', wasm]);
  wasmOpt(path.join(dir, 'authcore_wasm_bg.wasm'), tuning);
  for (const f of fs.readdirSync(dir)) if (f.endsWith('.d.ts')) fs.rmSync(path.join(dir, f));
  // The glue's JSDoc blocks repeat the Rust docs of the raw exports, which only api.js calls
  // (the package's types are index.d.ts): a fifth of the glue's bytes, dropped.
  const glue = path.join(dir, 'authcore_wasm.js');
  // api.js reads and writes the module's I/O buffers in its linear memory, which the glue
  // keeps to itself; an accessor (rather than a Rust export of `wasm_bindgen::memory()`, which
  // brings the externref table code, about 500 bytes of wasm).
  const memory = target === 'nodejs'
    ? '\nexports.wasmMemory = () => wasm.memory;\n'
    : '\nexport function wasmMemory() { return wasm.memory; }\n';
  fs.writeFileSync(glue, fs.readFileSync(glue, 'utf8').replace(/^[ \t]*\/\*\*[\s\S]*?\*\/\n/gm, '') + memory);
}

const API = fs.readFileSync(path.join(HERE, 'js', 'api.js'), 'utf8');
const HEADER = '// Generated by wasm/build.mjs from wasm/js/api.js; do not edit.\n';

/** The names the API exports: createApi run over a stub (it calls nothing else while building). */
function apiNames() {
  // eslint-disable-next-line no-new-func
  const createApi = new Function(`${API}\nreturn createApi;`)();
  const stub = {
    Io: class { buffer() { return 0; } },
    tables: () => 0,
    hasPasswords: () => true,
    wasmMemory: () => ({ buffer: new ArrayBuffer(0) }),
  };
  return [...Object.keys(createApi(stub)), 'init', 'initSync'];
}

function writeNode(dir) {
  fs.renameSync(path.join(dir, 'authcore_wasm.js'), path.join(dir, 'authcore_wasm.cjs'));
  fs.writeFileSync(path.join(dir, 'index.cjs'), `${HEADER}'use strict';
const raw = require('./authcore_wasm.cjs');
${API}
// init/initSync are no-ops here, for code shared with the web build (which must fetch and
// compile the module first).
const api = Object.freeze({ ...createApi(raw), init: () => Promise.resolve(api), initSync: () => api });
module.exports = api;
`);
  // The declarations once more as CommonJS ones, for `require` under TypeScript's node16
  // resolution (index.d.ts sits in a "type": "module" package, so it declares an ES module).
  fs.writeFileSync(path.join(dir, 'index.d.cts'), `// Generated by wasm/build.mjs from wasm/index.d.ts; do not edit.\n${fs.readFileSync(path.join(HERE, 'index.d.ts'), 'utf8')}`);
  const names = apiNames();
  fs.writeFileSync(path.join(dir, 'index.mjs'), `${HEADER}import api from './index.cjs';
export const { ${names.join(', ')} } = api;
export default api;
`);
  return names;
}

function writeWeb(dir, names) {
  const apiNames = names.filter((n) => n !== 'init' && n !== 'initSync');
  fs.writeFileSync(path.join(dir, 'manual.js'), `${HEADER}import initRaw, * as raw from './authcore_wasm.js';
${API}
export let ${apiNames.join(', ')};
let api;
function ready() {
  api = createApi(raw);
  ({ ${apiNames.join(', ')} } = api);
  return api;
}
/** Fetches and compiles the module (default: authcore_wasm_bg.wasm next to this file). */
export async function init(input) {
  if (api) return api;
  await initRaw(input === undefined ? undefined : { module_or_path: input });
  return api || ready();
}
/** Initialises from a compiled WebAssembly.Module or the module's bytes (edge runtimes). */
export function initSync(module) {
  if (api) return api;
  raw.initSync({ module });
  return ready();
}
`);
  fs.writeFileSync(path.join(dir, 'index.js'), `${HEADER}import { init } from './manual.js';
await init();
export * from './manual.js';
`);
}

checkBindgen();
fs.mkdirSync(OUT, { recursive: true });
const node = path.join(OUT, 'node');
const web = path.join(OUT, 'web');
const size = (dir) => `${path.basename(dir)} ${fs.statSync(path.join(dir, 'authcore_wasm_bg.wasm')).size} bytes`;
const kind = `${jwtOnly ? 'JWT only' : 'full'}${features ? ` + ${features}` : ''}`;
if (webOnly) {
  bindgen('size', 'web', web);
  writeWeb(web, apiNames());
  console.log(`authcore: built ${path.relative(ROOT, web)} (${kind}; wasm: ${size(web)})`);
} else {
  bindgen('speed', 'nodejs', node);
  bindgen('size', 'web', web);
  writeWeb(web, writeNode(node));
  console.log(`authcore: built ${path.relative(ROOT, OUT)}/{node,web} (${kind}; wasm: ${size(node)}, ${size(web)})`);
}
