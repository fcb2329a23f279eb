// EdDSA (Ed25519) vectors made by `jose` → eddsa_jose.json: the keys as jose exports them (JWK,
// PKCS#8, SPKI), its RFC 7638 thumbprints, a JWKS document, tokens signed with jose's SignJWT
// (and tokens that must fail), and jose's RFC 8037 A.4 signature. Read by the Rust, Python and
// JS suites like eddsa.json (same case format).
//
//   node tests/vectors/gen_jose.mjs           write tests/vectors/eddsa_jose.json
//   node tests/vectors/gen_jose.mjs --check   exit 1 if the committed file differs
//
// Deterministic: fixed keys (the seeds of gen.py's ed1/ed2 and RFC 8037 A.1), fixed times, and
// Ed25519 signatures are deterministic, so the same jose version writes the same bytes. jose is
// the one of tests/js (its package.json pins the version).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(HERE, 'eddsa_jose.json');
const requireFromTests = createRequire(path.join(HERE, '..', 'js', 'package.json'));
const jose = await import(pathToFileURL(requireFromTests.resolve('jose')).href);
const JOSE_VERSION = JSON.parse(fs.readFileSync(requireFromTests.resolve('jose/package.json'), 'utf8')).version;
// As gen.py records its peers: the major version only, so a patch release changes nothing.
const SOURCE = `jose ${JOSE_VERSION.split('.')[0]}.x`;
const HAND = 'handmade';

const NOW = 1_700_000_000; // gen.py's NOW
// gen.py's VALIDATION_DEFAULTS (the core's defaults; a case's `validation` overrides them).
const VALIDATION_DEFAULTS = {
  leeway: 0,
  issuer: null,
  audience: null,
  subject: null,
  token_type: null,
  required: ['exp'],
  verify_exp: true,
  verify_nbf: true,
  verify_iat: true,
  max_token_len: 8192,
};

const b64u = (bytes) => Buffer.from(bytes).toString('base64url');
const seg = (obj) => b64u(Buffer.from(JSON.stringify(obj)));

// The fixed private keys: gen.py's ed1/ed2 seeds, and RFC 8037 A.1's key.
const SEEDS = {
  ed1: createHash('sha256').update('authcore-vector-ed25519-1').digest(),
  ed2: createHash('sha256').update('authcore-vector-ed25519-2').digest(),
  rfc8037: Buffer.from('nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A', 'base64url'),
};
const RFC8037_X = '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo';
const RFC8037_THUMBPRINT = 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k';
const RFC8037_JWS =
  'eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc' +
  '.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg';

/** A seed as an RFC 8410 PKCS#8 document (the fixed 16-byte prefix, then the seed). */
function pkcs8Pem(seed) {
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64')}\n-----END PRIVATE KEY-----`;
}

/** Everything jose makes of one fixed key. */
async function material(name) {
  const privateKey = await jose.importPKCS8(pkcs8Pem(SEEDS[name]), 'EdDSA', { extractable: true });
  const privateJwk = await jose.exportJWK(privateKey);
  assert.equal(privateJwk.d, b64u(SEEDS[name]), `${name}: jose reads the seed`);
  const { d: _d, ...publicMembers } = privateJwk;
  const publicKey = await jose.importJWK(publicMembers, 'EdDSA', { extractable: true });
  const publicJwk = await jose.exportJWK(publicKey);
  const privatePem = await jose.exportPKCS8(privateKey);
  assert.equal(privatePem, pkcs8Pem(SEEDS[name]), `${name}: jose writes the PKCS#8 it read`);
  return {
    privateKey,
    publicKey,
    publicAs: async (alg) => jose.importJWK(publicJwk, alg),
    privateAs: async (alg) => jose.importJWK(privateJwk, alg),
    file: {
      seed_hex: SEEDS[name].toString('hex'),
      public_hex: Buffer.from(publicJwk.x, 'base64url').toString('hex'),
      private_pem: privatePem,
      public_pem: await jose.exportSPKI(publicKey),
      public_jwk: publicJwk,
      private_jwk: privateJwk,
      thumbprint: await jose.calculateJwkThumbprint(publicJwk),
    },
  };
}

