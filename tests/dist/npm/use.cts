// Type-checked (tsc --strict) against the installed package's declarations, as CommonJS.
import authcore = require('authcore');

const key = new authcore.Key('a secret of at least thirty-two bytes!!');
const sub: string | undefined = authcore.verify(authcore.sign({ sub: 'a' }, key), key).sub;
console.log(sub);

// @ts-expect-error sign takes an object of claims
authcore.sign('claims', key);
