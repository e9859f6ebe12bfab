import { createRequire } from 'node:module';

/**
 * ZSTD for Parquet pages. Node 20 has no zstd in `node:zlib` (it came in 22.15), so we
 * use @bokuweb/zstd-wasm (no native compile; measured in the storage-v2 research:
 * DBP/dictionary + ZSTD gives 1.45–1.57 bytes/point, read by pyarrow, polars, DuckDB).
 * The wasm module is initialised once, on first use.
 */
interface ZstdWasm {
  init(): Promise<void>;
  compress(data: Uint8Array, level: number): Uint8Array;
  decompress(data: Uint8Array): Uint8Array;
}

const require = createRequire(import.meta.url);
let ready: Promise<ZstdWasm> | null = null;

export function zstd(): Promise<ZstdWasm> {
  ready ??= (async () => {
    const lib = require('@bokuweb/zstd-wasm') as ZstdWasm;
    await lib.init();
    return lib;
  })();
  return ready;
}

/** Level 3: zstd's default; level 1 is ~10% bigger here for a few % faster writes. */
export const ZSTD_LEVEL = 3;
