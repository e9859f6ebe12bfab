/** kill -9 between any two commit steps on the polars store (see kill-harness.ts). */
import { killSuite } from './kill-harness.js';

killSuite('polars');
