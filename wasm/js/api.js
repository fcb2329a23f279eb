// The JavaScript face of authcore, shared by the Node and web builds.
//
// This file is a plain script: the build (wasm/build.mjs) wraps it into an ES module and a
// CommonJS module next to the wasm-bindgen output, calling `createApi(raw)` with the raw
// bindings. It only converts between JavaScript values and the core's inputs (strings, bytes,
// integers); every check (token structure, signature, claims, keys, roles, scopes, password
// hashes and policies) runs in the core, and every error the core reports is thrown as an
// `AuthError` whose `code` is the core's stable code.
//
// The raw calling convention (see wasm/src/lib.rs): a call's text and byte inputs are written
// one after another into the module's input buffer and passed as byte lengths (-1: absent);
// a call returns a length or count (its text output is in the output buffer) or a negative
// error number.

/* eslint-disable no-unused-vars */
function createApi(raw) {

  const encoder = new TextEncoder();
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const memory = raw.wasmMemory();
  const io = new raw.Io();
  const RAW = Symbol('authcore.raw');
  const ALLOW_WEAK = Symbol('authcore.allowWeak');

  /**
   * Writes the fields (strings as UTF-8, byte arrays as they are, `undefined` as nothing) one
   * after another into the input buffer; returns their byte lengths (-1 for `undefined`).
   */
  function put(...fields) {
    let max = 0;
    for (const f of fields) if (f !== undefined) max += typeof f === 'string' ? f.length * 3 : f.length;
    const ptr = io.buffer(false, max); // may grow the memory: read memory.buffer after it
    const mem = new Uint8Array(memory.buffer, ptr, max);
    let at = 0;
    return fields.map((f) => {
      if (f === undefined) return -1;
      let n = f.length;
      if (typeof f === 'string') n = encoder.encodeInto(f, mem.subarray(at)).written;
      else mem.set(f, at);
      at += n;
      return n;
    });
  }

  /** The first `n` bytes of the output buffer, as text. */
  function output(n) {
    const ptr = io.buffer(true, 0);
    return decoder.decode(new Uint8Array(memory.buffer, ptr, n));
  }

  const ERROR_CODES = Object.freeze(output(raw.errorTable(io, false)).split(' '));
  const MESSAGES = output(raw.errorTable(io, true)).split('\n');

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

  // A raw call's result: a negative number is the core's error -(1 + index + 64 * claim),
  // `index` into ERROR_CODES; `claim` is 0 (none), 1 + i for the caller's i-th required claim
  // (`required` is that list), or 64 + n for a registered claim whose n-byte name is in the
  // output buffer.
  function check(r, required) {
    if (r >= 0) return r;
    const v = -r - 1;
    const index = v % 64;
    const tag = Math.floor(v / 64);
    let claim;
    if (tag >= 64) claim = output(tag - 64);
    else if (tag > 0 && required) claim = required[tag - 1];
    const message = MESSAGES[index];
    throw new AuthError(ERROR_CODES[index], claim === undefined ? message : `${message} (${claim})`, claim);
  }

  // ---- argument conversion --------------------------------------------------------------

  // Secrets, passwords and peppers: a string is kept as it is, for put() to encode straight
  // into the module's input buffer (which the call zeroes), with no UTF-8 copy left behind in
  // the JavaScript heap.
  function bytes(value, what, code) {
    if (typeof value === 'string') return value;
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
      const [secretLen, kidLen] = put(bytes(secret, 'secret', 'invalid_key'), k);
      const keys = new raw.Keys();
      const r = keys.addSecret(io, secretLen, kidLen, allowWeak === ALLOW_WEAK);
      if (r < 0) {
        keys.free();
        check(r);
      }
      this[RAW] = keys;
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
      const set = new raw.Keys();
      try {
        for (const key of keys) {
          if (!(key instanceof Key)) fail('invalid_key', 'KeySet takes an array of Key');
          check(set.addKey(io, key[RAW]));
        }
        const defaultKid = optText(options && options.defaultKid, 'defaultKid');
        check(set.seal(io, ...put(defaultKid)));
        this.kids = Object.freeze(keys.map((k) => k.kid));
        this.defaultKid = defaultKid !== undefined ? defaultKid : keys[0].kid;
      } catch (e) {
        set.free();
        throw e;
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

  // A policy: the numbers [flags, leeway, maxTokenLength] and the text fields [issuers,
  // audiences, required claims, subject, typ] (undefined when absent) of a raw verify call.
  function policyArgs(o) {
    let flags = flag(o, 'verifyAud', NO_VERIFY_AUD) | flag(o, 'verifyExp', NO_VERIFY_EXP)
      | flag(o, 'verifyNbf', NO_VERIFY_NBF) | flag(o, 'verifyIat', NO_VERIFY_IAT);
    const some = (v, what) => (v === undefined || v === null ? undefined : joined(v, what));
    let maxLen = 0;
    if (o.maxTokenLength !== undefined) {
      maxLen = seconds(o.maxTokenLength, 'maxTokenLength');
      flags |= HAS_MAX_LEN;
    }
    return {
      numbers: [flags, o.leeway === undefined ? 0 : seconds(o.leeway, 'leeway'), maxLen],
      fields: [
        some(o.issuer, 'issuer'),
        some(o.audience, 'audience'),
        some(o.requiredClaims, 'requiredClaims'),
        optText(o.subject, 'subject'),
        optText(o.typ, 'typ'),
      ],
    };
  }

  function policyFor(o) {
    const args = policyArgs(o);
    const id = JSON.stringify(args);
    let policy = policies.get(id);
    if (policy === undefined) {
      if (policies.size >= POLICY_CACHE_SIZE) policies.delete(policies.keys().next().value);
      policy = args;
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
    const policy = hasPolicy(o) ? policyFor(o) : (defaultPolicy ||= policyArgs({}));
    const [tokenLen, ...lens] = put(token, ...policy.fields);
    const r = raw.verify(io, k, tokenLen, now, ...policy.numbers, ...lens);
    if (r < 0) check(r, o.requiredClaims === undefined ? undefined : list(o.requiredClaims, 'requiredClaims'));
    return JSON.parse(output(r));
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
    const [jsonLen, kidLen] = put(json, optText(o.kid, 'kid'));
    return output(check(raw.sign(io, k, jsonLen, kidLen, atJwt)));
  }

  /** The token's header, **unverified** (for routing by `kid`); its shape is still checked. */
  function decodeHeader(token) {
    text(token, 'token', 'malformed');
    return JSON.parse(output(check(raw.decodeHeader(io, ...put(token)))));
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
    const lens = put(joined(held, 'roles', 'invalid_claim'), joined(role, 'role'), hierarchyList(hierarchy));
    return check(raw.anyRole(io, ...lens)) === 1;
  }

  /**
   * `true` if every required scope is granted. `holder` is a claims object (its `scope`
   * claim) or a space-delimited scope string; `required` is a scope string or an array.
   */
  function hasScopes(holder, required) {
    const granted = typeof holder === 'string' ? holder : (holder && holder.scope) ?? '';
    if (typeof granted !== 'string') fail('invalid_claim', 'a claim has an invalid type or value (scope)', 'scope');
    const req = typeof required === 'string' ? required.split(' ').filter((s) => s !== '') : required;
    return check(raw.hasScopes(io, ...put(granted, joined(req, 'required scopes')))) === 1;
  }

  const api = {
    AuthError, ERROR_CODES, Key, KeySet, sign, verify, decodeHeader, hasRole, hasScopes,
  };

  // A build without a feature (see wasm/Cargo.toml) keeps the same functions; they throw.
  const missing = (what) => () => fail('invalid_params', `this build of authcore has no ${what}`);
  if (raw.anyRole === undefined) {
    const none = missing('role and scope checks');
    Object.assign(api, { hasRole: none, hasScopes: none });
  }
  if (raw.hasPasswords()) {
    Object.assign(api, createPasswordApi(raw, { io, put, output, check, fail, bytes, text }));
  } else {
    const none = missing('password support');
    Object.assign(api, {
      hashPassword: none, verifyPassword: none, needsRehash: none, checkPassword: none,
    });
  }
  return Object.freeze(api);
}

function createPasswordApi(raw, { io, put, output, check, fail, bytes, text }) {

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
    const [algorithm, ...numbers] = argon2Params(params);
    const salt = globalThis.crypto.getRandomValues(new Uint8Array(MAX_SALT_LEN));
    try {
      return output(check(raw.hashPassword(io, ...put(pw, pepperOf(params), salt, algorithm), ...numbers)));
    } finally {
      salt.fill(0);
    }
  }

  /** `true` if the password matches the stored Argon2 or bcrypt hash, `false` if not. */
  function verifyPassword(password, hash, options) {
    const pw = bytes(password, 'password', 'invalid_params');
    const lens = put(pw, pepperOf(options), text(hash, 'hash', 'invalid_hash'));
    return check(raw.verifyPassword(io, ...lens)) === 1;
  }

  /** `true` if the stored hash was made with other parameters than `params` (or is bcrypt). */
  function needsRehash(hash, params) {
    const [algorithm, ...numbers] = argon2Params(params);
    return check(raw.needsRehash(io, ...put(text(hash, 'hash', 'invalid_hash'), algorithm), ...numbers)) === 1;
  }

  /**
   * Checks a new password against the policy; throws AuthError (password_too_short,
   * password_too_long, password_too_common, password_too_weak) when it fails.
   */
  function checkPassword(password, policy) {
    const o = policy || {};
    const rejectCommon = o.rejectCommon;
    if (rejectCommon !== undefined && typeof rejectCommon !== 'boolean') fail('invalid_params', 'rejectCommon must be a boolean');
    const [len] = put(text(password, 'password'));
    check(raw.checkPassword(io, len, count(o, 'minLength'), count(o, 'maxBytes'),
      count(o, 'requireClasses', 255), rejectCommon));
  }

  return { hashPassword, verifyPassword, needsRehash, checkPassword };
}