const m = {};
for (const name of Object.keys(SEEDS)) m[name] = await material(name);
assert.equal(m.rfc8037.file.public_jwk.x, RFC8037_X, 'RFC 8037 A.1');
assert.equal(m.rfc8037.file.thumbprint, RFC8037_THUMBPRINT, 'RFC 8037 A.3');

// The verification keys the cases name (typed as in tests/attacks/README.md). The JWKS is what
// a jose issuer publishes: exportJWK's members, the thumbprint as kid, alg and use.
const jwksEntry = (k) => ({ ...k.file.public_jwk, kid: k.file.thumbprint, alg: 'EdDSA', use: 'sig' });
const keys = {
  ed1: { type: 'jwk', jwk: m.ed1.file.public_jwk },
  ed1_pem: { type: 'ed25519_pem', pem: m.ed1.file.public_pem, kid: null },
  ed1_kid: { type: 'jwk', jwk: { ...m.ed1.file.public_jwk, kid: 'ed-1' } },
  ed2: { type: 'jwk', jwk: m.ed2.file.public_jwk },
  rfc8037: { type: 'jwk', jwk: m.rfc8037.file.public_jwk },
  jwks: { type: 'jwks', jwks: { keys: [jwksEntry(m.ed1), jwksEntry(m.ed2)] } },
};

const cases = [];
/** A case in the format of eddsa.json (and jwt.json). */
function addCase(name, token, expect, keyNames, source, validation = {}) {
  assert.ok(cases.every((c) => c.name !== name), name);
  cases.push({ name, source, token, keys: keyNames, now: NOW, validation, expect });
}
const ok = (claims) => ({ ok: true, claims });
const err = (code) => ({ error: code });

/** A typical payload at NOW (as gen.py's claims()), with overrides; undefined drops a claim. */
function claims(extra = {}) {
  const c = { sub: 'alice', iat: NOW - 60, exp: NOW + 3600, ...extra };
  return Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined));
}

/** jose's SignJWT with a protected header (members in the order given). */
const signJwt = async (payload, key, header) => new jose.SignJWT(payload).setProtectedHeader(header).sign(key);

const c = claims();
const ed1 = m.ed1.privateKey;
const t1 = m.ed1.file.thumbprint;
const t2 = m.ed2.file.thumbprint;

addCase('jose_eddsa', await signJwt(c, ed1, { alg: 'EdDSA' }), ok(c), ['ed1'], SOURCE);
addCase('jose_eddsa_typ_jwt_spki_pem', await signJwt(c, ed1, { alg: 'EdDSA', typ: 'JWT' }), ok(c), ['ed1_pem'], SOURCE);
// The default kid is the RFC 7638 thumbprint: jose's thumbprint must name our key.
const thumbKid = await signJwt(c, ed1, { alg: 'EdDSA', kid: t1, typ: 'JWT' });
addCase('jose_eddsa_kid_thumbprint_jwk', thumbKid, ok(c), ['ed1'], SOURCE);
addCase('jose_eddsa_kid_thumbprint_spki_pem', thumbKid, ok(c), ['ed1_pem'], SOURCE);
addCase('jose_eddsa_kid_thumbprint_explicit_kid', thumbKid, err('unknown_kid'), ['ed1_kid'], SOURCE);
addCase('jose_eddsa_explicit_kid', await signJwt(c, ed1, { alg: 'EdDSA', kid: 'ed-1' }), ok(c), ['ed1_kid'], SOURCE);
addCase('jose_eddsa_at_jwt', await signJwt(c, ed1, { alg: 'EdDSA', typ: 'at+jwt' }), ok(c), ['ed1'], SOURCE);
// The JWKS: the kid picks the key.
addCase('jose_jwks_kid_ed1', thumbKid, ok(c), ['jwks'], SOURCE);
addCase('jose_jwks_kid_ed2', await signJwt(c, m.ed2.privateKey, { alg: 'EdDSA', kid: t2 }), ok(c), ['jwks'], SOURCE);
addCase('jose_jwks_kid_names_other_key', await signJwt(c, ed1, { alg: 'EdDSA', kid: t2 }), err('invalid_signature'), ['jwks'], SOURCE);
addCase('jose_jwks_kid_unknown', await signJwt(c, ed1, { alg: 'EdDSA', kid: 'nope' }), err('unknown_kid'), ['jwks'], SOURCE);
addCase('jose_jwks_no_kid_default_key', await signJwt(c, ed1, { alg: 'EdDSA' }), ok(c), ['jwks'], SOURCE);
// RFC 9864's fully-specified name, which jose 6 signs too.
addCase('jose_ed25519_alg', await signJwt(c, await m.ed1.privateAs('Ed25519'), { alg: 'Ed25519', typ: 'JWT' }), ok(c), ['ed1'], SOURCE);
// The registered claims through jose's setters; aud as an array; a nested, non-ASCII claim.
const full = await new jose.SignJWT({ roles: ['admin', 'editor'], tenant: { id: 7, name: 'Zoë' } })
  .setProtectedHeader({ alg: 'EdDSA', kid: t1, typ: 'JWT' })
  .setIssuer('https://auth.example.com')
  .setSubject('alice')
  .setAudience(['api', 'admin'])
  .setJti('6f1c2a9e-4b7d-4c2f-9a51-0d3e8b7f1a22')
  .setIssuedAt(NOW - 60)
  .setNotBefore(NOW - 60)
  .setExpirationTime(NOW + 900)
  .sign(ed1);
