// The JavaScript face of authcore, shared by the Node and web builds.
//
// This file is a plain script: the build (wasm/build.mjs) wraps it into an ES module and a
// CommonJS module next to the wasm-bindgen output, calling `createApi(raw)` with the raw
// bindings. It only converts between JavaScript values and the core's inputs (strings, bytes,
// integers); every check (token structure, signature, claims, keys, roles, scopes, password
// hashes and policies) runs in the core, and every error the core reports is thrown as an
// `AuthError` whose `code` is the core's stable code.

/* eslint-disable no-unused-vars */
function createApi(raw) {

  const ERROR_CODES = Object.freeze(raw.errorCodes().split(' '));
  const encoder = new TextEncoder();
  const RAW = Symbol('authcore.raw');
  const ALLOW_WEAK = Symbol('authcore.allowWeak');

  /** An error reported by authcore; `code` is one of `ERROR_CODES`. */
  class AuthError extends Error {
    constructor(code, message, claim) {
      super(message);
      this.name = 'AuthError';
      this.code = code;
      if (claim !== undefined) this.claim = claim;
    }
  }

  function fail(code, message, claim) {
    throw new AuthError(code, message, claim);
  }

  // The core's errors cross the boundary as "code|message[|claim]"; a caller-required custom
  // claim is "#i", an index into the `required` list that was passed in.
  function rethrow(e, required) {
    if (typeof e !== 'string') throw e;
    const [code, message, tag] = e.split('|');
    let claim = tag;
    if (tag !== undefined && tag[0] === '#') claim = required ? required[Number(tag.slice(1))] : undefined;
    throw new AuthError(code, claim === undefined ? message : `${message} (${claim})`, claim);
  }

  // ---- argument conversion --------------------------------------------------------------

  function bytes(value, what, code) {
    if (typeof value === 'string') return encoder.encode(value);
    if (value instanceof Uint8Array) return value;
    if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    if (value instanceof ArrayBuffer) return new Uint8Array(value);
    return fail(code, `${what} must be a string or a Uint8Array`);
  }

  function text(value, what, code = 'invalid_params') {
    if (typeof value !== 'string') fail(code, `${what} must be a string`);
    return value;
  }

  function optText(value, what) {
    return value === undefined || value === null ? undefined : text(value, what);
  }

  function seconds(value, what) {
    if (!Number.isSafeInteger(value) || value < 0) fail('invalid_params', `${what} must be a non-negative integer (seconds)`);
    return value;
  }

  function nowSeconds(now) {
    if (now === undefined || now === null) return Math.floor(Date.now() / 1000);
    if (now instanceof Date) return seconds(Math.floor(now.getTime() / 1000), 'now');
    return seconds(now, 'now');
  }

  // Lists cross as one string: "" for no items, else NUL before each item (so [] and [""]
  // differ). An item that contains NUL (or is not a string) is refused: it would read as two.
  function list(value, what, code = 'invalid_params') {
    const items = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(items)) fail(code, `${what} must be a string or an array of strings`);
    for (const item of items) {
      if (typeof item !== 'string' || item.includes('\0')) fail(code, `${what} must contain strings without NUL`);
    }
    return items;
  }

  function joined(value, what, code) {
    const items = list(value, what, code);
    return items.length === 0 ? '' : `\0${items.join('\0')}`;
  }

  // ---- keys -------------------------------------------------------------------------------

  /** An HS256 key: a secret of at least 32 bytes, with an optional key id (`kid`). */
  class Key {
    constructor(secret, kid, allowWeak) {
      const k = optText(kid, 'kid');
      try {
        this[RAW] = new raw.Keys(bytes(secret, 'secret', 'invalid_key'), k, allowWeak === ALLOW_WEAK);
      } catch (e) {
        rethrow(e);
      }
      this.kid = k;
      Object.defineProperty(this, RAW, { enumerable: false });
      Object.freeze(this);
    }

    /** A key that accepts secrets shorter than 32 bytes: only to migrate legacy deployments. */
    static insecureAllowWeak(secret, kid) {
      return new Key(secret, kid, ALLOW_WEAK);
    }

    toString() {
      return this.kid === undefined ? 'Key' : `Key(${this.kid})`;
    }
  }

  /** Keys for rotation: the token's `kid` picks the key; the default key signs and verifies tokens without `kid`. */
  class KeySet {
    constructor(keys, options = {}) {
      if (!Array.isArray(keys)) fail('invalid_key', 'KeySet takes an array of Key');
      const set = raw.Keys.set();
      try {
        for (const key of keys) {
          if (!(key instanceof Key)) fail('invalid_key', 'KeySet takes an array of Key');
          set.add(key[RAW]);
        }
        const defaultKid = optText(options && options.defaultKid, 'defaultKid');
        if (defaultKid !== undefined) set.setDefault(defaultKid);
        set.seal();
        this.kids = Object.freeze(keys.map((k) => k.kid));
        this.defaultKid = defaultKid !== undefined ? defaultKid : keys[0].kid;
      } catch (e) {
        set.free();
        rethrow(e);
      }
      this[RAW] = set;
      Object.defineProperty(this, RAW, { enumerable: false });
      Object.freeze(this);
    }
  }

  // ---- verify -----------------------------------------------------------------------------

  const NO_VERIFY_AUD = 1;
  const NO_VERIFY_EXP = 2;
  const NO_VERIFY_NBF = 4;
  const NO_VERIFY_IAT = 8;
  const HAS_MAX_LEN = 16;
  const POLICY_KEYS = [
    'issuer', 'audience', 'subject', 'typ', 'leeway', 'requiredClaims', 'maxTokenLength',
    'verifyExp', 'verifyNbf', 'verifyIat', 'verifyAud',
  ];
  let defaultPolicy;

  function flag(options, name, bit) {
    const v = options[name];
    if (v === undefined) return 0;
    if (typeof v !== 'boolean') fail('invalid_params', `${name} must be a boolean`);
    return v ? 0 : bit;
  }

  // Compiled policies, keyed by their exact arguments (JSON.stringify keeps distinct argument
  // lists distinct), so a handler that passes the same options on every request reuses one.
  const POLICY_CACHE_SIZE = 64;
  const policies = new Map();

  function policyArgs(o) {
    let flags = flag(o, 'verifyAud', NO_VERIFY_AUD) | flag(o, 'verifyExp', NO_VERIFY_EXP)
      | flag(o, 'verifyNbf', NO_VERIFY_NBF) | flag(o, 'verifyIat', NO_VERIFY_IAT);
    const some = (v, what) => (v === undefined || v === null ? undefined : joined(v, what));
    let maxLen = 0;
    if (o.maxTokenLength !== undefined) {
      maxLen = seconds(o.maxTokenLength, 'maxTokenLength');
      flags |= HAS_MAX_LEN;
    }
    const args = [
      flags,
      some(o.issuer, 'issuer'),
      some(o.audience, 'audience'),
      some(o.requiredClaims, 'requiredClaims'),
      optText(o.subject, 'subject'),
      optText(o.typ, 'typ'),
      o.leeway === undefined ? 0 : seconds(o.leeway, 'leeway'),
      maxLen,
    ];
    return args;
  }

  function policyFor(o) {
    const args = policyArgs(o);
    const id = JSON.stringify(args);
    let policy = policies.get(id);
    if (policy === undefined) {
      if (policies.size >= POLICY_CACHE_SIZE) {
        const [oldest, old] = policies.entries().next().value;
        policies.delete(oldest);
        old.free();
      }
      policy = new raw.Policy(...args);
      policies.set(id, policy);
    }
    return policy;
  }

  function hasPolicy(o) {
    for (const k of POLICY_KEYS) if (o[k] !== undefined) return true;
    return false;
  }

  function rawKeys(keys) {
    if (keys instanceof Key || keys instanceof KeySet) return keys[RAW];
    return fail('invalid_key', 'expected a Key or a KeySet');
  }

  /**
   * Verifies an HS256 token and returns its claims (custom claims included). Throws
   * `AuthError` with the core's code on any failure.
   */
  function verify(token, keys, options = {}) {
    text(token, 'token', 'malformed');
    const k = rawKeys(keys);
    const o = options || {};
    const now = nowSeconds(o.now);
    const policy = hasPolicy(o) ? policyFor(o) : (defaultPolicy ||= new raw.Policy(...policyArgs({})));
    let payload;
    try {
      payload = raw.verify(token, k, policy, now);
    } catch (e) {
      rethrow(e, o.requiredClaims === undefined ? undefined : list(o.requiredClaims, 'requiredClaims'));
    }
    return JSON.parse(payload);
  }

  // ---- sign -------------------------------------------------------------------------------

  /**
   * Signs `claims` (a plain object, serialized with JSON.stringify) as an HS256 token.
   * `expiresIn` (seconds) sets `exp = now + expiresIn` and, if absent, `iat = now`.
   */
  function sign(claims, keys, options = {}) {
    const k = rawKeys(keys);
    const o = options || {};
    if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) {
      fail('invalid_payload', 'claims must be a plain object');
    }
    let body = claims;
    if (o.expiresIn !== undefined) {
      const now = nowSeconds(o.now);
      const exp = now + seconds(o.expiresIn, 'expiresIn');
      body = 'iat' in claims ? { ...claims, exp } : { ...claims, exp, iat: now };
    }
    let json;
    try {
      json = JSON.stringify(body);
    } catch (e) {
      fail('invalid_payload', 'claims could not be serialized to JSON');
    }
    const typ = o.headerTyp === undefined ? 'JWT' : text(o.headerTyp, 'headerTyp');
    const atJwt = typ.toLowerCase() === 'at+jwt';
    if (!atJwt && typ.toLowerCase() !== 'jwt') fail('invalid_params', 'headerTyp must be "JWT" or "at+jwt"');
    try {
      return raw.sign(json, k, optText(o.kid, 'kid'), atJwt);
    } catch (e) {
      return rethrow(e);
    }
  }

  /** The token's header, **unverified** (for routing by `kid`); its shape is still checked. */
  function decodeHeader(token) {
    text(token, 'token', 'malformed');
    try {
      return JSON.parse(raw.decodeHeader(token));
    } catch (e) {
      return rethrow(e);
    }
  }

  // ---- roles and scopes -------------------------------------------------------------------

  function hierarchyList(h) {
    if (h === undefined || h === null) return '';
    const pairs = Array.isArray(h) ? h : Object.entries(h).flatMap(([senior, juniors]) => list(juniors, 'hierarchy').map((j) => [senior, j]));
    const flat = [];
    for (const p of pairs) {
      if (!Array.isArray(p) || p.length !== 2) fail('invalid_params', 'hierarchy must be [senior, junior] pairs or { senior: [juniors] }');
      flat.push(p[0], p[1]);
    }
    return joined(flat, 'hierarchy');
  }

  /**
   * `true` if the holder has `role` (or any of several), directly or through `hierarchy`
   * (`[[senior, junior], …]` or `{ senior: [junior, …] }`). `holder` is a claims object (its
   * `roles` claim) or an array of role names.
   */
  function hasRole(holder, role, hierarchy) {
    const held = Array.isArray(holder) ? holder : (holder && holder.roles) ?? [];
    if (!Array.isArray(held)) fail('invalid_claim', 'a claim has an invalid type or value (roles)', 'roles');
    try {
      return raw.anyRole(joined(held, 'roles', 'invalid_claim'), joined(role, 'role'), hierarchyList(hierarchy));
    } catch (e) {
      return rethrow(e);
    }
  }

  /**
   * `true` if every required scope is granted. `holder` is a claims object (its `scope`
   * claim) or a space-delimited scope string; `required` is a scope string or an array.
   */
  function hasScopes(holder, required) {
    const granted = typeof holder === 'string' ? holder : (holder && holder.scope) ?? '';
    if (typeof granted !== 'string') fail('invalid_claim', 'a claim has an invalid type or value (scope)', 'scope');
    const req = typeof required === 'string' ? required.split(' ').filter((s) => s !== '') : required;
    try {
      return raw.hasScopes(granted, joined(req, 'required scopes'));
    } catch (e) {
      return rethrow(e);
    }
  }

  const api = {
    AuthError, ERROR_CODES, Key, KeySet, sign, verify, decodeHeader, hasRole, hasScopes,
  };

  if (raw.hasPasswords()) {
    Object.assign(api, createPasswordApi(raw, { fail, rethrow, bytes, text }));
  } else {
    const missing = () => fail('invalid_params', 'this build of authcore has no password support');
    Object.assign(api, {
      hashPassword: missing, verifyPassword: missing, needsRehash: missing, checkPassword: missing,
    });
  }
  return Object.freeze(api);
}

