// The installed package from CommonJS: the same calls through require().
'use strict';
const assert = require('node:assert/strict');
const { AuthError, Key, sign, verify } = require('authcore');

const key = new Key('a secret of at least thirty-two bytes!!');
const token = sign({ sub: 'bob' }, key, { expiresIn: 60 });
assert.equal(verify(token, key).sub, 'bob');
assert.throws(() => verify(`${token}x`, key), (e) => e instanceof AuthError && typeof e.code === 'string');
console.log('cjs: ok');
