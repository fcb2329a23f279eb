// Shared test vectors (tests/vectors/*.json) and their mapping onto the JS API.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Key, KeySet } from 'authcore';

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'vectors');
export const load = (name) => JSON.parse(fs.readFileSync(path.join(DIR, `${name}.json`), 'utf8'));

export const hex = (s) => Uint8Array.from(s.match(/../g) ?? [], (b) => parseInt(b, 16));

/** The vector's key names as a KeySet (the first is the default key), as in Rust and Python. */
export function keysFor(file, names) {
  return new KeySet(names.map((n) => new Key(hex(file.keys[n].secret_hex), file.keys[n].kid ?? undefined)));
}

/** `validation` fields (snake_case, Rust names) as verify() options. */
export function optionsFor(c) {
  const v = c.validation;
  const o = { now: c.now };
  const map = {
    leeway: 'leeway', issuer: 'issuer', audience: 'audience', subject: 'subject',
    token_type: 'typ', required: 'requiredClaims', verify_exp: 'verifyExp', verify_nbf: 'verifyNbf',
    verify_iat: 'verifyIat', max_token_len: 'maxTokenLength', verify_aud: 'verifyAud',
  };
  for (const [k, val] of Object.entries(v)) {
    if (!(k in map)) throw new Error(`unmapped validation field ${k}`);
    o[map[k]] = val;
  }
  return o;
}
