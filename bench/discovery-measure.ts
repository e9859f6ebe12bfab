/**
 * Discovery (issue 13): `datasets()`, `signals(filters)`, `series(filters)` and
 * `Dataset.find` on a store of 10,000 series (100 datasets × 100 signals, provenance from
 * 20 locations × 10 parameters × 5 pieces of equipment), on SQLite and on a Parquet folder
 * (native layout). Target: any discovery call ≤ 50 ms.
 *
 *   npx tsx bench/discovery-measure.ts [--datasets 100] [--signals 100] [--reps 7] [--stores sqlite,parquet] [--cache <dir>]
 *
 * The stores are built once into a cache folder (default `bench/results/discovery-<D>x<S>.tmp`,
 * git-ignored) and reused.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createBackend, DataProvenance, Dataset, Series, Signal, type BackendConfig, type Storage } from '@metaseries/core';
import '@metaseries/storage-sql';
import '@metaseries/storage-parquet';

const { values: args } = parseArgs({ options: {
  datasets: { type: 'string', default: '100' }, signals: { type: 'string', default: '100' }, reps: { type: 'string', default: '7' },
  stores: { type: 'string', default: 'sqlite,parquet' }, cache: { type: 'string' },
} });
const D = Number(args.datasets), S = Number(args.signals), REPS = Number(args.reps);
const ROOT = join(import.meta.dirname, '..');
const cache = args.cache ?? join(ROOT, 'bench', 'results', `discovery-${D}x${S}.tmp`);
mkdirSync(cache, { recursive: true });
const configs: Record<string, BackendConfig> = {
  sqlite: { kind: 'sqlite', path: join(cache, 'd.db') },
  parquet: { kind: 'parquet', dir: join(cache, 'parquet'), create: true, layout: 'native' },
};
const stores = args.stores.split(',');
for (const s of stores) if (!configs[s]) throw new Error(`unknown store ${s}; known: ${Object.keys(configs).join(', ')}`);

const LOCATIONS = Array.from({ length: 20 }, (_, i) => (i < 10 ? `Clarifier ${i + 1} outlet` : `Basin ${i - 9}`));
const PARAMETERS = ['COD', 'TSS', 'NH4', 'NO3', 'PO4', 'pH', 'DO', 'T', 'Q', 'turbidity'];
const EQUIPMENT = ['probe A', 'probe B', 'sampler', 'analyser', 'flowmeter'];

/** Dataset d: 100 signals of 24 hourly points each, on a day that depends on the signal (so ranges select). */
function dataset(d: number): Dataset {
  const signals = Array.from({ length: S }, (_, s) => {
    const n = d * S + s;
    const day = 1 + (n % 28);
    const times = Array.from({ length: 24 }, (_, h) => new Date(Date.UTC(2024, 2, day, h)));
    return new Signal({
      name: `${PARAMETERS[n % PARAMETERS.length]}${s}`, units: 'mg/l',
      provenance: new DataProvenance({ location: LOCATIONS[n % LOCATIONS.length]!, parameter: PARAMETERS[n % PARAMETERS.length]!, equipment: EQUIPMENT[n % EQUIPMENT.length]!, project: `project ${d % 4}` }),
      data: Series.fromTimes(times, times.map((_, i) => i + n), { name: 'RAW', tz: 'UTC' }),
    });
  });
  return new Dataset({ name: `site${String(d).padStart(3, '0')}`, project: `project ${d % 4}`, signals });
}

async function build(name: string): Promise<void> {
  if (existsSync(join(cache, `${name}.done`))) return;
  const store = await createBackend(configs[name]!);
  await store.clear();
  const t = performance.now();
  for (let d = 0; d < D; d++) {
    const ds = dataset(d);
    ds.useBackend(store);
    await ds.saveAll();
  }
  console.error(`built ${name}: ${D * S} series in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  await store.close();
  writeFileSync(join(cache, `${name}.done`), new Date().toISOString());
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
async function time(store: Storage, fn: (s: Storage) => Promise<unknown[]>): Promise<{ ms: number; found: number }> {
  const out: number[] = [];
  let found = 0;
  for (let r = 0; r < REPS; r++) {
    const t = performance.now();
    found = (await fn(store)).length;
    out.push(performance.now() - t);
  }
  return { ms: median(out), found };
}

const calls: Array<[string, (s: Storage) => Promise<unknown[]>]> = [
  ['datasets()', (s) => s.datasets()],
  ["signals({ dataset: 'site042' })", (s) => s.signals({ dataset: 'site042' })],
  ["signals({ where: { location: { prefix: 'Clarifier' }, parameter: 'COD' } })", (s) => s.signals({ where: { location: { prefix: 'Clarifier' }, parameter: 'COD' } })],
  ["series({ where: { parameter: ['NH4', 'NO3'] }, range: March 10–12 })", (s) => s.series({ where: { parameter: ['NH4', 'NO3'] }, range: { from: '2024-03-10', to: '2024-03-12' } })],
  ['series() (all 10,000)', (s) => s.series()],
  ["Dataset.find(store, { where: { equipment: 'sampler', location: 'Basin 3' } })", (s) => Dataset.find(s, { where: { equipment: 'sampler', location: 'Basin 3' } })],
];

const rows: string[] = [];
for (const name of stores) {
  await build(name);
  const store = await createBackend(configs[name]!);
  // The first call after opening reads every catalog record and head; later calls reuse them while nothing changed.
  const t = performance.now();
  const cold = (await store.series()).length;
  rows.push(`| ${name} | first call after opening: \`series()\` | ${cold.toLocaleString('en')} | ${(performance.now() - t).toFixed(1)} |`);
  for (const [label, fn] of calls) {
    const { ms, found } = await time(store, fn);
    rows.push(`| ${name} | \`${label}\` | ${found.toLocaleString('en')} | ${ms.toFixed(1)} |`);
    console.error(`${name}: ${label} → ${found} in ${ms.toFixed(1)} ms`);
  }
  await store.close();
}
const command = `npx tsx bench/discovery-measure.ts --datasets ${D} --signals ${S} --reps ${REPS} --stores ${stores.join(',')}`;
const md = [
  `\`${command}\` (${new Date().toISOString().slice(0, 10)}): ${(D * S).toLocaleString('en')} series (${D} datasets × ${S} signals), first call after opening, then the median of ${REPS} calls of each kind on the open store:`,
  '',
  '| store | call | found | ms |',
  '|---|---|---:|---:|',
  ...rows,
].join('\n') + '\n';
// docs/performance.md includes this file (bench/doc.ts).
writeFileSync(join(ROOT, 'bench', 'results', 'discovery.md'), md);
console.log(md);
