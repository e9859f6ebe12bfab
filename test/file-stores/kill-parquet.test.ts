/**
 * kill -9 between any two commit steps on the parquet store (see kill-harness.ts): 50 on
 * the native layout (core's FileSegmentDriver, shared with polars), 20 on the
 * meteaudata layout (its own two-rename commit).
 */
import { killSuite } from './kill-harness.js';

killSuite('parquet', 'native', 50);
killSuite('parquet', 'meteaudata', 20);
