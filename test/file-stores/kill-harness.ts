/**
 * Harness: kill -9 between any two steps of a commit (issue 11), on both file backends.
 * The child runs with METASERIES_COMMIT_PAUSE_MS: core's `commitStep` prints each step
 * and blocks there, so the parent kills exactly between two steps and asserts it did
 * (the last line the child printed is a step marker and the child died of SIGKILL).
 * After each kill the next open must show one committed version, a describe that agrees
 * with the data, and none of the writer's temp files or journals.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend } from '@metaseries/core';
import '@metaseries/storage-parquet';
import '@metaseries/storage-polars';
import { runAndKill, type KilledChild } from '../support/kill-child.js';

const KILLS = 50;
const PARALLEL = 5;
const temps: string[] = [];
afterAll(() => { for (const t of temps) rmSync(t, { recursive: true, force: true }); });

const lengthOf = (gen: number): number => (gen % 2 === 1 ? 1000 : 5000);

const CHILD = (kind: string, layout: string): string => `
import { createBackend, Series } from '@metaseries/core';
import '@metaseries/storage-${kind}';
const store = await createBackend({ kind: '${kind}', dir: process.argv[1], create: true, layout: '${layout}' });
for (let gen = Number(process.argv[2]); ; gen++) {
  const n = gen % 2 === 1 ? 1000 : 5000;
  const s = Series.regular('2024-01-01T00:00:00Z', 60e6, new Float64Array(n).fill(gen), { name: 'A#1_RAW#1', tz: 'UTC' });
  await store.save('ds/A#1/RAW#1', s, { processing_steps: [], index_metadata: null, values_dtype: 'float64', metadata_id: 'gen-' + gen, created_on: '2024-01-01T00:00:00' });
  process.stderr.write('saved ' + gen + '\\n');
}
`;

/** Run the child until it has saved once, then kill it at the `target`-th commit step after that. */
async function killOnce(kind: string, layout: string, dir: string, startGen: number, target: number): Promise<KilledChild & { saved: number }> {
  let saved = 0, steps = 0;
  const result = await runAndKill(CHILD(kind, layout), [dir, String(startGen)], 80, (line) => {
    if (line.startsWith('saved ')) saved = Number(line.slice(6));
    else if (line.startsWith('metaseries-commit-step ')) { if (saved > 0 && ++steps >= target) return 'kill'; }
    else return 'other';
    return undefined;
  });
  return { ...result, saved };
}

/** The kill test for one backend kind (one file per kind, so the two run in parallel). */
export function killSuite(kind: 'parquet' | 'polars', layout: 'native' | 'meteaudata', kills = KILLS): void {
  describe(`${kind} (${layout} layout): kill -9 between commit steps`, () => {
    it(`${kills} kills between any two steps leave one committed version, no stale describe, no temp files after the next open`, async () => {
      const stepsPerSave = 4;
      let landed = 0;
      const worker = async (w: number): Promise<void> => {
        const dir = mkdtempSync(join(tmpdir(), `metaseries-kill-${kind}-`));
        temps.push(dir);
        for (let i = w; i < kills; i += PARALLEL) {
          // Any step of the second save or later: 1..stepsPerSave*2.
          const target = 1 + (i % (stepsPerSave * 2));
          // A kill that came late (the writer resumed first) is checked too, then tried again.
          let result = await killOnce(kind, layout, dir, i * 1000 + 1, target);
          for (let retry = 1; result.late && retry <= 3; retry++) {
            await check(result, dir);
            result = await killOnce(kind, layout, dir, i * 1000 + retry * 100 + 1, target);
          }
          await check(result, dir);
          if (!result.late) landed++;
        }
      };
      const check = async (result: KillResult, dir: string): Promise<void> => {
        {
          expect(result.signal).toBe('SIGKILL');
          expect(result.lastLine).toMatch(/^metaseries-commit-step /);
          const store = await createBackend({ kind, dir });
          // No temp files, journals or locks anywhere in the store.
          const names = readdirSync(dir, { recursive: true }).map(String);
          expect(names.filter((n) => basename(n).startsWith('.') || n.endsWith('.lock'))).toEqual([]);
          const { series, metadata } = await store.load('ds/A#1/RAW#1');
          const gen = series.valueAt(0) as number;
          expect(gen).toBeGreaterThanOrEqual(result.saved);
          expect(metadata.metadata_id).toBe(`gen-${gen}`);
          expect(series.length).toBe(lengthOf(gen));
          expect((series.values as Float64Array).every((v) => v === gen)).toBe(true);
          const [summary] = await store.describe('ds/');
          expect(summary).toMatchObject({ key: 'ds/A#1/RAW#1', length: series.length });
          expect(await store.listKeys()).toEqual(['ds/A#1/RAW#1']);
          await store.close();
        }
      };
      await Promise.all(Array.from({ length: PARALLEL }, (_, w) => worker(w)));
      // Every kill landed while the writer was blocked between two steps (a late one would
      // still be checked above, but does not count as a kill between steps).
      expect(landed).toBe(kills);
    }, 300_000);
  });
}
