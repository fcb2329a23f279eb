// Types of the `authcore` package (Node: pkg/node, browsers and edge runtimes: pkg/web).
//
// Options, in every function: an absent option or one set to `undefined` takes the core's
// default; an option set to `null` or to a value of another type than declared here throws
// `AuthError` `invalid_params` (it never switches a check off). Only an options object's own
// properties are read, each once, before anything is copied into the module.
//
// Inputs, in every function: a string that is not well-formed Unicode (a lone surrogate), a
// detached buffer, or an input over 256 MiB throws `AuthError` with the input's error
// (`invalid_key` for a secret, `malformed` for a token, `invalid_params` otherwise), and
// never leaves the module unusable; an input of 4 GiB or more is a `RangeError`.

/** Every error code the core defines (stable, snake_case; identical in Rust, Python and JS). */
export type ErrorCode =
  | 'malformed' | 'invalid_base64' | 'token_too_large' | 'nesting_too_deep'
  | 'unsupported_alg' | 'invalid_header' | 'unknown_kid' | 'invalid_signature'
  | 'expired' | 'not_yet_valid' | 'issued_in_future' | 'invalid_issuer' | 'invalid_audience'
  | 'invalid_subject' | 'missing_claim' | 'invalid_claim' | 'duplicate_claim' | 'wrong_token_type'
  | 'weak_key' | 'invalid_key' | 'buffer_too_small' | 'invalid_payload'
  | 'invalid_hash' | 'hash_params_out_of_bounds' | 'invalid_params' | 'insufficient_memory'
  | 'password_mismatch' | 'password_too_short' | 'password_too_long' | 'password_too_common'
  | 'password_too_weak' | 'forbidden' | 'missing_scope'
  | 'token_reused' | 'token_revoked' | 'rate_limited' | 'store_unavailable'
  | 'insecure_hash';

/** The codes in the core's declaration order. */
export const ERROR_CODES: readonly ErrorCode[];

/** Every error this package throws. Messages never contain secrets, tokens or passwords. */
export class AuthError extends Error {
  readonly name: 'AuthError';
  readonly code: ErrorCode;
  /** The claim a `missing_claim` / `invalid_claim` / `duplicate_claim` error is about. */
  readonly claim?: string;
}

/** Secrets and passwords: UTF-8 text or raw bytes. */
export type Bytes = string | Uint8Array | ArrayBuffer | ArrayBufferView;

/** An HS256 key. The secret must be at least 32 bytes (`weak_key` otherwise). */
export class Key {
  /**
   * @param secret at least 32 bytes (a string is UTF-8 encoded)
   * @param kid key id written into signed headers and matched when verifying
   *   (1 to 64 printable ASCII characters other than `"` and `\`; `invalid_key` otherwise)
   */
  constructor(secret: Bytes, kid?: string);
  /** Accepts secrets shorter than 32 bytes, only to migrate legacy deployments. */
  static insecureAllowWeak(secret: Bytes, kid?: string): Key;
  readonly kid: string | undefined;
  /**
   * Gives the key's module memory back now (its HMAC state is zeroed) instead of when the key
   * is garbage-collected. Using the key afterwards throws `AuthError` `invalid_key`; a second
   * `free()` does nothing. Key sets made from it keep their own copy.
   */
  free(): void;
}

/** An Ed25519 public JWK (RFC 8037): `kty` `OKP`, `crv` `Ed25519`, `x`. */
export interface Ed25519Jwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid?: string;
  use?: string;
  alg?: string;
  key_ops?: string[];
  [member: string]: Json | undefined;
}

/** A JWK set (RFC 7517 §5). */
export interface Jwks {
  keys: Ed25519Jwk[];
}

/**
 * An Ed25519 public key: verifies `EdDSA` tokens (the header's `alg` must be `EdDSA`, or the
 * fully-specified `Ed25519`) and cannot sign. Small-order and non-canonical keys are
 * `invalid_key`. Not in the JWT-only build (`unsupported_alg` there).
 */