const fullClaims = JSON.parse(Buffer.from(full.split('.')[1], 'base64url').toString('utf8'));
const fullValidation = { issuer: 'https://auth.example.com', audience: ['api'], subject: 'alice' };
addCase('jose_claims_aud_array', full, ok(fullClaims), ['jwks'], SOURCE, fullValidation);
addCase('jose_claims_aud_no_overlap', full, err('invalid_audience'), ['jwks'], SOURCE, { ...fullValidation, audience: ['billing'] });
addCase('jose_claims_aud_not_expected', full, err('invalid_audience'), ['jwks'], SOURCE, { ...fullValidation, audience: null });
addCase('jose_claims_wrong_issuer', full, err('invalid_issuer'), ['jwks'], SOURCE, { ...fullValidation, issuer: 'https://other.example.com' });
addCase('jose_claims_wrong_subject', full, err('invalid_subject'), ['jwks'], SOURCE, { ...fullValidation, subject: 'bob' });
// Time claims at the fixed now.
const expired = claims({ exp: NOW - 1 });
addCase('jose_expired', await signJwt(expired, ed1, { alg: 'EdDSA' }), err('expired'), ['ed1'], SOURCE);
addCase('jose_expired_within_leeway', await signJwt(expired, ed1, { alg: 'EdDSA' }), ok(expired), ['ed1'], SOURCE, { leeway: 30 });
const early = claims({ nbf: NOW + 60 });
addCase('jose_not_yet_valid', await signJwt(early, ed1, { alg: 'EdDSA' }), err('not_yet_valid'), ['ed1'], SOURCE);
const future = claims({ iat: NOW + 60 });
addCase('jose_issued_in_future', await signJwt(future, ed1, { alg: 'EdDSA' }), err('issued_in_future'), ['ed1'], SOURCE);
const noExp = claims({ exp: undefined });
addCase('jose_no_exp', await signJwt(noExp, ed1, { alg: 'EdDSA' }), err('missing_claim'), ['ed1'], SOURCE);
// Wrong key, tampered tokens.
addCase('jose_wrong_key', await signJwt(c, ed1, { alg: 'EdDSA' }), err('invalid_signature'), ['ed2'], SOURCE);
addCase('jose_wrong_key_rfc8037', await signJwt(c, ed1, { alg: 'EdDSA' }), err('invalid_signature'), ['rfc8037'], SOURCE);
const [h, p, s] = (await signJwt(c, ed1, { alg: 'EdDSA', typ: 'JWT' })).split('.');
addCase('jose_tampered_payload', `${h}.${seg(claims({ sub: 'mallory' }))}.${s}`, err('invalid_signature'), ['ed1'], HAND);
const sig = Buffer.from(s, 'base64url');
sig[0] ^= 1;
addCase('jose_tampered_signature', `${h}.${p}.${b64u(sig)}`, err('invalid_signature'), ['ed1'], HAND);
addCase('jose_rfc8037_key', await signJwt(c, m.rfc8037.privateKey, { alg: 'EdDSA' }), ok(c), ['rfc8037'], SOURCE);
// Algorithm confusion: jose MACs an HS256 token with the public key's bytes (raw, SPKI PEM
// text, JWK text) as the secret; an Ed25519 key never verifies HS256.
const confusion = {
  raw: Buffer.from(m.ed1.file.public_jwk.x, 'base64url'),
  spki_pem: Buffer.from(m.ed1.file.public_pem),
  jwk: Buffer.from(JSON.stringify(m.ed1.file.public_jwk)),
};
for (const [form, secret] of Object.entries(confusion)) {
  const token = await signJwt(c, new Uint8Array(secret), { alg: 'HS256', typ: 'JWT' });
  addCase(`jose_hs256_mac_public_${form}_jwk_key`, token, err('unsupported_alg'), ['ed1'], SOURCE);
  addCase(`jose_hs256_mac_public_${form}_pem_key`, token, err('unsupported_alg'), ['ed1_pem'], SOURCE);
}
// RFC 7797 unencoded payload (jose writes b64:false with crit; no JWT may use it, and jose's
// jwtVerify refuses it too). jose's compact form refuses b64:false; its flattened JWS leaves the
// payload to the caller, who joins it in unencoded.
async function unencoded(text) {
  const flat = await new jose.FlattenedSign(new TextEncoder().encode(text))
    .setProtectedHeader({ alg: 'EdDSA', b64: false, crit: ['b64'] })
    .sign(ed1);
  return `${flat.protected}.${text}.${flat.signature}`;
}
// JSON text is not base64url: refused before the header is read.
addCase('jose_unencoded_payload_json', await unencoded(JSON.stringify(c)), err('invalid_base64'), ['ed1'], SOURCE);
// A payload of base64url characters only: the header's crit/b64 refuse it.
addCase('jose_unencoded_payload_b64url_text', await unencoded('authcore'), err('invalid_header'), ['ed1'], SOURCE);

