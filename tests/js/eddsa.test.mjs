// EdDSA (Ed25519): public keys from JWKs, key sets from JWKS, private keys for edge issuers,
// and interoperability with `jose` in both directions (importJWK + jwtVerify, SignJWT).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair, importJWK, jwtVerify, calculateJwkThumbprint } from 'jose';
import { Key, KeySet, PrivateKey, PublicKey, decodeHeader, sign, verify } from 'authcore';

const now = Math.floor(Date.now() / 1000);
const claims = { sub: 'alice', aud: 'api', roles: ['admin'], tenant: { id: 7, name: 'Zoë' }, iat: now, exp: now + 300 };

async function joseKeys() {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const privateJwk = await exportJWK(privateKey);
  return { publicKey, privateKey, publicJwk, privateJwk };
}

// RFC 8037 A.1/A.2 and A.4 (the signed "Example of Ed25519 signing" payload).
const RFC_PRIVATE = {
  kty: 'OKP', crv: 'Ed25519',
  d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A',
  x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
};
const RFC_PUBLIC = { kty: 'OKP', crv: 'Ed25519', x: RFC_PRIVATE.x };

test('jose tokens verify here with the public JWK', async () => {
  const k = await joseKeys();
  const token = await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' }).sign(k.privateKey);
  const pub = PublicKey.fromJwk(k.publicJwk);
  assert.equal(pub.alg, 'EdDSA');
  assert.deepEqual(verify(token, pub, { audience: 'api' }), claims);
  assert.deepEqual(verify(token, PublicKey.fromJwk(JSON.stringify(k.publicJwk)), { audience: 'api' }), claims);
  const other = PublicKey.fromJwk((await joseKeys()).publicJwk);
  assert.throws(() => verify(token, other, { audience: 'api' }), { code: 'invalid_signature' });
});

test('tokens signed here verify in jose (importJWK + jwtVerify)', async () => {
  const k = await joseKeys();
  const priv = PrivateKey.fromJwk(k.privateJwk);
  const token = sign(claims, priv);
  const { payload, protectedHeader } = await jwtVerify(token, await importJWK(k.publicJwk, 'EdDSA'), { algorithms: ['EdDSA'], audience: 'api' });
  assert.deepEqual(payload, claims);
  assert.deepEqual(protectedHeader, { alg: 'EdDSA', kid: priv.kid, typ: 'JWT' });
  // The default kid is the RFC 7638 thumbprint, as jose computes it.
  assert.equal(priv.kid, await calculateJwkThumbprint(k.publicJwk));
  assert.equal(PublicKey.fromJwk(k.publicJwk).kid, priv.kid);
});

test('a private key from its raw 32-byte seed signs what jose verifies', async () => {
  const seed = Buffer.from(RFC_PRIVATE.d, 'base64url');
  const priv = PrivateKey.fromSeed(new Uint8Array(seed), 'edge-1');
  assert.equal(priv.kid, 'edge-1');
  assert.deepEqual(priv.publicJwk(), { ...RFC_PUBLIC, kid: 'edge-1', use: 'sig', alg: 'EdDSA' });
  const token = sign({ sub: 'edge', exp: now + 60 }, priv);
  const { payload } = await jwtVerify(token, await importJWK(RFC_PUBLIC, 'EdDSA'));
  assert.deepEqual(payload, { sub: 'edge', exp: now + 60 });
  assert.deepEqual(verify(token, priv.publicKey()), { sub: 'edge', exp: now + 60 });
  assert.throws(() => PrivateKey.fromSeed(new Uint8Array(31)), { code: 'invalid_key' });
});

test('RFC 8037 A.3 thumbprint and A.4 signature', () => {
  assert.equal(PublicKey.fromJwk(RFC_PUBLIC).kid, 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
  const a4 = 'eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg';
  // The A.4 payload is not a JSON object: the signature verifies, the payload is refused.
  assert.throws(() => verify(a4, PublicKey.fromJwk(RFC_PUBLIC)), (e) => e.code !== 'invalid_signature');
});

test('a key fixes its algorithm: the header never decides', async () => {
  const k = await joseKeys();
  const pub = PublicKey.fromJwk(k.publicJwk);
  // HS256 MACed with the public JWK's JSON, refused against the Ed25519 key.
  const forged = await new SignJWT({ sub: 'mallory', exp: now + 60 }).setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode(JSON.stringify(k.publicJwk)));
  assert.throws(() => verify(forged, pub), { code: 'unsupported_alg' });
  // The JWK JSON, a PEM or an OpenSSH key is refused as an HS256 secret.
  assert.throws(() => new Key(JSON.stringify(k.publicJwk)), { code: 'invalid_key' });
  assert.throws(() => new Key('-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n'), { code: 'invalid_key' });
  assert.throws(() => new Key('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBm/RAlphM3+hUG6wWfcO5bIUIaqMLa2ywxcOK1wMWbh me@host'), { code: 'invalid_key' });
  // An EdDSA token against an HS256 key.
  const token = sign({ sub: 'a', exp: now + 60 }, PrivateKey.fromJwk(k.privateJwk));
  assert.throws(() => verify(token, new Key('an-hs256-secret-of-at-least-32-bytes!')), { code: 'unsupported_alg' });
  // Case variants of the name.
  const [, p, s] = token.split('.');
  for (const alg of ['eddsa', 'ED25519', 'none']) {
    const h = Buffer.from(JSON.stringify({ alg })).toString('base64url');
    assert.throws(() => verify(`${h}.${p}.${s}`, pub), { code: 'unsupported_alg' });
  }
});

