// Compiled with `tsc --noEmit` by types.test.mjs: the declarations describe the API as used.
import {
  AuthError, ERROR_CODES, Key, KeySet, PrivateKey, PublicKey, checkPassword, decodeHeader, hasRole,
  hasScopes, hashPassword, needsRehash, sign, verify, verifyPassword, type Claims, type ErrorCode,
  type Ed25519Jwk, type Jwks,
} from 'authcore';
import { init, initSync } from 'authcore/manual';

interface MyClaims extends Claims {
  tenant: string;
}

const key: Key = new Key('a secret of at least thirty-two bytes!!', 'k1');
const set = new KeySet([key, Key.insecureAllowWeak(new Uint8Array(8))], { defaultKid: 'k1' });
const token: string = sign({ sub: 'alice', tenant: 't' }, set, { expiresIn: 60, headerTyp: 'at+jwt', kid: 'k1' });
const claims = verify<MyClaims>(token, set, {
  issuer: ['a', 'b'], audience: 'api', leeway: 5, typ: 'access', requiredClaims: ['exp', 'tenant'],
  now: new Date(), verifyIat: false,
});
const tenant: string = claims.tenant;
const kid: string | undefined = decodeHeader(token).kid;
const ok: boolean = hasRole(claims, ['admin', 'teacher'], { admin: ['teacher'] }) && hasScopes(claims, 'a b');
const hash: string = hashPassword(new Uint8Array([1, 2, 3]), { memoryCost: 64, timeCost: 1, algorithm: 'argon2id', pepper: 'p' });
const matched: boolean = verifyPassword('pw', hash, { pepper: 'p' }) && !needsRehash(hash);
checkPassword('pw', { minLength: 2, requireClasses: 2, rejectCommon: false });
try {
  verify('x', key);
} catch (e) {
  if (e instanceof AuthError) {
    const code: ErrorCode = e.code;
    const claim: string | undefined = e.claim;
    console.log(code, claim, ERROR_CODES.includes(code), tenant, kid, ok, matched);
  }
}
const signer: PrivateKey = PrivateKey.fromSeed(new Uint8Array(32), 'edge');
const jwk: Ed25519Jwk = signer.publicJwk();
const pub: PublicKey = PublicKey.fromJwk(jwk);
const jwks: Jwks = { keys: [pub.toJwk()] };
const verifiers = KeySet.fromJwks(jwks);
const mixed = new KeySet([key, pub, PrivateKey.fromJwk(JSON.stringify(jwk))]);
const edToken: string = sign({ sub: 'edge' }, signer, { expiresIn: 60 });
const edClaims: Claims = verify(edToken, verifiers);
const alg: 'HS256' | 'EdDSA' | 'Ed25519' = decodeHeader(edToken).alg;
console.log(pub.kid, signer.publicKey().alg, edClaims.sub, alg, mixed.kids);
pub.free();
void init(new URL('https://example.invalid/authcore_wasm_bg.wasm'));
void initSync;

// @ts-expect-error headerTyp is 'JWT' or 'at+jwt'
sign({}, key, { headerTyp: 'JOSE' });
// @ts-expect-error a KeySet takes Keys
new KeySet(['secret']);
// @ts-expect-error keys are made by PublicKey.fromJwk, not new
new PublicKey();
// @ts-expect-error hashing parameters are numbers
hashPassword('pw', { memoryCost: '64' });
