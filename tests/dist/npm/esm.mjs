// The installed package from an ES module: sign, verify, a refused token, a password round trip.
import assert from 'node:assert/strict';
import { AuthError, Key, hashPassword, sign, verify, verifyPassword } from 'authcore';

const key = new Key('a secret of at least thirty-two bytes!!');
const token = sign({ sub: 'alice' }, key, { expiresIn: 60 });
assert.equal(verify(token, key).sub, 'alice');
assert.throws(() => verify(token, new Key('another secret of thirty-two bytes!!')),
  (e) => e instanceof AuthError && e.code === 'invalid_signature');
const hash = hashPassword('pw', { memoryCost: 64, timeCost: 1 });
assert.ok(hash.startsWith('$argon2id$') && verifyPassword('pw', hash) && !verifyPassword('px', hash));
console.log('esm: ok');
