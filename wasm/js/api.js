// The JavaScript face of authcore, shared by the Node and web builds.
//
// This file is a plain script: the build (wasm/build.mjs) wraps it into an ES module and a
// CommonJS module next to the wasm-bindgen output, calling `createApi(raw)` with the raw
// bindings. It only converts between JavaScript values and the core's inputs (strings, bytes,
// integers); every check (token structure, signature, claims, keys, roles, scopes, password
// hashes and policies) runs in the core, and every error the core reports is thrown as an
// `AuthError` whose `code` is the core's stable code.
//
// The raw calling convention (see wasm/src/lib.rs and wasm/src/io.rs) is declared once, in
// Rust: each export's inputs are named fields of declared kinds, and the module hands every
// declaration over (`tables(io, 2)`). This file writes a call's inputs by field name, in the
// order the module declared, into the module's input buffer; a call returns a length or count
// (its text output is in the output buffer) or a negative error number, whose base is handed
// over too.

/* eslint-disable no-unused-vars */
function createApi(raw) {

  const encoder = new TextEncoder();
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const memory = raw.wasmMemory();
  const io = new raw.Io();
  const RAW = Symbol('authcore.raw');
  const ALLOW_WEAK = Symbol('authcore.allowWeak');

  /** The first `n` bytes of the output buffer, as text. */
  function output(n) {
    const ptr = io.buffer(true, 0);
    return decoder.decode(new Uint8Array(memory.buffer, ptr, n));
  }

  const ERROR_CODES = Object.freeze(output(raw.tables(io, 0)).split(' '));
  const MESSAGES = output(raw.tables(io, 1)).split('\n');

  // The calling convention: `tables(io, 2)` is the error-number base, `tables(io, 3)` the salt
  // bytes a password hash takes, `tables(io, 4)` the core's default token length limit
  // (`DEFAULT_MAX_TOKEN_LEN`), `tables(io, 5 + i)` writes the i-th export's declaration,
  // `\n<export> <field>:<kind>[:<error code>] …` (empty past the last). Kinds: t text, b bytes,
  // l list, n number, f flag; an `o` prefix marks an optional field. The error code is the one
  // a value of the wrong type gets (invalid_params when none is declared).
  const ERROR_BASE = raw.tables(io, 2);
  const SALT_BYTES = raw.tables(io, 3);
  const MAX_TOKEN_LEN = raw.tables(io, 4);
  const LAYOUT = new Map();
  for (let i = 5, n; (n = raw.tables(io, i)) > 0; i++) {
    const [name, ...fields] = output(n).slice(1).split(' ');
    const list = fields.map((f) => {
      const [field, kind, code = 'invalid_params'] = f.split(':');
      return Object.freeze({ name: field, kind: kind.slice(-1), optional: kind.length > 1, code });
    });
    LAYOUT.set(name, Object.freeze({ fields: Object.freeze(list), names: new Set(list.map((f) => f.name)) }));
  }

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

  // A raw call's result: a negative number is the core's error
  // -(1 + index + ERROR_BASE * claim), `index` into ERROR_CODES; `claim` is 0 (none), 1 + i
  // for the caller's i-th required claim (`required` is that list), or ERROR_BASE + n for a
  // registered claim whose n-byte name is in the output buffer.
  function check(r, required) {
    if (r >= 0) return r;
    const v = -r - 1;
    const index = v % ERROR_BASE;
    const tag = Math.floor(v / ERROR_BASE);
    let claim;
    if (tag >= ERROR_BASE) claim = output(tag - ERROR_BASE);
    else if (tag > 0 && required) claim = (typeof required === 'string' ? [required] : required)[tag - 1];
    const message = MESSAGES[index];
    throw new AuthError(ERROR_CODES[index], claim === undefined ? message : `${message} (${claim})`, claim);
  }

  // ---- the inputs of a call ---------------------------------------------------------------

  // Each kind's conversion of a JavaScript value (never null: that is a wrong type, like any
  // other). Secrets, passwords and peppers given as strings stay strings, for put() to encode
  // straight into the module's input buffer (which the call zeroes), with no UTF-8 copy left
  // behind in the JavaScript heap. Lists cross as one string: "" for no items, else NUL before
  // each item (so [] and [""] differ); an item that contains NUL would read as two.
  //
  // Text must be well formed (no lone surrogate, which UTF-8 cannot carry: encoding would
  // replace it by U+FFFD and make distinct strings equal). A buffer whose memory was
  // transferred (detached) cannot be read. Both get the field's declared error.
  const KINDS = {
    t: (v, f) => (typeof v === 'string' ? wellFormed(v, f) : fail(f.code, `${f.name} must be a string`)),
    b: (v, f) => {
      if (typeof v === 'string') return wellFormed(v, f);
      if (!ArrayBuffer.isView(v) && !(v instanceof ArrayBuffer)) return fail(f.code, `${f.name} must be a string or a Uint8Array`);
      try {
        return ArrayBuffer.isView(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : new Uint8Array(v);
      } catch (e) {
        return fail(f.code, `${f.name} is a detached buffer`);
      }
    },
    l: (v, f) => {
      const items = typeof v === 'string' ? [v] : v;
      if (!Array.isArray(items)) fail(f.code, `${f.name} must be a string or an array of strings`);
      const list = [];
      for (const item of items) {
        if (typeof item !== 'string' || item.includes('\0')) fail(f.code, `${f.name} must contain strings without NUL`);
        list.push(wellFormed(item, f));
      }
      return list.length === 0 ? '' : `\0${list.join('\0')}`;
    },
    n: (v, f) => (Number.isSafeInteger(v) && v >= 0 ? v : fail(f.code, `${f.name} must be a non-negative integer`)),
    f: (v, f) => (typeof v === 'boolean' ? v : fail(f.code, `${f.name} must be a boolean`)),
  };

  // `String.prototype.isWellFormed` where the runtime has it (Node 20), else the same test by
  // a regular expression (a `u` expression sees a lone surrogate as one code point of its own).
  const LONE_SURROGATE = /\p{Surrogate}/u;
  function wellFormed(text, f) {
    const ok = typeof text.isWellFormed === 'function' ? text.isWellFormed() : !LONE_SURROGATE.test(text);
    return ok ? text : fail(f.code, `${f.name} must be well-formed Unicode (no lone surrogate)`);
  }

  // The most bytes a call's inputs may take in the module's memory (a 32-bit memory, which
  // also holds Argon2's blocks and the outputs): larger inputs are refused before anything is
  // copied, so that no allocation can fail inside the module.
  const MAX_INPUT = 2 ** 28;

  /** The UTF-8 length of well-formed `text`. */
  function utf8Length(text) {
    let n = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      n += c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c < 0xe000) ? 2 : 3;
    }
    return n;
  }

  /**
   * Writes the inputs of the export `name` from `values` (field name -> value; `undefined`:
   * absent) into the input buffer, in the order the module declared. A name the export does
   * not declare is `invalid_params` (api.js and the module disagree on the convention); a
   * required field left out gets the field's declared error, as a value of the wrong type.
   */
  function put(name, values) {
    const layout = LAYOUT.get(name);
    for (const key of Object.keys(values)) {
      if (!layout.names.has(key)) fail('invalid_params', `${name} takes no input ${key}`);
    }
    const converted = [];
    let max = 0;
    for (const f of layout.fields) {
      const v = own(values, f.name);
      let x;
      if (v !== undefined) x = KINDS[f.kind](v, f);
      else if (!f.optional) fail(f.code, `${name} needs ${f.name}`);
      converted.push(x);
      let size = x === undefined ? 0 : typeof x === 'string' ? x.length * 3 : f.kind === 'n' ? 8 : f.kind === 'f' ? 1 : x.length;
      if (size > MAX_INPUT && typeof x === 'string') size = utf8Length(x);
      // Past what a 32-bit length can say, a length is out of range for any wasm32 call.
      if (size >= 2 ** 32) throw new RangeError(`${f.name} is ${size} bytes: 4 GiB or more`);
      if (size > MAX_INPUT) fail(f.code, `${f.name} is too large (over ${MAX_INPUT} bytes)`);
      max += 4 + size;
    }
    if (max > MAX_INPUT) fail('invalid_params', `the inputs of ${name} are too large (over ${MAX_INPUT} bytes)`);
    let at = io.buffer(false, max); // may grow the memory: views are made after it
    const end = at + max;
    if (heap.buffer !== memory.buffer) {
      heap = new Uint8Array(memory.buffer);
      heapView = new DataView(memory.buffer);
    }
    for (const x of converted) {
      let n = 0xffffffff;
      if (typeof x === 'string') n = encoder.encodeInto(x, heap.subarray(at + 4, end)).written;
      else if (typeof x === 'number') { heapView.setFloat64(at + 4, x, true); n = 8; }
      else if (typeof x === 'boolean') { heap[at + 4] = x ? 1 : 0; n = 1; }
      else if (x !== undefined) { heap.set(x, at + 4); n = x.length; }
      heapView.setUint32(at, n, true);
      at += n === 0xffffffff ? 4 : 4 + n;
    }
  }
  let heap = new Uint8Array(0);
  let heapView;

  // Options: `undefined` is none; anything else must be an object, read by own properties
  // only (an inherited `issuer` changes nothing). A property set to `undefined` is not given.
  const NONE = Object.freeze({});
  function optionsOf(o, what) {
    if (o === undefined) return NONE;
    if (o === null || typeof o !== 'object') fail('invalid_params', `${what} must be an object`);
    return o;
  }

  function own(o, name) {
    return Object.hasOwn(o, name) ? o[name] : undefined;
  }

  /** `values` plus every input of the export `name` that the options `o` give. */
  function withOptions(name, o, values) {
    for (const f of LAYOUT.get(name).fields) {
      if (!Object.hasOwn(values, f.name) && Object.hasOwn(o, f.name)) values[f.name] = o[f.name];
    }
    return values;
  }

  function seconds(value, what) {
    if (!Number.isSafeInteger(value) || value < 0) fail('invalid_params', `${what} must be a non-negative integer (seconds)`);
    return value;
  }

  function nowSeconds(now) {
    if (now === undefined) return Math.floor(Date.now() / 1000);
    if (now instanceof Date) return seconds(Math.floor(now.getTime() / 1000), 'now');
    return seconds(now, 'now');
  }

  function joinedPairs(pairs) {
    const flat = [];
    for (const p of pairs) {
      if (!Array.isArray(p) || p.length !== 2) fail('invalid_params', 'hierarchy must be [senior, junior] pairs or { senior: [juniors] }');
      flat.push(p[0], p[1]);
    }
    return flat;
  }

  // ---- keys -------------------------------------------------------------------------------

  // Keys and key sets whose module memory was given back by `free()`.
  const FREED = new WeakSet();
  function free() {
    if (!FREED.has(this)) {
      FREED.add(this);
      this[RAW].free();
    }
  }

  /** An HS256 key: a secret of at least 32 bytes, with an optional key id (`kid`). */
  class Key {
    constructor(secret, kid, allowWeak) {
      const keys = new raw.Keys();
      try {
        put('addSecret', { secret, kid, allowWeak: allowWeak === ALLOW_WEAK ? true : undefined });
        check(keys.addSecret(io));
      } catch (e) {
        keys.free();
        throw e;
      }
      this[RAW] = keys;
      this.kid = kid;
      Object.defineProperty(this, RAW, { enumerable: false });
      Object.freeze(this);
    }

    /** A key that accepts secrets shorter than 32 bytes: only to migrate legacy deployments. */
    static insecureAllowWeak(secret, kid) {
      return new Key(secret, kid, ALLOW_WEAK);
    }

    /** Gives the key's module memory back now (its secret state is zeroed); using it later is `invalid_key`. */
    free() {
      free.call(this);
    }

    toString() {
      return this.kid === undefined ? 'Key' : `Key(${this.kid})`;
    }
  }

  /** The module's raw key of a new single key, made by `make(rawKeys)`; freed if it throws. */
  function rawKey(make) {
    if (raw.Keys.prototype.addJwk === undefined) fail('unsupported_alg', 'this build of authcore has no EdDSA (Ed25519)');
    const keys = new raw.Keys();
    try {
      make(keys);
    } catch (e) {
      keys.free();
      throw e;
    }
    return keys;
  }

  /** A JWK argument as JSON text for the core to read (an object is serialized, text kept). */
  function jwkText(jwk, what) {
    if (typeof jwk === 'string') return jwk;
    if (jwk === null || typeof jwk !== 'object' || Array.isArray(jwk)) fail('invalid_key', `${what} must be an object or JSON text`);
    try {
      return JSON.stringify(jwk);
    } catch (e) {
      return fail('invalid_key', `${what} could not be serialized to JSON`);
    }
  }

  /** The public JWK of the module's single key `keys` (as the core writes it), parsed. */
  function publicJwkOf(keys) {
    return JSON.parse(output(check(keys.publicJwk(io))));
  }

  /** Wraps the module's single key as `self` (a PublicKey or PrivateKey). */
  function adopt(self, keys) {
    self[RAW] = keys;
    const jwk = publicJwkOf(keys);
    self.kid = jwk.kid;
    self.alg = 'EdDSA';
    Object.defineProperty(self, RAW, { enumerable: false });
    Object.freeze(self);
  }

  // Made only by their static methods: the constructor takes this token and a module key.
  const INTERNAL = Symbol('authcore.internal');

  /**
   * An Ed25519 public key: verifies EdDSA tokens and cannot sign. `kid` is the JWK's, else
   * its RFC 7638 thumbprint. Small-order and non-canonical keys are `invalid_key`.
   */
  class PublicKey {
    constructor(token, keys) {
      if (token !== INTERNAL) fail('invalid_key', 'make a PublicKey with PublicKey.fromJwk');
      adopt(this, keys);
    }

    /** The key of a public JWK (object or JSON text: `kty` OKP, `crv` Ed25519, `x`; no `d`). */
    static fromJwk(jwk) {
      const keys = rawKey((k) => {
        put('addJwk', { jwk: jwkText(jwk, 'jwk'), private: false });
        check(k.addJwk(io));
      });
      return wrap(PublicKey, keys);
    }

    /** The key of a `-----BEGIN PUBLIC KEY-----` block (SPKI, RFC 8410), with an optional `kid`. */
    static fromPem(pem, kid) {
      const keys = rawKey((k) => {
        put('addPem', { pem, kid, private: false });
        check(k.addPem(io));
      });
      return wrap(PublicKey, keys);
    }

    /** The key of its raw 32 bytes (RFC 8032 encoding), with an optional `kid`. */
    static fromBytes(raw, kid) {
      const keys = rawKey((k) => {
        put('addRaw', { raw, kid });
        check(k.addRaw(io));
      });
      return wrap(PublicKey, keys);
    }

    /** The public JWK (with `kid`). */
    toJwk() {
      return publicJwkOf(rawKeys(this));
    }

    /** Gives the key's module memory back now; using it later is `invalid_key`. */
    free() {
      free.call(this);
    }

    toString() {
      return `PublicKey(${this.kid})`;
    }
  }

  /**
   * An Ed25519 private key, for issuers that sign (an edge function): from a private JWK or
   * the raw 32-byte seed. It verifies with its public half too.
   */
  class PrivateKey {
    constructor(token, keys) {
      if (token !== INTERNAL) fail('invalid_key', 'make a PrivateKey with PrivateKey.fromJwk or PrivateKey.fromSeed');
      adopt(this, keys);
    }

    /** The key of a private JWK (object or JSON text: `kty` OKP, `crv` Ed25519, `d`, `x`). */
    static fromJwk(jwk) {
      const keys = rawKey((k) => {
        put('addJwk', { jwk: jwkText(jwk, 'jwk'), private: true });
        check(k.addJwk(io));
      });
      return wrap(PrivateKey, keys);
    }

    /** The key of a `-----BEGIN PRIVATE KEY-----` block (PKCS#8, RFC 8410), with an optional `kid`. */
    static fromPem(pem, kid) {
      const keys = rawKey((k) => {
        put('addPem', { pem, kid, private: true });
        check(k.addPem(io));
      });
      return wrap(PrivateKey, keys);
    }

    /** The key of its raw 32-byte seed (RFC 8032's private key), with an optional `kid`. */
    static fromSeed(seed, kid) {
      const keys = rawKey((k) => {
        put('addSeed', { seed, kid });
        check(k.addSeed(io));
      });
      return wrap(PrivateKey, keys);
    }

    /** The public half, as a PublicKey. */
    publicKey() {
      const mine = rawKeys(this);
      const keys = rawKey((k) => check(k.addPublicOf(io, mine)));
      return wrap(PublicKey, keys);
    }

    /** The public JWK (with `kid`); the private part is never written. */
    publicJwk() {
      return publicJwkOf(rawKeys(this));
    }

    /** Gives the key's module memory back now (its secret state is zeroed); using it later is `invalid_key`. */
    free() {
      free.call(this);
    }

    toString() {
      return `PrivateKey(${this.kid})`;
    }
  }

  function wrap(Class, keys) {
    try {
      return new Class(INTERNAL, keys);
    } catch (e) {
      keys.free();
      throw e;
    }
  }

  /** A JWKS document's text on its way to the KeySet constructor (see KeySet.fromJwks). */
  class Jwks {
    constructor(text) {
      this.text = text;
    }
  }

  /** Keys for rotation: the token's `kid` picks the key; the default key signs and verifies tokens without `kid`. */
  class KeySet {
    constructor(keys, options) {
      const jwks = keys instanceof Jwks;
      if (!jwks && !Array.isArray(keys)) fail('invalid_key', 'KeySet takes an array of keys');
      const o = optionsOf(options, 'KeySet options');
      const set = new raw.Keys();
      try {
        if (jwks) {
          put('addJwks', { jwks: keys.text });
          check(set.addJwks(io));
        } else {
          for (const key of keys) {
            check(set.addKey(io, rawKeys(key, Key)));
          }
        }
        const values = withOptions('seal', o, {});
        put('seal', values);
        check(set.seal(io));
        const kids = jwks ? JSON.parse(output(check(set.kids(io)))) : keys.map((k) => k.kid);
        this.kids = Object.freeze(kids);
        this.defaultKid = own(values, 'defaultKid') ?? kids[0];
      } catch (e) {
        set.free();
        throw e;
      }
      this[RAW] = set;
      Object.defineProperty(this, RAW, { enumerable: false });
      Object.freeze(this);
    }

    /**
     * The public keys of a JWKS document (object or JSON text), read by the core: duplicate
     * `kid`s, private members and unknown key types are `invalid_key`. Verifies only.
     */
    static fromJwks(jwks, options) {
      if (raw.Keys.prototype.addJwks === undefined) fail('unsupported_alg', 'this build of authcore has no EdDSA (Ed25519)');
      return new KeySet(new Jwks(jwkText(jwks, 'jwks')), options);
    }

    /** Gives the set's module memory back now (its keys' states are zeroed); using it later is `invalid_key`. */
    free() {
      free.call(this);
    }
  }

  const SINGLE = [Key, PublicKey, PrivateKey];

  /** The module's keys of a key or KeySet (of a single key only, when `only` is given). */
  function rawKeys(keys, only) {
    const single = SINGLE.some((C) => keys instanceof C);
    if (!(single || (only === undefined && keys instanceof KeySet))) {
      fail('invalid_key', only === undefined ? 'expected a Key, PublicKey, PrivateKey or KeySet' : 'KeySet takes an array of Key, PublicKey or PrivateKey');
    }
    if (FREED.has(keys)) fail('invalid_key', 'this key was freed');
    return keys[RAW];
  }

  /**
   * Refuses a token longer than the limit it will be verified against (`maxTokenLength` when
   * given as a number, else the core's default) before it is copied into the module, so that
   * a huge token does not grow the module's memory. (A string's UTF-16 length is at most its
   * UTF-8 length, so this refuses only tokens the core would refuse; the core checks again.)
   */
  function boundedToken(token, limit) {
    const max = Number.isSafeInteger(limit) && limit >= 0 ? limit : MAX_TOKEN_LEN;
    if (typeof token === 'string' && token.length > max) fail('token_too_large', MESSAGES[ERROR_CODES.indexOf('token_too_large')]);
    return token;
  }

  // ---- verify, sign, decodeHeader -----------------------------------------------------------

  /**
   * Verifies an HS256 token and returns its claims (custom claims included). Throws
   * `AuthError` with the core's code on any failure. Every check the options name goes to the
   * module by that name; an absent option takes the core's default.
   */
  function verify(token, keys, options) {
    const k = rawKeys(keys);
    const o = optionsOf(options, 'verify options');
    const values = withOptions('verify', o, { token, now: nowSeconds(own(o, 'now')) });
    boundedToken(token, own(values, 'maxTokenLength'));
    put('verify', values);
    const r = raw.verify(io, k);
    if (r < 0) check(r, own(values, 'requiredClaims'));
    return JSON.parse(output(r));
  }

  /**
   * Signs `claims` (a plain object: its prototype `Object.prototype` or `null`; a Map, a Date,
   * an array or a class instance is `invalid_payload`; serialized with JSON.stringify) as an
   * HS256 token.
   * `expiresIn` (seconds) sets `exp = now + expiresIn` and, if absent, `iat = now`.
   */
  function sign(claims, keys, options) {
    const k = rawKeys(keys);
    const o = optionsOf(options, 'sign options');
    const proto = claims !== null && typeof claims === 'object' ? Object.getPrototypeOf(claims) : undefined;
    if (proto !== Object.prototype && proto !== null) fail('invalid_payload', 'claims must be a plain object');
    const expiresIn = own(o, 'expiresIn');
    const at = own(o, 'now');
    if (at !== undefined) nowSeconds(at);
    let body = claims;
    if (expiresIn !== undefined) {
      const now = nowSeconds(at);
      const exp = now + seconds(expiresIn, 'expiresIn');
      body = 'iat' in claims ? { ...claims, exp } : { ...claims, exp, iat: now };
    }
    let payload;
    try {
      payload = JSON.stringify(body);
    } catch (e) {
      fail('invalid_payload', 'claims could not be serialized to JSON');
    }
    put('sign', withOptions('sign', o, { payload }));
    return output(check(raw.sign(io, k)));
  }

  /** The token's header, **unverified** (for routing by `kid`); its shape is still checked. */
  function decodeHeader(token) {
    put('decodeHeader', { token: boundedToken(token, MAX_TOKEN_LEN) });
    return JSON.parse(output(check(raw.decodeHeader(io))));
  }

  // ---- roles and scopes -------------------------------------------------------------------

  /**
   * `true` if the holder has `role` (or any of several), directly or through `hierarchy`
   * (`[[senior, junior], …]` or `{ senior: [junior, …] }`). `holder` is a claims object (its
   * `roles` claim, which the core reads: a string or an array of strings) or an array of
   * role names.
   */
  function hasRole(holder, role, hierarchy) {
    const roles = Array.isArray(holder) ? holder : claimOf(holder, 'roles', 'an array of roles');
    let pairs = hierarchy === undefined ? [] : hierarchy;
    if (pairs !== null && typeof pairs === 'object' && !Array.isArray(pairs)) {
      pairs = Object.entries(pairs).flatMap(([senior, juniors]) => (Array.isArray(juniors) ? juniors : [juniors]).map((j) => [senior, j]));
    } else if (!Array.isArray(pairs)) {
      fail('invalid_params', 'hierarchy must be [senior, junior] pairs or { senior: [juniors] }');
    }
    put('anyRole', { roles: json(roles), required: role, hierarchy: joinedPairs(pairs) });
    return check(raw.anyRole(io)) === 1;
  }

  /**
   * `true` if every required scope is granted. `holder` is a claims object (its `scope`
   * claim, which the core reads) or a space-delimited scope string; `required` is a scope
   * string or an array.
   */
  function hasScopes(holder, required) {
    const scope = typeof holder === 'string' ? holder : claimOf(holder, 'scope', 'a scope string');
    const byText = typeof required === 'string';
    put('hasScopes', { scope: json(scope), requiredText: byText ? required : undefined, required: byText ? undefined : required });
    return check(raw.hasScopes(io)) === 1;
  }

  /** The claim `name` of a claims object (own property; undefined when absent). */
  function claimOf(holder, name, other) {
    if (holder === null || typeof holder !== 'object') fail('invalid_params', `holder must be a claims object or ${other}`);
    return own(holder, name);
  }

  /**
   * A claim value as JSON text, for the core to read (undefined stays absent). A value JSON
   * cannot carry (a function, a BigInt) crosses as nothing: the core refuses it.
   */
  function json(value) {
    if (value === undefined) return undefined;
    try {
      return JSON.stringify(value) ?? '';
    } catch (e) {
      return '';
    }
  }

  const api = {
    AuthError, ERROR_CODES, Key, KeySet, PublicKey, PrivateKey, sign, verify, decodeHeader, hasRole, hasScopes,
  };

  // A build without a feature (see wasm/Cargo.toml) keeps the same functions; they throw.
  const missing = (what) => () => fail('invalid_params', `this build of authcore has no ${what}`);
  if (raw.anyRole === undefined) {
    const none = missing('role and scope checks');
    Object.assign(api, { hasRole: none, hasScopes: none });
  }
  if (raw.hasPasswords()) {
    Object.assign(api, createPasswordApi(raw, { io, put, output, check, optionsOf, withOptions, SALT_BYTES }));
  } else {
    const none = missing('password support');
    Object.assign(api, {
      hashPassword: none, verifyPassword: none, needsRehash: none, checkPassword: none,
    });
  }
  // The declared calling convention, for the package's own tests.
  api[Symbol.for('authcore.layout')] = Object.freeze({ LAYOUT, put });
  return Object.freeze(api);
}

