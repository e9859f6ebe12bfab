/**
 * Two processes appending to the same key and to their own keys while this process
 * reads the shared key: the concurrency contract (a commit is a compare-and-set on the
 * head; a losing append re-plans on the new head and is refused as an overlap when its
 * points no longer come after the last one) holds across processes — no acknowledged
 * append lost, none duplicated, and every read is a whole version: a prefix of the final
 * series.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatetimeIndex, Series, type Storage } from '@metaseries/core';
import { openPostgres, openSqlite } from '@metaseries/storage-sql';
import { afterAll, describe, expect, it } from 'vitest';
import { type PostgresServer, postgresAvailable, SKIP_POSTGRES_REASON, startPostgres } from '../../../test/support/postgres.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'metaseries-sql-concurrency-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SHARED = 'c/SHARED#1/RAW#1';
const COUNT = 40;
const T0 = Date.UTC(2024, 0, 1) * 1000;

function writer(engine: string, location: string, id: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(HERE, 'concurrent-child.mjs'), engine, location, String(id), String(COUNT)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`writer ${id} exited with ${code}:\n${err}`))));
  });
}

async function twoWriters(engine: 'sqlite' | 'postgres', location: string): Promise<void> {
  const open = (): Promise<Storage> => (engine === 'postgres' ? openPostgres(location) : openSqlite(location));
  const store = await open();
  try {
    const meta = { processing_steps: [], index_metadata: null, values_dtype: 'float64', metadata_id: 'c', created_on: '2024-01-01T00:00:00' };
    const seed = new Series({ index: new DatetimeIndex(Float64Array.from([T0]), { tz: 'UTC' }), values: Float64Array.from([0]), name: 'X' });
    for (const key of [SHARED, 'c/OWN1#1/RAW#1', 'c/OWN2#1/RAW#1']) await store.save(key, seed, meta);
    let done = false;
    const writers = Promise.all([writer(engine, location, 1), writer(engine, location, 2)]).finally(() => { done = true; });
    const reads: Array<{ keys: number[]; values: number[] }> = [];
    while (!done) {
      const { series } = await store.load(SHARED);
      reads.push({ keys: Array.from(series.index.values as Float64Array), values: Array.from(series.values as Float64Array) });
      await new Promise((r) => setTimeout(r, 5));
    }
    const outputs = await writers;
    const acked = new Map<number, number>();
    for (const out of outputs) {
      for (const m of out.matchAll(/^ok shared (\d+) (\d+)$/gm)) acked.set(Number(m[1]), Number(m[2]));
    }
    expect(acked.size).toBe(2 * COUNT);
    const final = (await store.load(SHARED)).series;
    const keys = Array.from(final.index.values as Float64Array);
    const values = Array.from(final.values as Float64Array);
    // No lost or duplicated append: the shared key holds the seed and exactly the acknowledged points.
    expect(keys.length).toBe(1 + acked.size);
    for (let i = 1; i < keys.length; i++) {
      expect(keys[i]! > keys[i - 1]!).toBe(true);
      expect(acked.get(keys[i]!)).toBe(values[i]);
    }
    // Each writer's points in its own order.
    for (const id of [1, 2]) {
      const mine = values.filter((v) => Math.floor(v / 1_000_000) === id);
      expect(mine).toEqual(Array.from({ length: COUNT }, (_, i) => id * 1_000_000 + i + 1));
      const own = (await store.load(`c/OWN${id}#1/RAW#1`)).series;
      expect(Array.from(own.values as Float64Array).slice(1)).toEqual(mine);
    }
    // The writers ran at the same time: their points interleave at least once (how often depends on the machine's scheduling).
    let switches = 0;
    for (let i = 2; i < values.length; i++) if (Math.floor(values[i]! / 1e6) !== Math.floor(values[i - 1]! / 1e6)) switches++;
    expect(switches).toBeGreaterThan(0);
    // No torn read: every read is a whole version, i.e. a prefix of the final series.
    expect(reads.length).toBeGreaterThan(3);
    for (const r of reads) {
      expect(r.keys).toEqual(keys.slice(0, r.keys.length));
      expect(r.values).toEqual(values.slice(0, r.values.length));
    }
    // One version per acknowledged append (no commit happened twice or got lost).
    expect((await store.versions(SHARED)).at(-1)!.version).toBe(1 + acked.size);
  } finally {
    await store.close();
  }
}

describe('two processes appending to one key and to their own keys', () => {
  it('SQLite file: no lost appends, no torn reads', async () => {
    await twoWriters('sqlite', join(dir, 'two.db'));
  }, 120_000);

  describe.skipIf(!postgresAvailable())(`PostgreSQL${postgresAvailable() ? '' : ` (${SKIP_POSTGRES_REASON})`}`, () => {
    let server: PostgresServer | undefined;
    afterAll(async () => server?.stop());
    it('no lost appends, no torn reads', async () => {
      server = await startPostgres();
      await twoWriters('postgres', await server.createDatabase('two'));
    }, 120_000);
  });
});