// Self-check: jose gives the same verdict (accept with the same claims, or refuse) for every
// case, except where the two knowingly differ (listed, and printed on every run).
const JOSE_DIFFERS = {
  // A single key given to jose: it does not compare the token's kid with the key's.
  jose_eddsa_kid_thumbprint_explicit_kid: ['accepts', 'jose ignores kid when given one key; authcore matches it'],
  // Without an expected audience jose ignores aud; authcore refuses a token meant for others.
  jose_claims_aud_not_expected: ['accepts', 'authcore refuses an aud it was not told to expect'],
  // jose has no rule for an iat in the future; authcore refuses one.
  jose_issued_in_future: ['accepts', 'authcore refuses an iat after now'],
  // jose's local JWKS refuses a token without kid when several keys fit; authcore's key set
  // verifies it with its default (first) key, as for PyJWT's pyjwt_eddsa_no_kid_default_of_jwks.
  jose_jwks_no_kid_default_key: ['refuses', 'authcore uses the key set\'s default key'],
};
async function joseVerdict(cs) {
  const v = { ...VALIDATION_DEFAULTS, ...cs.validation };
  const names = cs.keys;
  const key = names[0] === 'jwks'
    ? jose.createLocalJWKSet(keys.jwks.jwks)
    : await { ed1: m.ed1, ed1_pem: m.ed1, ed1_kid: m.ed1, ed2: m.ed2, rfc8037: m.rfc8037 }[names[0]].publicAs(
      JSON.parse(Buffer.from(cs.token.split('.')[0], 'base64url')).alg === 'Ed25519' ? 'Ed25519' : 'EdDSA',
    );
  const opts = {
    currentDate: new Date(NOW * 1000),
    clockTolerance: v.leeway,
    issuer: v.issuer ?? undefined,
    audience: v.audience ?? undefined,
    subject: v.subject ?? undefined,
    requiredClaims: v.required,
    algorithms: ['EdDSA', 'Ed25519'],
  };
  if (cs.name.startsWith('jose_unencoded_payload')) {
    // A genuine b64:false JWS (jose verifies it as one, or this throws); jwtVerify refuses it.
    const [prot, payload, signature] = cs.token.split('.');
    await jose.flattenedVerify({ protected: prot, payload, signature }, key);
  }
  try {
    const { payload } = await jose.jwtVerify(cs.token, key, opts);
    return { ok: true, claims: payload };
  } catch (e) {
    return { error: e.code ?? String(e) };
  }
}
for (const cs of cases) {
  const got = await joseVerdict(cs);
  if (cs.name in JOSE_DIFFERS) {
    const [verdict, why] = JOSE_DIFFERS[cs.name];
    assert.equal(got.ok ? 'accepts' : 'refuses', verdict, `${cs.name}: ${why}; jose: ${JSON.stringify(got)}`);
    assert.notEqual(!!got.ok, !!cs.expect.ok, `${cs.name}: listed as a difference`);
    continue;
  }
  assert.equal(!!got.ok, !!cs.expect.ok, `${cs.name}: jose says ${JSON.stringify(got)}`);
  if (got.ok) assert.deepEqual(got.claims, cs.expect.claims, cs.name);
}

