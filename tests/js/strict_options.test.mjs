// Options are read strictly, in every function: an option given as `null` or with a wrong
// type is `invalid_params` (never a silently skipped check), `undefined` is the same as
// absent, and only own properties count (an inherited `issuer` changes nothing).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Key, KeySet, checkPassword, decodeHeader, hasRole, hasScopes, hashPassword, needsRehash,
  sign, verify, verifyPassword,
} from 'authcore';

const key = new Key('js-strict-options-secret-0123456789abcdef');
const NOW = 1_700_000_000;
const token = sign({ iss: 'A', aud: 'B', sub: 'S', typ: 'access', exp: NOW + 60 }, key, { now: NOW });
const FAST = { memoryCost: 64, timeCost: 1 };
const HASH = hashPassword('correct horse battery staple', FAST);
const params = { code: 'invalid_params' };

test('verify: a null option is invalid_params, never a skipped check', () => {
  for (const name of ['issuer', 'subject', 'audience', 'now', 'typ', 'requiredClaims', 'leeway',
    'maxTokenLength', 'verifyExp', 'verifyNbf', 'verifyIat', 'verifyAud']) {
    assert.throws(() => verify(token, key, { now: NOW, audience: 'B', [name]: null }), params, name);
  }
});

test('verify: wrongly typed options are invalid_params', () => {
  const bad = {
    issuer: 5, subject: ['S'], audience: { B: 1 }, now: '1700000000', typ: 1, requiredClaims: [1],
    leeway: -1, maxTokenLength: 1.5, verifyExp: 0, verifyNbf: 'false', verifyIat: 1, verifyAud: null,
  };
  for (const [name, value] of Object.entries(bad)) {
    assert.throws(() => verify(token, key, { now: NOW, audience: 'B', [name]: value }), params, name);
  }
  assert.throws(() => verify(token, key, { now: new Date(NaN), audience: 'B' }), params);
  assert.throws(() => verify(token, key, null), params);
  assert.throws(() => verify(token, key, 'strict'), params);
});

test('verify: undefined is absent; the checks given still apply', () => {
  const claims = verify(token, key, {
    now: NOW, audience: 'B', issuer: undefined, subject: undefined, typ: undefined, leeway: undefined,
  });
  assert.equal(claims.sub, 'S');
  assert.throws(() => verify(token, key, { now: NOW, audience: 'B', issuer: 'X' }), { code: 'invalid_issuer' });
  assert.throws(() => verify(token, key, { now: NOW, audience: 'B', subject: 'X' }), { code: 'invalid_subject' });
});

test('only own properties are options: an inherited issuer changes nothing', () => {
  const inherited = Object.create({ issuer: 'X', subject: 'X', now: 1, audience: 'X', requiredClaims: ['nope'] });
  inherited.now = NOW;
  inherited.audience = 'B';
  assert.equal(verify(token, key, inherited).iss, 'A');
  Object.prototype.issuer = 'X';
  Object.prototype.kid = 'polluted';
  Object.prototype.memoryCost = 1;
  try {
    assert.equal(verify(token, key, { now: NOW, audience: 'B' }).iss, 'A');
    assert.equal(Object.hasOwn(decodeHeader(sign({ exp: NOW }, key, {})), 'kid'), false);
    assert.match(hashPassword('correct horse battery staple', { timeCost: 1, memoryCost: 64 }), /m=64/);
  } finally {
    delete Object.prototype.issuer;
    delete Object.prototype.kid;
    delete Object.prototype.memoryCost;
  }
});

test('sign: null or wrongly typed options are invalid_params', () => {
  for (const [name, value] of [['kid', null], ['kid', 7], ['headerTyp', null], ['headerTyp', 1],
    ['expiresIn', null], ['expiresIn', '60'], ['now', null], ['now', -1]]) {
    assert.throws(() => sign({ exp: NOW }, key, { [name]: value }), params, `${name}: ${value}`);
  }
  assert.throws(() => sign({ exp: NOW }, key, null), params);
  // A header typ of the wrong text is the core's invalid_header (as in Python).
  assert.throws(() => sign({ exp: NOW }, key, { headerTyp: 'JOSE' }), { code: 'invalid_header' });
  assert.equal(decodeHeader(sign({ exp: NOW }, key, { headerTyp: 'AT+JWT' })).typ, 'at+jwt');
});