export class PublicKey {
  private constructor();
  /**
   * The key of a public JWK (object or JSON text), read by the core: `kty` `OKP`, `crv`
   * `Ed25519`, a 32-byte `x`; a private `d`, duplicate members, another `kty`/`crv`, a `use`
   * other than `sig` or `key_ops` without `verify` are `invalid_key`.
   */
  static fromJwk(jwk: Ed25519Jwk | string): PublicKey;
  /** The key of a `-----BEGIN PUBLIC KEY-----` block (SPKI, RFC 8410). */
  static fromPem(pem: string, kid?: string): PublicKey;
  /** The key of its raw 32 bytes (RFC 8032 encoding). */
  static fromBytes(raw: Uint8Array | ArrayBuffer | ArrayBufferView, kid?: string): PublicKey;
  /** The JWK's `kid` (or the one given), else the RFC 7638 thumbprint. */
  readonly kid: string;
  readonly alg: 'EdDSA';
  /** The public JWK, with `kid`. */
  toJwk(): Ed25519Jwk;
  /** Gives the key's module memory back now; using it afterwards throws `AuthError` `invalid_key`. */
  free(): void;
}

/**
 * An Ed25519 private key, for issuers that sign (an edge function); it verifies with its
 * public half too. The private key never leaves the module.
 */
export class PrivateKey {
  private constructor();
  /** The key of a private JWK (object or JSON text): `d` and `x`, which must agree. */
  static fromJwk(jwk: Ed25519Jwk & { d: string } | string): PrivateKey;
  /** The key of a `-----BEGIN PRIVATE KEY-----` block (unencrypted PKCS#8, RFC 8410). */
  static fromPem(pem: string, kid?: string): PrivateKey;
  /** The key of its raw 32-byte seed (RFC 8032), e.g. from `crypto.getRandomValues`. */
  static fromSeed(seed: Uint8Array | ArrayBuffer | ArrayBufferView, kid?: string): PrivateKey;
  /** The given `kid`, else the RFC 7638 thumbprint of the public key. */
  readonly kid: string;
  readonly alg: 'EdDSA';
  /** The public half (same `kid`), to hand to verifiers. */
  publicKey(): PublicKey;
  /** The public JWK, with `kid` (what a JWKS publishes). */
  publicJwk(): Ed25519Jwk;
  /** Gives the key's module memory back now (its seed is zeroed); using it afterwards throws `AuthError` `invalid_key`. */
  free(): void;
}

/** Any single key: HS256 secret, Ed25519 public or private key. A key fixes its algorithm. */
export type AnyKey = Key | PublicKey | PrivateKey;

/**
 * Keys for rotation: the token's `kid` picks the key; the default key signs and verifies
 * tokens without `kid`. HS256 and Ed25519 keys mix: each verifies only its own algorithm.
 */
export class KeySet {
  /**
   * @param keys one or more keys with distinct `kid`s (at most one without); `invalid_key` otherwise
   * @param options.defaultKid the default key (else the first one); `unknown_kid` if absent
   */
  constructor(keys: AnyKey[], options?: { defaultKid?: string });
  /**
   * The public keys of a JWKS document (object or JSON text, e.g. a service's
   * `/.well-known/jwks.json`), read by the core: duplicate `kid`s, private members and
   * unknown key types are `invalid_key`. The set verifies only.
   */
  static fromJwks(jwks: Jwks | string, options?: { defaultKid?: string }): KeySet;
  readonly kids: readonly (string | undefined)[];
  readonly defaultKid: string | undefined;
  /** Gives the set's module memory back now (its keys' HMAC states are zeroed); using it afterwards throws `AuthError` `invalid_key`. */
  free(): void;
}

/** JSON values as claims carry them. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A verified payload: registered claims typed, custom claims as JSON. */
export interface Claims {
  exp?: number;
  nbf?: number;
  iat?: number;
  iss?: string;
  sub?: string;
  aud?: string | string[];
  jti?: string;
  /** Token type claim: `"access"` or `"refresh"` for tokens of a session. */
  typ?: string;
  scope?: string;
  /** One role, or several (the core's rule, as in Python's `roles_of`). */
  roles?: string | string[];
  [claim: string]: Json | undefined;
}

