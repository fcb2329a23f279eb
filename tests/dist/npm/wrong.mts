// Must NOT compile: check_npm.sh expects tsc to refuse this file (a wrong call, unmarked).
import { Key, verify } from 'authcore';

verify('x', new Key('a secret of at least thirty-two bytes!!'), { leeway: 'five' });