test('JWKs are read strictly', () => {
  assert.throws(() => PublicKey.fromJwk(RFC_PRIVATE), { code: 'invalid_key' }); // a private d
  assert.throws(() => PublicKey.fromJwk({ ...RFC_PUBLIC, crv: 'X25519' }), { code: 'invalid_key' });
  assert.throws(() => PublicKey.fromJwk({ ...RFC_PUBLIC, kty: 'EC' }), { code: 'invalid_key' });
  assert.throws(() => PublicKey.fromJwk({ ...RFC_PUBLIC, x: RFC_PUBLIC.x.slice(1) }), { code: 'invalid_key' });
  assert.throws(() => PublicKey.fromJwk('{"kty":"OKP","kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}'), { code: 'invalid_key' });
  assert.throws(() => PublicKey.fromJwk(42), { code: 'invalid_key' });
});

test('KeySet.fromJwks routes by kid and mixes with HS256 keys', async () => {
  const a = await joseKeys();
  const b = await joseKeys();
  const jwks = { keys: [{ ...a.publicJwk, kid: 'a', use: 'sig', alg: 'EdDSA' }, { ...b.publicJwk, kid: 'b' }] };
  const set = KeySet.fromJwks(jwks);
  assert.deepEqual([...set.kids], ['a', 'b']);
  const tb = await new SignJWT({ sub: 'b', exp: now + 60 }).setProtectedHeader({ alg: 'EdDSA', kid: 'b' }).sign(b.privateKey);
  assert.deepEqual(verify(tb, set), { sub: 'b', exp: now + 60 });
  const unknown = await new SignJWT({ sub: 'b', exp: now + 60 }).setProtectedHeader({ alg: 'EdDSA', kid: 'c' }).sign(b.privateKey);
  assert.throws(() => verify(unknown, set), { code: 'unknown_kid' });
  assert.throws(() => KeySet.fromJwks({ keys: [jwks.keys[0], jwks.keys[0]] }), { code: 'invalid_key' });
  assert.throws(() => sign({ sub: 'x' }, set), { code: 'invalid_key' }); // public keys cannot sign
  // A mixed set: an HS256 key beside public keys; a kid that names the HS256 key on an EdDSA
  // token is refused.
  const hs = new Key('an-hs256-secret-of-at-least-32-bytes!', 'hs');
  const mixed = new KeySet([hs, PublicKey.fromJwk({ ...a.publicJwk, kid: 'a' })]);
  const ta = await new SignJWT({ sub: 'a', exp: now + 60 }).setProtectedHeader({ alg: 'EdDSA', kid: 'a' }).sign(a.privateKey);
  assert.deepEqual(verify(ta, mixed), { sub: 'a', exp: now + 60 });
  const onHs = await new SignJWT({ sub: 'a', exp: now + 60 }).setProtectedHeader({ alg: 'EdDSA', kid: 'hs' }).sign(a.privateKey);
  assert.throws(() => verify(onHs, mixed), { code: 'unsupported_alg' });
  assert.deepEqual(verify(sign({ sub: 'h', exp: now + 60 }, hs), mixed), { sub: 'h', exp: now + 60 });
  for (const k of [set, mixed, hs]) k.free();
});

test('free() gives key memory back; a freed key is invalid_key', () => {
  const pub = PublicKey.fromJwk(RFC_PUBLIC);
  const priv = PrivateKey.fromJwk(RFC_PRIVATE);
  const token = sign({ sub: 'x', exp: now + 60 }, priv);
  pub.free();
  pub.free();
  assert.throws(() => verify(token, pub), { code: 'invalid_key' });
  priv.free();
  assert.throws(() => sign({ sub: 'x' }, priv), { code: 'invalid_key' });
  assert.equal(decodeHeader(token).alg, 'EdDSA');
});

test('a freed private key leaves no copy of its seed in the module memory', async () => {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('authcore/package.json').replace(/\/package\.json$/, '');
  const raw = require(`${pkg}/pkg/node/authcore_wasm.cjs`);
  const seed = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff);
  const needle = Buffer.from(seed);
  const inMemory = () => Buffer.from(raw.wasmMemory().buffer).includes(needle);
  const key = PrivateKey.fromSeed(seed);
  assert.equal(inMemory(), true, 'the scan finds the seed of a live key');
  const set = new KeySet([key]); // a copy inside a set
  const token = sign({ sub: 'x', exp: now + 60 }, set);
  set.free();
  key.free();
  // Later calls work, and the seed is nowhere in the module's memory.
  const other = PrivateKey.fromJwk(RFC_PRIVATE);
  assert.equal(verify(sign({ sub: 'y', exp: now + 60 }, other), other.publicKey()).sub, 'y');
  assert.equal(decodeHeader(token).alg, 'EdDSA');
  assert.equal(inMemory(), false);
  other.free();
});
