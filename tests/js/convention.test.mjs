// The wasm calling convention is declared once, in Rust (wasm/src/io.rs `inputs!`): the
// module hands each export's fields over by name and api.js writes them by name. These tests
// check that the two agree, and that fields of the same type reach the right check.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as authcore from 'authcore';

const { Key, hasRole, sign, verify } = authcore;
const { LAYOUT, put } = authcore.default[Symbol.for('authcore.layout')];
const key = new Key('js-convention-test-secret-0123456789abcdef');
const NOW = 1_700_000_000;

test('every export api.js calls is declared, with the options the API documents', () => {
  const names = (e) => [...LAYOUT.get(e).fields].map((f) => f.name);
  assert.deepEqual(new Set(LAYOUT.keys()), new Set(['addSecret', 'seal', 'verify', 'sign', 'decodeHeader',
    'addJwk', 'addSeed', 'addJwks', 'addPem', 'addRaw',
    'anyRole', 'hasScopes', 'hashPassword', 'verifyPassword', 'needsRehash', 'checkPassword']));
  assert.deepEqual(new Set(names('verify')), new Set(['token', 'now', 'issuer', 'audience', 'requiredClaims',
    'subject', 'typ', 'leeway', 'maxTokenLength', 'verifyExp', 'verifyNbf', 'verifyIat', 'verifyAud']));
  assert.deepEqual(new Set(names('sign')), new Set(['payload', 'kid', 'headerTyp']));
  for (const [, layout] of LAYOUT) {
    for (const f of layout.fields) assert.match(`${f.kind}:${f.code}`, /^[tblnf]:[a-z_]+$/);
  }
});

test('a call that supplies an undeclared field or misses a declared one is invalid_params', () => {
  assert.throws(() => put('verify', { token: 't', now: NOW, issuers: ['A'] }), { code: 'invalid_params', message: /issuers/ });
  assert.throws(() => put('verify', { token: 't' }), { code: 'invalid_params', message: /needs now/ });
  assert.throws(() => put('verify', { now: NOW }), { code: 'malformed', message: /needs token/ });
  assert.throws(() => put('sign', { payload: '{}', typ: 'JWT' }), { code: 'invalid_params', message: /typ/ });
  put('verify', { token: 't', now: NOW });
});

test('every declared verify option reaches the module by its own name', () => {
  const token = sign({ exp: NOW + 60 }, key, { now: NOW });
  for (const f of LAYOUT.get('verify').fields) {
    if (f.name === 'token') continue;
    // A value of the wrong type is refused naming that very option.
    assert.throws(() => verify(token, key, { [f.name]: Symbol('x') }), { code: f.code, message: new RegExp(`^${f.name} `) });
  }
});

test('issuer and audience are checked against iss and aud, not each other', () => {
  const token = sign({ iss: 'A', aud: 'B', exp: NOW + 60 }, key, { now: NOW });
  assert.equal(verify(token, key, { now: NOW, issuer: 'A', audience: 'B' }).iss, 'A');
  assert.throws(() => verify(token, key, { now: NOW, issuer: 'B', audience: 'A' }), { code: 'invalid_issuer' });
  assert.throws(() => verify(token, key, { now: NOW, issuer: 'A', audience: 'A' }), { code: 'invalid_audience' });
});

test('subject and typ are checked against sub and typ, not each other', () => {
  const token = sign({ sub: 'S', typ: 'T', exp: NOW + 60 }, key, { now: NOW });
  assert.equal(verify(token, key, { now: NOW, subject: 'S', typ: 'T' }).sub, 'S');
  assert.throws(() => verify(token, key, { now: NOW, subject: 'T', typ: 'S' }), { code: 'invalid_subject' });
  assert.throws(() => verify(token, key, { now: NOW, subject: 'S', typ: 'S' }), { code: 'wrong_token_type' });
});

test('required claims name the missing claim; the flags switch off their own check', () => {
  const token = sign({ iat: NOW + 600, nbf: NOW + 600, exp: NOW - 600 }, key, { now: NOW });
  assert.throws(() => verify(token, key, { now: NOW, requiredClaims: ['exp', 'x'] }), { code: 'missing_claim', claim: 'x' });
  const off = { now: NOW, verifyExp: false, verifyNbf: false, verifyIat: false };
  assert.equal(verify(token, key, off).exp, NOW - 600);
  assert.throws(() => verify(token, key, { ...off, verifyExp: true }), { code: 'expired' });
  assert.throws(() => verify(token, key, { ...off, verifyNbf: true }), { code: 'not_yet_valid' });
  assert.throws(() => verify(token, key, { ...off, verifyIat: true }), { code: 'issued_in_future' });
  assert.throws(() => verify(token, key, { ...off, maxTokenLength: 20 }), { code: 'token_too_large' });
  assert.equal(verify(token, key, { ...off, leeway: 0 }).exp, NOW - 600);
});

test('roles: the held roles and the required ones are not swapped', () => {
  assert.equal(hasRole({ roles: ['student'] }, 'teacher', [['teacher', 'student']]), false);
  assert.equal(hasRole({ roles: ['teacher'] }, 'student', [['teacher', 'student']]), true);
});