function createPasswordApi(raw, { io, put, output, check, optionsOf, withOptions, SALT_BYTES }) {

  /**
   * Hashes a password with Argon2 into a PHC string, with a fresh salt from
   * crypto.getRandomValues (as many bytes as the longest salt the core takes; it uses the
   * first `saltLength`). Absent parameters take the core's defaults. Synchronous: with the
   * default parameters it takes tens of ms.
   */
  function hashPassword(password, params) {
    const o = optionsOf(params, 'hash parameters');
    const salt = globalThis.crypto.getRandomValues(new Uint8Array(SALT_BYTES));
    try {
      put('hashPassword', withOptions('hashPassword', o, { password, salt }));
      return output(check(raw.hashPassword(io)));
    } finally {
      salt.fill(0);
    }
  }

  /**
   * `true` if the password matches the stored hash (Argon2, bcrypt, or a passlib/Django legacy
   * format in the Node build), `false` if not. Options: `pepper`, `bcryptTruncate`,
   * `allowMd5Crypt`, `allowPlaintext`.
   */
  function verifyPassword(password, hash, options) {
    const o = optionsOf(options, 'verifyPassword options');
    put('verifyPassword', withOptions('verifyPassword', o, { password, hash }));
    return check(raw.verifyPassword(io)) === 1;
  }

  /** `true` if the stored hash was made with other parameters than `params` (or is bcrypt). */
  function needsRehash(hash, params) {
    const o = optionsOf(params, 'hash parameters');
    put('needsRehash', withOptions('needsRehash', o, { hash }));
    return check(raw.needsRehash(io)) === 1;
  }

  /**
   * Checks a new password against the policy (absent settings: the core's defaults); throws
   * AuthError (password_too_short, password_too_long, password_too_common, password_too_weak)
   * when it fails.
   */
  function checkPassword(password, policy) {
    const o = optionsOf(policy, 'password policy');
    put('checkPassword', withOptions('checkPassword', o, { password }));
    check(raw.checkPassword(io));
  }

  return { hashPassword, verifyPassword, needsRehash, checkPassword };
}
