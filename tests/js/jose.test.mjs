// Interoperability with the `jose` package in both directions, on the same keys and claims.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SignJWT, jwtVerify } from 'jose';
import { Key, KeySet, sign, verify } from 'authcore';

const secret = new TextEncoder().encode('jose-interop-secret-with-32-plus-bytes');
const other = new TextEncoder().encode('jose-interop-secret-other-key-0000000');
const now = Math.floor(Date.now() / 1000);
const claims = {
  sub: 'alice', iss: 'https://auth.example.com', aud: 'api', roles: ['admin'],
  scope: 'items:read', tenant: { id: 7, name: 'Zoë' }, iat: now, exp: now + 300,
};

test('tokens signed by jose verify here, custom claims included', async () => {
  const token = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(secret);
  assert.deepEqual(verify(token, new Key(secret), { issuer: claims.iss, audience: 'api' }), claims);
});

test('jose tokens with kid and at+jwt route through a KeySet', async () => {
  const token = await new SignJWT({ sub: 'bob', exp: now + 60 })
    .setProtectedHeader({ alg: 'HS256', kid: 'k2', typ: 'at+jwt' }).sign(other);
  const keys = new KeySet([new Key(secret, 'k1'), new Key(other, 'k2')]);
  assert.deepEqual(verify(token, keys), { sub: 'bob', exp: now + 60 });
});

test('jose tokens are refused here for the same reasons as any other', async () => {
  const wrongKey = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(other);
  assert.throws(() => verify(wrongKey, new Key(secret), { issuer: claims.iss, audience: 'api' }), { code: 'invalid_signature' });
  const hs512 = await new SignJWT(claims).setProtectedHeader({ alg: 'HS512' }).sign(new Uint8Array(64).fill(7));
  assert.throws(() => verify(hs512, new Key(new Uint8Array(64).fill(7))), { code: 'unsupported_alg' });
  const expired = await new SignJWT({ exp: now - 10 }).setProtectedHeader({ alg: 'HS256' }).sign(secret);
  assert.throws(() => verify(expired, new Key(secret)), { code: 'expired' });
  assert.deepEqual(verify(expired, new Key(secret), { leeway: 30 }), { exp: now - 10 });
});

test('tokens signed here verify in jose', async () => {
  const token = sign(claims, new Key(secret, 'k1'));
  const { payload, protectedHeader } = await jwtVerify(token, secret, {
    algorithms: ['HS256'], issuer: claims.iss, audience: 'api',
  });
  assert.deepEqual(payload, claims);
  assert.deepEqual(protectedHeader, { alg: 'HS256', kid: 'k1', typ: 'JWT' });
});

test('at+jwt and expiresIn tokens verify in jose with its own checks', async () => {
  const token = sign({ sub: 'carol' }, new Key(secret), { headerTyp: 'at+jwt', expiresIn: 120, now });
  const { payload, protectedHeader } = await jwtVerify(token, secret, { typ: 'at+jwt', maxTokenAge: 60 });
  assert.deepEqual(payload, { sub: 'carol', exp: now + 120, iat: now });
  assert.equal(protectedHeader.typ, 'at+jwt');
  await assert.rejects(jwtVerify(token, other), { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
});