export interface VerifyOptions {
  /** Accepted issuer(s); the token's `iss` must be one of them. Default: not checked. */
  issuer?: string | string[];
  /** Accepted audience(s). Default: a token carrying `aud` is rejected (`invalid_audience`). */
  audience?: string | string[];
  /** Expected `sub`. */
  subject?: string;
  /**
   * Expected payload `typ` claim (e.g. `"access"`, `"refresh"`). Default: anything but
   * `"refresh"` (refresh tokens are accepted only where expected: `wrong_token_type`).
   */
  typ?: string;
  /** Seconds of clock skew tolerated for `exp`, `nbf`, `iat`. Default 0. */
  leeway?: number;
  /** Claims that must be present (registered or custom). Default `["exp"]`. */
  requiredClaims?: string | string[];
  /** Maximum token length in bytes. Default: the core's (8192; `token_too_large` beyond). */
  maxTokenLength?: number;
  /** Checks to switch off (all default true). */
  verifyExp?: boolean;
  verifyNbf?: boolean;
  verifyIat?: boolean;
  verifyAud?: boolean;
  /** The current time: Unix seconds or a Date. Default `Math.floor(Date.now() / 1000)`. */
  now?: number | Date;
}

export interface SignOptions {
  /**
   * With a Key: the header `kid` (default: the key's own; a `kid` the verifier would refuse,
   * i.e. not 1 to 64 printable ASCII characters other than `"` and `\`, is `invalid_header`).
   * With a KeySet: which key signs (default: the set's default key; `unknown_kid` if absent).
   */
  kid?: string;
  /**
   * Header `typ`: `"JWT"` (default) or `"at+jwt"` (RFC 9068 access tokens), in any ASCII case;
   * other text is `invalid_header` (read by the core, as in Python).
   */
  headerTyp?: 'JWT' | 'at+jwt';
  /** Sets `exp = now + expiresIn` (seconds) and, if the claims have none, `iat = now`. */
  expiresIn?: number;
  /** The time `expiresIn` counts from: Unix seconds or a Date. Default: now. */
  now?: number | Date;
}

/**
 * Signs the claims (a plain object, prototype `Object.prototype` or `null`: anything else,
 * a Map or a class instance, is `invalid_payload`; serialized with JSON.stringify) as a
 * compact token: HS256 with a `Key`, EdDSA with a `PrivateKey` (a `PublicKey` cannot sign: `invalid_key`).
 */
export function sign(claims: Record<string, unknown>, key: Key | PrivateKey | KeySet, options?: SignOptions): string;

/**
 * Verifies the token (structure, `alg` must be the chosen key's: HS256 or EdDSA; MAC in constant time or Ed25519 signature checked strictly before the payload is
 * read, then the claims) and returns its claims, custom claims included. Integers beyond
 * 2^53 lose precision, as with any JSON.parse.
 */
export function verify<T extends Claims = Claims>(token: string, key: AnyKey | KeySet, options?: VerifyOptions): T;

/**
 * The token's header, **not verified** (for choosing a key by `kid`); its shape is checked (a
 * JSON object, a member name twice is `invalid_header`).
 */
export function decodeHeader(token: string): { alg: 'HS256' | 'EdDSA' | 'Ed25519'; typ?: string; kid?: string; [name: string]: Json | undefined };

/** A role hierarchy: `[senior, junior]` pairs, or `{ senior: [juniors] }`; implication is transitive. */
export type RoleHierarchy = [string, string][] | Record<string, string[]>;

/**
 * `true` if the holder has the role (or, for an array, any of them), directly or through the
 * hierarchy. `holder` is verified claims (their `roles`: a string or an array of strings,
 * anything else `invalid_claim`; absent: no roles) or an array of role names.
 */
export function hasRole(holder: Claims | string[], role: string | string[], hierarchy?: RoleHierarchy): boolean;