function createPasswordApi(raw, { fail, rethrow, bytes, text }) {

  // Enough random bytes for the longest salt the core accepts; it uses the first saltLength.
  const MAX_SALT_LEN = 64;
  const ALGORITHMS = ['argon2id', 'argon2i', 'argon2d'];

  function count(o, name, max = 0xffffffff) {
    const v = o[name];
    if (v === undefined) return undefined;
    if (!Number.isSafeInteger(v) || v < 0 || v > max) fail('invalid_params', `${name} must be a non-negative integer`);
    return v;
  }

  // [algorithm, memoryCost, timeCost, parallelism, hashLength, saltLength]; absent values
  // take the core's defaults (OWASP: argon2id, 19456 KiB, t=2, p=1, 32-byte hash, 16-byte salt).
  function argon2Params(params) {
    const o = params || {};
    if (o.algorithm !== undefined && !ALGORITHMS.includes(o.algorithm)) {
      fail('invalid_params', 'algorithm must be "argon2id", "argon2i" or "argon2d"');
    }
    return [o.algorithm, count(o, 'memoryCost'), count(o, 'timeCost'), count(o, 'parallelism'),
      count(o, 'hashLength'), count(o, 'saltLength')];
  }

  function pepperOf(o) {
    return o && o.pepper !== undefined ? bytes(o.pepper, 'pepper', 'invalid_params') : undefined;
  }

  /**
   * Hashes a password with Argon2 into a PHC string, with a fresh salt from
   * crypto.getRandomValues. Synchronous: with the default parameters it takes tens of ms.
   */
  function hashPassword(password, params) {
    const pw = bytes(password, 'password', 'invalid_params');
    const p = argon2Params(params);
    const salt = globalThis.crypto.getRandomValues(new Uint8Array(MAX_SALT_LEN));
    try {
      return raw.hashPassword(pw, salt, pepperOf(params), ...p);
    } catch (e) {
      return rethrow(e);
    } finally {
      salt.fill(0);
    }
  }

  /** `true` if the password matches the stored Argon2 or bcrypt hash, `false` if not. */
  function verifyPassword(password, hash, options) {
    const pw = bytes(password, 'password', 'invalid_params');
    try {
      return raw.verifyPassword(pw, text(hash, 'hash', 'invalid_hash'), pepperOf(options));
    } catch (e) {
      return rethrow(e);
    }
  }

  /** `true` if the stored hash was made with other parameters than `params` (or is bcrypt). */
  function needsRehash(hash, params) {
    try {
      return raw.needsRehash(text(hash, 'hash', 'invalid_hash'), ...argon2Params(params));
    } catch (e) {
      return rethrow(e);
    }
  }

  /**
   * Checks a new password against the policy; throws AuthError (password_too_short,
   * password_too_long, password_too_common, password_too_weak) when it fails.
   */
  function checkPassword(password, policy) {
    const o = policy || {};
    const rejectCommon = o.rejectCommon;
    if (rejectCommon !== undefined && typeof rejectCommon !== 'boolean') fail('invalid_params', 'rejectCommon must be a boolean');
    try {
      raw.checkPassword(text(password, 'password'), count(o, 'minLength'), count(o, 'maxBytes'),
        count(o, 'requireClasses', 255), rejectCommon);
    } catch (e) {
      rethrow(e);
    }
  }

  return { hashPassword, verifyPassword, needsRehash, checkPassword };
}
