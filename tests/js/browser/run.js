// What the test pages share: `run(fn)` gives fn's value, or what the Node test checks of the
// error it threw (whether it is an AuthError, its code and message).
import { AuthError } from '/authcore/index.js';

export const run = (fn) => {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    return { ok: false, isAuthError: e instanceof AuthError, code: e.code, message: e.message };
  }
};
