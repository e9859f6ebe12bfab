/**
 * `metaseries retention <store>` (issue 17): the real binary applies the retention policy
 * of a store's config (file or URL) to a real SQLite store; `--dry-run` reports the same
 * keys and counts as the real run and changes nothing.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatetimeIndex, openStore, Series, type SeriesMetadata } from '@metaseries/core';
import '@metaseries/storage-sql';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/python.js';
import { tempDir } from './support/tmp.js';

const CLI = join(ROOT, 'packages/cli/dist/cli.js');
const H = 3_600_000_000;
const T0 = Date.UTC(2024, 0, 1) * 1000;
const meta: SeriesMetadata = { processing_steps: [], index_metadata: null, values_dtype: 'float64', metadata_id: null, created_on: '2024-01-01 00:00:00' };
const hourly = (n: number, name: string) => new Series({
  index: new DatetimeIndex(Float64Array.from({ length: n }, (_, i) => T0 + i * H), { tz: 'UTC' }), values: new Float64Array(n), name,
});

interface Run { code: number; stdout: string; stderr: string }
const dir = tempDir('metaseries-cli-retention-');
function run(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: dir, env: { ...process.env, METASERIES_STORE: '' } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

async function seed(file: string): Promise<void> {
  const store = await openStore(`sqlite:${join(dir, file)}`);
  await store.save('plant/A#1/RAW#1', hourly(120 * 24, 'A#1_RAW#1'), meta); // 120 days
  await store.save('plant/A#1/RESAMPLED#1', hourly(120 * 24, 'A#1_RESAMPLED#1'), meta);
  await store.close();
}

const lengths = async (url: string): Promise<number[]> => {
  const store = await openStore(url);
  try {
    return [(await store.load('plant/A#1/RAW#1')).series.length, (await store.load('plant/A#1/RESAMPLED#1')).series.length];
  } finally {
    await store.close();
  }
};

describe('metaseries retention', () => {
  it('applies the policy of a config file; the dry run reports the same and changes nothing', async () => {
    await seed('plant.db');
    writeFileSync(join(dir, 'plant.yaml'), [
      'storage:', '  kind: sqlite', '  path: ./plant.db', '  retention:',
      "    - { match: 'plant/*/RAW#*', keep: 90d }", "    - { match: '*/RESAMPLED*', keep: 5y }", '',
    ].join('\n'));
    const args = ['retention', 'plant.yaml', '--now', '2024-04-30T00:00:00Z'];
    const dry = await run([...args, '--dry-run', '--json']);
    expect(dry.stderr).toBe('');
    const planned = JSON.parse(dry.stdout) as { dryRun: boolean; keys: Array<{ key: string; rule: string; cutoff: string; points: number; bytes: number }> };
    expect(planned.dryRun).toBe(true);
    expect(planned.keys.map((k) => [k.key, k.rule, k.cutoff, k.points])).toEqual([['plant/A#1/RAW#1', 'plant/*/RAW#*', '2024-01-31T00:00:00.000Z', 30 * 24]]);
    expect(planned.keys[0]!.bytes).toBeGreaterThan(0);
    const db = `sqlite:${join(dir, 'plant.db')}`;
    expect(await lengths(db)).toEqual([120 * 24, 120 * 24]);
    const real = await run([...args, '--json']);
    expect(real.stderr).toBe('');
    expect(JSON.parse(real.stdout)).toEqual({ ...planned, dryRun: false });
    expect(await lengths(db)).toEqual([90 * 24, 120 * 24]);
    // For people: a table and a summary line; nothing left to remove.
    const again = await run(args);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('removed 0 points from 0 series\n');
  });

  it('takes the policy from a store URL and prints a table', async () => {
    await seed('url.db');
    const r = await run(['retention', 'sqlite:./url.db?retention=plant/*/RAW%23*:100d', '--now', String(Date.UTC(2024, 3, 30)), '--dry-run']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^key\s+rule\s+cutoff\s+points\s+bytes\nplant\/A#1\/RAW#1\s+plant\/\*\/RAW#\*\s+2024-01-21T00:00:00.000Z\s+480\s+\d+\nwould remove 480 points from 1 series \(dry run: nothing changed\)\n$/);
  });

  it('a store without a policy, or with a bad one, is an error naming it', async () => {
    await seed('none.db');
    const none = await run(['retention', 'sqlite:./none.db']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('has no retention policy');
    const bad = await run(['retention', 'sqlite:./none.db?retention=plant/*:90days']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('"90days"');
    await expect(openStore({ kind: 'memory', retention: [{ match: 'x/*', keep: '1 month' }] })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('"1 month"') });
    await expect(openStore({ kind: 'memory', retention: [{ match: 'x/*', kep: '1d' } as never] })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/Unknown option "retention\.0\.kep".*valid options: match, keep/) });
  });
});
