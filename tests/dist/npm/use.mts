// Type-checked (tsc --strict) against the installed package's declarations, as an ES module.
import { AuthError, Key, sign, verify, type Claims, type ErrorCode } from 'authcore';
import { init } from 'authcore/manual';

interface Mine extends Claims {
  tenant: string;
}
const key = new Key('a secret of at least thirty-two bytes!!');
const claims: Mine = verify<Mine>(sign({ sub: 'a', tenant: 't' }, key, { expiresIn: 60 }), key);
const tenant: string = claims.tenant;
try {
  verify('x', key);
} catch (e) {
  if (e instanceof AuthError) {
    const code: ErrorCode = e.code;
    console.log(code, tenant);
  }
}
void init;

// @ts-expect-error a key is a Key or a KeySet, not a string
verify('x', 'secret');
// @ts-expect-error expiresIn is a number of seconds
sign({}, key, { expiresIn: '1h' });
// @ts-expect-error not an error code
const bad: ErrorCode = 'no_such_code';
void bad;
