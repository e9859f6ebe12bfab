/**
 * The real `metaseries` binary (node packages/cli/dist/cli.js) against real stores:
 * SQLite, Parquet, Polars, PostgreSQL, and archives written by Python meteaudata
 * (test/fixtures/archives). JSON output is checked by shape (types, not timings).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from '@metaseries/core';
import '@metaseries/storage-parquet';
import { type PostgresServer, postgresAvailable, SKIP_POSTGRES_REASON, startPostgres } from './support/postgres.js';
import { ROOT } from './support/python.js';

const CLI = join(ROOT, 'packages/cli/dist/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'metaseries-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SEATTLE = join(ROOT, 'node_modules/vega-datasets/data/seattle-weather.csv');
const PLANT = join(ROOT, 'test/fixtures/archives/dataset/plant.zip');

interface Run { code: number; stdout: string; stderr: string }

function run(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: dir, maxBuffer: 64 << 20, env: { ...process.env, METASERIES_STORE: '' } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

async function json<T = Record<string, unknown>>(args: string[]): Promise<T> {
  const r = await run([...args, '--json']);
  expect(r.stderr, `stderr of ${args.join(' ')}`).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as T;
}

/** Types in place of values: what a script may rely on. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.length === 0 ? [] : [shape(v[0])];
  if (v === null) return 'null';
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, shape(x)]));
  return typeof v;
}

const SERIES = ['precipitation#1', 'temp-max#1', 'temp-min#1', 'weather#1', 'wind#1'];

beforeAll(async () => {
  const r = await run(['ingest', SEATTLE, 'sqlite:./src.db', '--dataset', 'seattle', '--quiet']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
}, 60_000);

describe('metaseries on SQLite', () => {
  it('ls lists every series, with --range its length and time range', async () => {
    const out = await json<{ series: Record<string, unknown>[] }>(['ls', 'sqlite:./src.db', '--range']);
    expect(out.series.map((s) => s.signal)).toEqual(SERIES);
    expect(out.series[0]).toEqual({ dataset: 'seattle', signal: 'precipitation#1', series: 'RAW#1', length: 1461, first: '2012-01-01 00:00:00', last: '2015-12-31 00:00:00' });
    expect(shape(out)).toMatchSnapshot();
  });

  it('a config file names the store; ls without a store reads ./metaseries.yaml', async () => {
    writeFileSync(join(dir, 'metaseries.yaml'), 'storage:\n  kind: sqlite\n  path: ./src.db\n');
    try {
      const viaFile = await json<{ series: unknown[] }>(['ls', 'metaseries.yaml']);
      expect(viaFile.series.length).toBe(5);
      expect(await json(['ls'])).toEqual(viaFile);
    } finally {
      rmSync(join(dir, 'metaseries.yaml'));
    }
    const none = await run(['ls']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('No store given');
  });

  it('info on a dataset, a signal and a key', async () => {
    expect(shape(await json(['info', 'sqlite:./src.db', 'seattle']))).toMatchSnapshot();
    expect(await json(['info', 'sqlite:./src.db', 'seattle/wind#1'])).toEqual({ dataset: 'seattle', signal: 'wind#1', units: 'unit', provenance: {}, series: ['RAW#1'] });
    const key = await json(['info', 'sqlite:./src.db', 'seattle/wind#1/RAW#1']);
    expect(key).toMatchObject({ length: 1461, dtype: 'float64', timezone: null, first: '2012-01-01 00:00:00', steps: [] });
    expect(shape(key)).toMatchSnapshot();
  });

  it('cat, head and tail in csv, json and ndjson', async () => {
    const csv = await run(['cat', 'sqlite:./src.db', 'seattle/wind#1/RAW#1', '--from', '2012-01-02', '--to', '2012-01-03']);
    expect(csv.stdout).toBe('time,RAW#1\n2012-01-02 00:00:00,4.5\n2012-01-03 00:00:00,2.3\n');
    const head = await run(['head', 'sqlite:./src.db', 'seattle/weather#1/RAW#1', '-n', '2', '--format', 'ndjson']);
    expect(head.stdout).toBe('{"time":"2012-01-01 00:00:00","value":"drizzle"}\n{"time":"2012-01-02 00:00:00","value":"rain"}\n');
    const tail = await run(['tail', 'sqlite:./src.db', 'seattle/wind#1/RAW#1', '-n', '1', '--format', 'json']);
    expect(JSON.parse(tail.stdout)).toEqual([{ time: '2015-12-31 00:00:00', value: 3.5 }]);
  });

  it('export to a zip, a folder and a CSV that ingests back the same', async () => {
    expect(await json(['export', 'sqlite:./src.db', 'seattle', 'seattle.zip'])).toMatchObject({ out: 'seattle.zip', format: 'archive' });
    expect(statSync(join(dir, 'seattle.zip')).size).toBeGreaterThan(1000);
    expect(await json(['export', 'sqlite:./src.db', 'seattle', 'out-dir'])).toMatchObject({ out: join('out-dir', 'seattle.zip') });
    expect(await json(['export', 'sqlite:./src.db', 'seattle', 'wide.csv'])).toMatchObject({ rows: 1461, columns: SERIES.map((s) => `${s}_RAW#1`) });
    const back = await json<{ rows: number; signals: string[] }>(['ingest', 'wide.csv', 'sqlite:./back.db', '--dataset', 'again']);
    expect(back.rows).toBe(1461);
    expect((await run(['cat', 'sqlite:./back.db', 'again/wind#1-RAW#1/RAW#1'])).stdout).toBe((await run(['cat', 'sqlite:./src.db', 'seattle/wind#1/RAW#1'])).stdout);
  });

  it('ingest reports detection and bad rows; refuses to overwrite a dataset', async () => {
    writeFileSync(join(dir, 'bad.csv'), 'Zeit;Q\n31.12.2024 23:00;1,5\n31.12.2024 24:00;x\n01.01.2025 01:00;2,5\n');
    const err = await run(['ingest', 'bad.csv', 'sqlite:./bad.db']);
    expect(err.code).toBe(1);
    expect(err.stderr).toBe('metaseries: error [INVALID_INPUT]: bad.csv, line 3, column "Q": "x" is not a number (pass onBadRow: \'skip\' or \'nan\', or list the text under missing)\n');
    const ok = await json<Record<string, unknown>>(['ingest', 'bad.csv', 'sqlite:./bad.db', '--on-bad-row', 'nan']);
    expect(ok).toMatchObject({ dataset: 'bad', rows: 3, detected: { delimiter: ';', decimal: ',', timeFormat: 'dmy' }, badRows: { count: 1 } });
    expect(shape(ok)).toMatchSnapshot();
    const again = await run(['ingest', 'bad.csv', 'sqlite:./bad.db']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^metaseries: error \[(CONFLICT|INVALID_INPUT)\]/);
    expect((await run(['cat', 'sqlite:./bad.db', 'bad/Q#1/RAW#1'])).stdout).toBe('time,RAW#1\n2024-12-31 23:00:00,1.5\n2025-01-01 00:00:00,\n2025-01-01 01:00:00,2.5\n');
    // --append adds a new RAW series to the signal of the same name.
    writeFileSync(join(dir, 'more.csv'), 'Zeit;Q\n13.01.2025 00:00;3,5\n14.01.2025 00:00;4,5\n');
    expect(await json(['ingest', 'more.csv', 'sqlite:./bad.db', '--append', '--dataset', 'bad'])).toMatchObject({ dataset: 'bad', rows: 2, signals: ['Q#1'], keys: ['bad/Q#1/RAW#2'] });
    expect((await run(['cat', 'sqlite:./bad.db', 'bad/Q#1/RAW#2'])).stdout).toBe('time,RAW#2\n2025-01-13 00:00:00,3.5\n2025-01-14 00:00:00,4.5\n');
  });

  it('exit codes: 2 for usage, 1 for errors with our message and no stack unless --debug', async () => {
    expect((await run(['nope'])).code).toBe(2);
    expect((await run(['cat', 'sqlite:./src.db'])).code).toBe(2);
    const missing = await run(['info', 'sqlite:./src.db', 'seattle/nope#1/RAW#1']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^metaseries: error \[NOT_FOUND\]: .*nope#1/);
    expect(missing.stderr).not.toContain('    at ');
    const debug = await run(['info', 'sqlite:./src.db', 'seattle/nope#1/RAW#1', '--debug']);
    expect(debug.stderr).toContain('    at ');
    expect((await run(['--version'])).stdout.trim()).toBe('0.1.0');
  });
});

describe('convert and verify across stores', () => {
  it('SQLite → Parquet → Polars, resumable per key, verified', async () => {
    const first = await json<Record<string, unknown>>(['convert', 'sqlite:./src.db', 'parquet:./pq']);
    expect(first).toMatchObject({ datasets: ['seattle'], copied: 5, skipped: 0, verified: 5 * 1461 });
    expect(shape(first)).toMatchSnapshot();
    // An interrupted run left one key out: the next run copies it only (the catalog travels as records, not as a key).
    const pq = await createBackend(`parquet:${join(dir, 'pq')}`);
    await pq.delete('seattle/wind#1/RAW#1');
    await pq.close();
    expect(await json(['convert', 'sqlite:./src.db', 'parquet:./pq'])).toMatchObject({ copied: 1, skipped: 4 });
    expect(await json(['convert', 'parquet:./pq', 'polars:./pl'])).toMatchObject({ copied: 5 });
    for (const store of ['parquet:./pq', 'polars:./pl']) {
      expect(await json(['verify', store]), store).toEqual({ ok: true, keys: 5, points: 5 * 1461, damaged: [] });
      expect((await run(['tail', store, 'seattle/wind#1/RAW#1', '-n', '1'])).stdout).toBe('time,RAW#1\n2015-12-31 00:00:00,3.5\n');
    }
  });

  it('verify reports damage without changing anything', async () => {
    await json(['convert', 'sqlite:./src.db', 'parquet:./broken']);
    const files = readdirSync(join(dir, 'broken'), { recursive: true }).map(String).filter((f) => f.includes('temp-max') && statSync(join(dir, 'broken', f)).isFile());
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) writeFileSync(join(dir, 'broken', f), readFileSync(join(dir, 'broken', f)).subarray(0, 40));
    const hash = (): string => createHash('sha256').update(readdirSync(join(dir, 'broken'), { recursive: true }).map(String).sort().map((f) => {
      const p = join(dir, 'broken', f);
      return statSync(p).isFile() ? `${f}:${createHash('sha256').update(readFileSync(p)).digest('hex')}` : f;
    }).join('\n')).digest('hex');
    const before = hash();
    const r = await run(['verify', 'parquet:./broken', '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { ok: boolean; damaged: { key: string }[] };
    expect(report.ok).toBe(false);
    // The damaged files hold the data and metadata of temp-max: every problem names it.
    expect(report.damaged.length).toBeGreaterThan(0);
    expect(report.damaged.every((d) => JSON.stringify(d).includes('temp-max'))).toBe(true);
    expect(hash()).toBe(before);
  });

  it('archives written by Python: ls, info, convert to SQLite and back to an archive', async () => {
    const ls = await json<{ series: Record<string, unknown>[] }>(['ls', PLANT, '--range']);
    expect(ls.series.map((s) => `${s.signal}/${s.series}:${s.length}`)).toEqual(['CODs#1/LIN-INT#1:29', 'CODs#1/RAW#1:48', 'CODs#1/RESAMPLED#1:29', 'Flow#1/RAW#1:48']);
    const info = await json<{ steps: string[] }>(['info', PLANT, 'plant/CODs#1/LIN-INT#1']);
    expect(info.steps.length).toBe(2);
    expect(await json(['convert', PLANT, 'sqlite:./plant.db'])).toMatchObject({ datasets: ['plant'], copied: 4, verified: 154 });
    expect(await json(['verify', 'sqlite:./plant.db'])).toMatchObject({ ok: true, keys: 4 });
    expect(await json(['convert', 'sqlite:./plant.db', 'plant-again.zip'])).toMatchObject({ verified: 154 });
    const signal = await json<{ series: unknown[] }>(['ls', join(ROOT, 'test/fixtures/archives/basic/CODs#1.zip')]);
    expect(signal.series.length).toBe(3);
  });

  const pgOk = postgresAvailable();
  describe.skipIf(!pgOk)(pgOk ? 'PostgreSQL' : SKIP_POSTGRES_REASON, () => {
    let server: PostgresServer | undefined;
    let url = '';
    beforeAll(async () => {
      server = await startPostgres();
      url = await server.createDatabase('cli');
    }, 120_000);
    afterAll(async () => { await server?.stop(); });

    it('convert into PostgreSQL, then ls, cat and verify there', async () => {
      expect(await json(['convert', 'sqlite:./src.db', url])).toMatchObject({ copied: 5, verified: 5 * 1461 });
      expect((await json<{ series: unknown[] }>(['ls', url])).series.length).toBe(5);
      expect((await run(['head', url, 'seattle/temp-max#1/RAW#1', '-n', '1'])).stdout).toBe('time,RAW#1\n2012-01-01 00:00:00,12.8\n');
      expect(await json(['verify', url])).toEqual({ ok: true, keys: 5, points: 5 * 1461, damaged: [] });
    });
  });
});
