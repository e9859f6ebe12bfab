/**
 * Shared by kill-sqlite.test.ts and kill-postgres.test.ts (two files, so vitest runs them
 * in parallel). kill -9 at random moments during append, update, snapshot and prune (a child process
 * looping them, kill-loop-child.mjs), on SQLite (file, WAL) and PostgreSQL. A kill counts
 * only when it landed mid-operation: the child's last marker is a "begin" without its
 * "end". After every kill: every key is wholly one committed version (each retained
 * version loads whole, its points are the ones its writer wrote), every snapshot loads
 * whole; at the end, after one prune, no segment is left that no version references.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Series, type SeriesMetadata, type Storage } from '@metaseries/core';
import { openPostgres, openSqlite } from '@metaseries/storage-sql';
import type { Knex } from 'knex';
import { expect } from 'vitest';

const HERE = dirname(fileURLToPath(import.meta.url));

const APPEND_KEY = 'k/A#1/A#1_RAW#1';
const UPDATE_KEY = 'k/U#1/U#1_RAW#1';
const T0 = Date.UTC(2024, 0, 1) * 1000;
const UPDATE_LENGTH = 100_000;
/** Kills that must land mid-operation, per engine. */
export const LANDED = 50;
const valueAt = (us: number): number => Math.round(((us / 1e6) % 997) * 37) / 100;

function meta(id: string): SeriesMetadata {
  return { processing_steps: [], index_metadata: null, values_dtype: 'float64', metadata_id: id, created_on: '2024-01-01T00:00:00' };
}

async function seed(store: Storage): Promise<void> {
  const n = 3600;
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = valueAt(T0 + i * 1_000_000);
  await store.save(APPEND_KEY, Series.regular(T0 / 1000, 1_000_000, a, { name: 'A#1_RAW#1', tz: 'UTC', freq: 's' }), meta('a'));
  const u = new Float64Array(UPDATE_LENGTH);
  for (let i = 0; i < UPDATE_LENGTH; i++) u[i] = i + 0.5;
  await store.save(UPDATE_KEY, Series.regular(T0 / 1000, 1_000_000, u, { name: 'U#1_RAW#1', tz: 'UTC', freq: 's' }), meta('u'));
}

/** Every retained version and every snapshot of both keys is whole and is what its writers wrote. */
async function checkWhole(store: Storage): Promise<void> {
  for (const key of [APPEND_KEY, UPDATE_KEY]) {
    for (const info of await store.versions(key)) {
      const { series } = await store.load(key, { asOf: info.version });
      expect(series.length, `${key} v${info.version}`).toBe(info.length);
      const keys = series.index.values as Float64Array;
      const values = series.values as Float64Array;
      expect(keys[0]).toBe(T0);
      for (let i = 0; i < series.length; i++) {
        if (keys[i] !== T0 + i * 1_000_000) throw new Error(`${key} v${info.version}: key ${i} is ${keys[i]}`);
        const v = values[i]!;
        const ok = key === APPEND_KEY ? v === valueAt(keys[i]!) : v === i + 0.5 || Number.isInteger(v);
        if (!ok) throw new Error(`${key} v${info.version}: value ${i} is ${v}`);
      }
      if (key === UPDATE_KEY) expect(series.length).toBe(UPDATE_LENGTH);
    }
  }
  for (const snap of await store.snapshots()) {
    for (const [key, version] of Object.entries(snap.versions)) {
      const { series } = await store.load(key, { asOf: snap.name });
      expect((await store.versions(key)).find((v) => v.version === version)?.length, `${snap.name} ${key}`).toBe(series.length);
    }
  }
}

/** Segment ids stored but referenced by no retained version. */
async function orphans(knex: Knex): Promise<string[]> {
  const referenced = new Set<string>();
  const rows = await knex('metaseries_versions').select('key', 'record') as Array<{ key: string; record: string }>;
  for (const r of rows) for (const s of (JSON.parse(r.record) as { segments: Array<{ id: string }> }).segments) referenced.add(`${r.key}|${s.id}`);
  const stored = await knex('metaseries_segments').select('key', 'id') as Array<{ key: string; id: string }>;
  return stored.map((s) => `${s.key}|${s.id}`).filter((id) => !referenced.has(id));
}

interface Round {
  landed: boolean;
  op: string;
}

/** Start the child, SIGKILL it a random few ms after the begin marker of its `target`-th operation. */
async function killRound(engine: string, location: string, seedValue: number, target: number): Promise<Round> {
  const child: ChildProcess = spawn(process.execPath, [join(HERE, 'kill-loop-child.mjs'), engine, location, String(seedValue)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let armed = false;
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    if (!armed && (out.match(/^begin /gm)?.length ?? 0) > target) {
      armed = true;
      setTimeout(() => child.kill('SIGKILL'), Math.floor((seedValue % 7) * 0.7));
    }
  });
  await exited;
  if (child.signalCode !== 'SIGKILL') throw new Error(`kill child exited by itself (code ${child.exitCode}):\n${err}`);
  const lines = out.trim().split('\n');
  const last = lines[lines.length - 1] ?? '';
  const [kind, op] = last.split(' ');
  return { landed: kind === 'begin', op: op ?? '' };
}

export async function killTest(engine: 'sqlite' | 'postgres', location: string): Promise<void> {
  const open = (): Promise<Storage> => (engine === 'postgres' ? openPostgres(location) : openSqlite(location));
  const store = await open();
  try {
    await seed(store);
    const landed: Record<string, number> = {};
    let rounds = 0;
    let total = 0;
    while (total < LANDED) {
      rounds++;
      if (rounds > LANDED * 2) throw new Error(`only ${total} of ${rounds} kills landed mid-operation: ${JSON.stringify(landed)}`);
      const round = await killRound(engine, location, rounds * 7919, rounds % 2);
      if (round.landed) {
        total++;
        landed[round.op] = (landed[round.op] ?? 0) + 1;
      }
      // All versions and snapshots whole (every few rounds: the check costs more than a round).
      if (rounds % 5 === 0) await checkWhole(store);
    }
    for (const op of ['append', 'update', 'snapshot', 'prune']) expect(landed[op] ?? 0, `kills during ${op}: ${JSON.stringify(landed)}`).toBeGreaterThanOrEqual(3);
    const backend = store.backend as unknown as { knex: Knex };
    await store.prune({ keepLast: 2, graceMs: 0 });
    expect(await orphans(backend.knex)).toEqual([]);
    await checkWhole(store);
  } finally {
    await store.close();
  }
}

