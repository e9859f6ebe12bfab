/**
 * kill -9 between any two commit steps on the polars store (see kill-harness.ts): 50 on
 * the meteaudata layout (the journal commit), 10 on the native layout (the same
 * FileSegmentDriver as parquet's, killed 50 times there), since each child pays
 * nodejs-polars' load time.
 */
import { killSuite } from './kill-harness.js';

killSuite('polars', 'meteaudata', 50);
killSuite('polars', 'native', 10);