test('decodeHeader: a token that is not a string is malformed', () => {
  assert.throws(() => decodeHeader(null), { code: 'malformed' });
  assert.throws(() => decodeHeader(undefined), { code: 'malformed' });
  assert.throws(() => verify(undefined, key), { code: 'malformed' });
});

test('Key and KeySet: null kid or options are invalid_params', () => {
  const secret = 'js-strict-options-secret-0123456789abcdef';
  assert.throws(() => new Key(secret, null), params);
  assert.throws(() => new Key(secret, 5), params);
  assert.equal(new Key(secret, undefined).kid, undefined);
  assert.throws(() => new Key(null), { code: 'invalid_key' });
  const a = new Key(secret, 'a');
  assert.throws(() => new KeySet([a], { defaultKid: null }), params);
  assert.throws(() => new KeySet([a], null), params);
  assert.equal(new KeySet([a], { defaultKid: undefined }).defaultKid, 'a');
});

test('password functions: null or wrongly typed options are invalid_params', () => {
  for (const name of ['algorithm', 'memoryCost', 'timeCost', 'parallelism', 'hashLength', 'saltLength', 'pepper']) {
    assert.throws(() => hashPassword('pw', { ...FAST, [name]: null }), params, name);
  }
  assert.throws(() => hashPassword('pw', { ...FAST, memoryCost: '64' }), params);
  assert.throws(() => hashPassword('pw', null), params);
  // The algorithm name is read by the core (password::Algorithm).
  assert.throws(() => hashPassword('pw', { ...FAST, algorithm: 'scrypt' }), params);
  assert.match(hashPassword('pw', { ...FAST, algorithm: 'argon2i' }), /^\$argon2i\$/);
  assert.throws(() => verifyPassword('correct horse battery staple', HASH, { pepper: null }), params);
  assert.throws(() => verifyPassword('correct horse battery staple', HASH, null), params);
  assert.equal(verifyPassword('correct horse battery staple', HASH, { pepper: undefined }), true);
  assert.throws(() => needsRehash(HASH, { timeCost: null }), params);
  assert.throws(() => needsRehash(HASH, { algorithm: 7 }), params);
  for (const name of ['minLength', 'maxBytes', 'requireClasses', 'rejectCommon']) {
    assert.throws(() => checkPassword('a long enough passphrase', { [name]: null }), params, name);
  }
  assert.throws(() => checkPassword('a long enough passphrase', { rejectCommon: 'yes' }), params);
  assert.throws(() => checkPassword('a long enough passphrase', { requireClasses: 256 }), params);
  assert.throws(() => checkPassword('a long enough passphrase', null), params);
});

test('absent password settings take the core defaults', () => {
  const h = hashPassword('correct horse battery staple');
  assert.match(h, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
  assert.equal(needsRehash(h), false);
  assert.equal(needsRehash(h, { timeCost: 3 }), true);
  assert.throws(() => checkPassword('short'), { code: 'password_too_short' });
});

test('hasRole and hasScopes: null arguments are invalid_params', () => {
  assert.throws(() => hasRole({ roles: ['a'] }, null), params);
  assert.throws(() => hasRole({ roles: ['a'] }, 'a', null), params);
  assert.throws(() => hasRole(null, 'a'), params);
  assert.throws(() => hasScopes({ scope: 'a' }, null), params);
  assert.throws(() => hasScopes(null, 'a'), params);
  assert.equal(hasRole({ roles: ['a'] }, 'a', undefined), true);
  const inherited = Object.create({ roles: ['admin'], scope: 'admin' });
  assert.equal(hasRole(inherited, 'admin'), false);
  assert.equal(hasScopes(inherited, 'admin'), false);
});
