// The error codes of the package's type declarations are the codes the core reports: the
// `ErrorCode` union in wasm/index.d.ts, parsed here, lists exactly the module's ERROR_CODES
// (read from the core at load time), none missing, none extra.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERROR_CODES } from 'authcore';

/** The string literals of `export type NAME = | 'a' | 'b' …;` in a .d.ts text. */
function unionLiterals(text, name) {
  const decl = text.match(new RegExp(`export type ${name}\\s*=([^;]*);`));
  assert.ok(decl, `no type ${name} in the declarations`);
  const body = decl[1].replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, '');
  const members = body.split('|').map((m) => m.trim()).filter((m) => m !== '');
  return members.map((m) => {
    const lit = m.match(/^'([^'\\]*)'$|^"([^"\\]*)"$/);
    assert.ok(lit, `ErrorCode member ${m} is not a string literal`);
    return lit[1] ?? lit[2];
  });
}

const dts = readFileSync(new URL('../../wasm/index.d.ts', import.meta.url), 'utf8');

test('the ErrorCode union lists exactly the core\'s error codes', () => {
  const declared = unionLiterals(dts, 'ErrorCode');
  assert.equal(new Set(declared).size, declared.length, 'a code is listed twice in ErrorCode');
  assert.equal(new Set(ERROR_CODES).size, ERROR_CODES.length);
  const core = new Set(ERROR_CODES);
  const types = new Set(declared);
  assert.deepEqual(declared.filter((c) => !core.has(c)), [], 'in index.d.ts but not in the core');
  assert.deepEqual(ERROR_CODES.filter((c) => !types.has(c)), [], 'in the core but not in index.d.ts');
});

test('the union parser sees a drift', () => {
  const drifted = dts.replace("| 'expired' ", "| 'expried' ");
  assert.notEqual(drifted, dts);
  assert.ok(!unionLiterals(drifted, 'ErrorCode').includes('expired'));
  assert.ok(unionLiterals(drifted, 'ErrorCode').includes('expried'));
});