/**
 * `true` if every required OAuth2 scope is granted. `holder` is verified claims (their
 * `scope`) or a space-delimited scope string; `required` is a scope string or an array.
 */
export function hasScopes(holder: Claims | string, required: string | string[]): boolean;

/** Argon2 parameters; defaults are OWASP's: argon2id, 19456 KiB, 2 passes, 1 lane, 32-byte hash, 16-byte salt. */
export interface HashParams {
  algorithm?: 'argon2id' | 'argon2i' | 'argon2d';
  /** KiB of memory (≥ 8 × parallelism). */
  memoryCost?: number;
  timeCost?: number;
  parallelism?: number;
  /** Output bytes, 16..=64. */
  hashLength?: number;
  /** Salt bytes, 8..=64. */
  saltLength?: number;
}

export interface PepperOption {
  /** Argon2's secret input: a server-side secret kept outside the database. */
  pepper?: Bytes;
}

/**
 * Hashes a password into a PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) with a fresh
 * salt from crypto.getRandomValues. Synchronous (tens of ms with the defaults).
 */
export function hashPassword(password: Bytes, params?: HashParams & PepperOption): string;

/**
 * `true` if the password matches the stored Argon2 (argon2id/i/d) or bcrypt hash — or, in the
 * Node build, a passlib/Django legacy hash (see `LegacyHashOptions`) — `false` if not. Throws
 * `invalid_hash` for a malformed string (and, in the web build, which leaves bcrypt and the
 * legacy formats out, for those), `insecure_hash` for md5_crypt/des_crypt unless allowed,
 * `hash_params_out_of_bounds` for a stored cost beyond the limits (Argon2 m ≤ 256 MiB, t ≤ 10,
 * p ≤ 16; bcrypt cost ≤ 14; PBKDF2 ≤ 2 000 000 iterations; sha-crypt ≤ 1 000 000 rounds).
 */
export function verifyPassword(
  password: Bytes, hash: string, options?: PepperOption & LegacyHashOptions,
): boolean;

/**
 * How `verifyPassword` treats legacy hashes (Node build; the web build verifies Argon2 only).
 * It verifies passlib's and Django's formats (`$bcrypt-sha256$`, `$pbkdf2-sha256$`,
 * `pbkdf2_sha256$`, `$5$`, `$6$`, …) with their costs bounded; these flags are the rest.
 */
export interface LegacyHashOptions {
  /** bcrypt passwords over 72 bytes: verify on the first 72 (default `true`, as the peers that
   * made the hashes did) or refuse with `password_too_long` (`false`, as bcrypt 5 does). */
  bcryptTruncate?: boolean;
  /** Verify md5_crypt (`$1$`) hashes for migration (default `false`: `insecure_hash`). */
  allowMd5Crypt?: boolean;
  /** Compare a stored value no scheme claims as a plaintext password (default `false`). */
  allowPlaintext?: boolean;
}

/** `true` if the stored hash was made with other parameters than `params` (or is bcrypt). */
export function needsRehash(hash: string, params?: HashParams): boolean;

/** Rules for new passwords; defaults follow NIST SP 800-63B. */
export interface PasswordPolicy {
  /** Minimum length in characters (Unicode scalar values). Default 8. */
  minLength?: number;
  /** Maximum length in UTF-8 bytes. Default 1024. */
  maxBytes?: number;
  /** Character classes required (1–4 of lowercase, uppercase, digits, other). Default none. */
  requireClasses?: number;
  /** Reject the built-in list of common passwords. Default true. */
  rejectCommon?: boolean;
}

/**
 * Checks a new password; throws `AuthError` with `password_too_long`, `password_too_short`,
 * `password_too_common` or `password_too_weak` when it fails.
 */
export function checkPassword(password: string, policy?: PasswordPolicy): void;

/** Resolves at once in Node; the web build's `authcore/manual` entry needs it (see manual.d.ts). */
export function init(input?: unknown): Promise<unknown>;
export function initSync(module?: unknown): unknown;
