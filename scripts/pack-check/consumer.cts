// A CommonJS TypeScript file: module nodenext (TS >= 5.8: require of ESM) and module node16 (through the .d.cts declarations of the `require` condition); Node >= 20.19 runs it with require(esm).
import { openStore, type StoreConfig } from '@metaseries/core';
import { resample } from '@metaseries/processing';
import '@metaseries/storage-sql';

const config: StoreConfig = { kind: 'sqlite', path: ':memory:' };
export const opened = openStore(config).then((store) => store.kind);
export const transform = resample('1h');
