// A user's TypeScript file: every package, the backend-kit subpath, typed store configs,
// and `process` requiring a transform's parameters. Type-checked by scripts/pack-check.mjs
// with skipLibCheck false under nodenext, node16 and bundler. (@metaseries/danfo: consumer-danfo.mts.)
import { Dataset, isMetaseriesError, MetaseriesError, openStore, Series, Signal, type StoreConfig, type Transform } from '@metaseries/core';
import { registerBackend, type StorageBackend, validateKey } from '@metaseries/core/backend-kit';
import { linearInterpolation, resample } from '@metaseries/processing';
import { openSqlite, SqlBackend } from '@metaseries/storage-sql';
import { openParquet, ParquetBackend } from '@metaseries/storage-parquet';
import { openPolars, toPolars } from '@metaseries/storage-polars';

const configs: StoreConfig[] = [
  { kind: 'sqlite', path: './plant.db', layout: 'meteaudata' },
  { kind: 'parquet', dir: './store', create: true },
  { kind: 'polars', dir: './store', compression: 'zstd' },
  { kind: 'postgres', url: 'postgres://me@localhost/plant', pool: { max: 4 } },
  { kind: 'memory' },
];
// @ts-expect-error a misspelled option is a type error too
const wrong: StoreConfig = { kind: 'sqlite', pth: './x.db' };

const scale: Transform<{ factor: number }> = (inputs) => inputs.map((series) => ({ series, steps: [] }));
const cod = new Signal({ name: 'CODs', units: 'mg/l', data: Series.fromTimes(['2024-01-01'], [1], { name: 'RAW' }) });
await cod.process(['CODs#1_RAW#1'], scale, { factor: 2 });
// @ts-expect-error a transform that takes parameters must be given them
await cod.process(['CODs#1_RAW#1'], scale);
await cod.process(['CODs#1_RAW#1'], linearInterpolation());
await cod.process(['CODs#1_RAW#1'], resample('1h'));

const store = await openStore(configs[0]!);
const ds = new Dataset({ name: 'plant', project: 'p', signals: [cod] }).useBackend(store, { autoSave: true });
const error: unknown = new MetaseriesError('INVALID_INPUT', 'x');
if (isMetaseriesError(error)) console.log(error.code);
const backend: StorageBackend = await SqlBackend.open({ kind: 'sqlite', path: ':memory:' });
console.log(ds.name, validateKey('a/b/c'), typeof registerBackend, backend.kind, openSqlite, openParquet, ParquetBackend, openPolars, toPolars, wrong);