// The signer side: jose's tokens, byte for byte (header members in the order authcore writes).
const sign = [];
for (const [name, key, kid, typ, payload] of [
  ['jose_thumbprint_kid', 'ed1', t1, 'JWT', claims()],
  ['jose_explicit_kid', 'ed1', 'ed-1', 'JWT', claims({ scope: 'read write' })],
  ['jose_at_jwt', 'ed1', t1, 'at+jwt', claims({ aud: ['api'] })],
  ['jose_ed2_nested_claims', 'ed2', t2, 'JWT', claims({ tenant: { id: 7, name: 'Zoë' }, roles: ['admin'] })],
  ['jose_rfc8037_key', 'rfc8037', RFC8037_THUMBPRINT, 'JWT', claims()],
]) {
  const token = await signJwt(payload, m[key].privateKey, { alg: 'EdDSA', kid, typ });
  sign.push({ name, key, kid, typ, payload_json: JSON.stringify(payload), token });
}

// RFC 8037 A.4: jose's CompactSign over the RFC's payload gives the RFC's JWS.
const rfcJws = await new jose.CompactSign(new TextEncoder().encode('Example of Ed25519 signing'))
  .setProtectedHeader({ alg: 'EdDSA' })
  .sign(m.rfc8037.privateKey);
assert.equal(rfcJws, RFC8037_JWS, 'RFC 8037 A.4');

const doc = {
  source: SOURCE,
  validation_defaults: VALIDATION_DEFAULTS,
  keys,
  signers: Object.fromEntries(Object.entries(m).map(([n, k]) => [n, k.file])),
  rfc8037: { private_jwk: m.rfc8037.file.private_jwk, thumbprint: m.rfc8037.file.thumbprint, jws: rfcJws },
  cases,
  sign,
};
const text = `${JSON.stringify(doc, null, 1)}\n`;
const rel = path.relative(path.join(HERE, '..', '..'), OUT);
if (process.argv.includes('--check')) {
  if (!fs.existsSync(OUT) || fs.readFileSync(OUT, 'utf8') !== text) {
    console.error(`stale vectors (run \`make vectors\`): ${path.basename(OUT)}`);
    process.exit(1);
  }
  console.log(`vectors up to date: ${path.basename(OUT)}, ${cases.length} cases, ${sign.length} signed tokens`);
} else {
  fs.writeFileSync(OUT, text);
  console.log(`wrote ${rel}`);
  for (const [name, [verdict, why]] of Object.entries(JOSE_DIFFERS)) {
    console.log(`  jose ${verdict}, authcore ${verdict === 'accepts' ? 'refuses' : 'accepts'}: ${name} (${why})`);
  }
}
