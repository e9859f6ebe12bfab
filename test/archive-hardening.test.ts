/**
 * Archives tested as an attacker (and a power cut) would: zip bombs in used and unused
 * entries, CRCs, YAML alias bombs, folder archives killed mid-save, truncated metadata,
 * corrupt first data rows, names too long for the file system. Each test names the bug
 * it pins (issue 12); each failed on the code before the fix.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Dataset, loadDataset, loadSignal, MetaseriesError, saveDataset, saveSignal, Series, Signal,
} from '@metaseries/core';
import {
  dumpYaml, loadPythonYaml, parseSeriesCsv, readZip,
} from '@metaseries/core/backend-kit';
import { bombEntry, craftZip, deflatedEntry } from './support/zip-craft.js';
import { tempDirs } from './support/temp.js';

const tmp = tempDirs('ms-harden-');

async function failure(p: Promise<unknown>): Promise<MetaseriesError> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(MetaseriesError);
  return e as MetaseriesError;
}

function signal(name = 'CODs', points = 48): Signal {
  const values = Float64Array.from({ length: points }, (_, i) => i + 0.5);
  return new Signal({ name, units: 'mg/l', data: Series.regular('2024-01-01', 3_600_000_000, values, { name: 'RAW', freq: 'h' }) });
}

/** The entries of a signal zip saved by metaseries. */
async function signalEntries(s: Signal): Promise<Map<string, Buffer>> {
  const dir = tmp();
  return readZip(await saveSignal(s, dir));
}

/**
 * Peak growth of ArrayBuffer memory while `fn` runs and for `afterMs` after (inflation
 * started in the background goes on after the load returns), sampled every 2 ms.
 */
async function peakArrayBufferGrowth(fn: () => Promise<unknown>, afterMs = 1500): Promise<number> {
  const base = process.memoryUsage().arrayBuffers;
  let peak = base;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().arrayBuffers); }, 2);
  try {
    await fn();
    await new Promise((r) => setTimeout(r, afterMs));
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, process.memoryUsage().arrayBuffers);
  return peak - base;
}

describe('zip bombs and damaged zips', () => {
  it('does not inflate an entry the archive does not use (a 1 GiB unused entry in a 1 MB zip)', async () => {
    const entries = await signalEntries(signal());
    const zip = craftZip([...[...entries].map(([n, d]) => deflatedEntry(n, d)), bombEntry('CODs#1_data/notes.bin', 1024)]);
    expect(zip.length).toBeLessThan(3 * 1024 * 1024);
    const dir = tmp();
    writeFileSync(join(dir, 'CODs#1.zip'), zip);
    let loaded: Signal | undefined;
    const growth = await peakArrayBufferGrowth(async () => { loaded = await loadSignal(join(dir, 'CODs#1.zip')); });
    expect(loaded!.get('CODs#1_RAW#1').series.length).toBe(48);
    expect(growth).toBeLessThan(32 * 1024 * 1024);
  });

  it('refuses a used entry that would inflate far past its compressed size, naming it, before inflating', async () => {
    const entries = await signalEntries(signal());
    const csv = 'CODs#1_data/CODs#1_RAW#1.csv';
    const zip = craftZip([...entries].map(([n, d]) => (n === csv ? bombEntry(n, 512) : deflatedEntry(n, d))));
    const dir = tmp();
    writeFileSync(join(dir, 'CODs#1.zip'), zip);
    let e: MetaseriesError | undefined;
    const growth = await peakArrayBufferGrowth(async () => { e = await failure(loadSignal(join(dir, 'CODs#1.zip'))); });
    expect(e!.code).toBe('CORRUPT_DATA');
    expect(e!.message).toContain(csv);
    expect(e!.message).toMatch(/ratio|limit/);
    expect(growth).toBeLessThan(32 * 1024 * 1024);
    // The limits are the caller's to set (and checked).
    await expect(loadSignal(join(dir, 'CODs#1.zip'), undefined, { limits: { maxEntryBytes: 1024 } })).rejects.toMatchObject({ code: 'CORRUPT_DATA' });
    await expect(loadSignal(join(dir, 'CODs#1.zip'), undefined, { limits: { maxRatio: -1 } })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('stops at the total the caller allows, naming the entry that would pass it', async () => {
    const s = signal('CODs', 2000);
    s.addSeries(Series.regular('2024-01-01', 3_600_000_000, new Float64Array(2000).fill(1), { name: 'COPY', freq: 'h' }));
    const path = await saveSignal(s, tmp());
    const e = await failure(loadSignal(path, undefined, { limits: { maxTotalBytes: 80_000 } }));
    expect(e.code).toBe('CORRUPT_DATA');
    expect(e.message).toMatch(/CODs#1_data\/CODs#1_(RAW|COPY)#1\.csv/);
    expect(e.message).toContain('maxTotalBytes');
    await expect(loadSignal(path, undefined, { limits: { maxTotal: 1 } as never })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('checks CRCs: a changed digit in a stored dataset zip is CORRUPT_DATA naming the entry', async () => {
    const dir = tmp();
    const path = await saveDataset(new Dataset({ name: 'plant', signals: [signal()] }), dir);
    const bytes = readFileSync(path);
    const at = bytes.indexOf('2024-01-01 05:00:00,5.5');
    expect(at).toBeGreaterThan(0);
    bytes[at + 20] = '7'.charCodeAt(0); // 5.5 → 7.5, same length
    writeFileSync(path, bytes);
    const e = await failure(loadDataset(path));
    expect(e.code).toBe('CORRUPT_DATA');
    expect(e.message).toContain('plant_data/CODs#1_data/CODs#1_RAW#1.csv');
    expect(e.message).toContain('CRC');
  });
});

describe('YAML limits', () => {
  const bomb = (): string => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 30; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    return `${lines.join('\n')}\n`;
  };

  it('refuses an alias bomb (14 KB of text, 10^30 nodes once expanded)', async () => {
    expect(() => loadPythonYaml(bomb(), 'bomb.yaml')).toThrow(/alias/);
    // In an archive: the signal metadata carries the bomb in its provenance.
    const entries = await signalEntries(signal());
    const yaml = entries.get('CODs#1_metadata.yaml')!.toString().replace(/^provenance:\n/m, `provenance:\n  bomb: *a29\n`);
    const zip = craftZip([deflatedEntry('CODs#1_metadata.yaml', Buffer.from(bomb() + yaml)), ...[...entries].filter(([n]) => n.endsWith('.csv')).map(([n, d]) => deflatedEntry(n, d))]);
    const dir = tmp();
    writeFileSync(join(dir, 'CODs#1.zip'), zip);
    const e = await failure(loadSignal(join(dir, 'CODs#1.zip')));
    expect(e.code).toBe('CORRUPT_DATA');
    expect(e.message).toContain('CODs#1_metadata.yaml');
    expect(e.message).toContain('alias');
  });

  it('still reads aliases that expand to a sane size (PyYAML writes them for shared objects)', () => {
    expect(loadPythonYaml('a: &x {k: 1}\nb: *x\n', 'ok.yaml')).toEqual({ a: { k: 1 }, b: { k: 1 } });
  });
});

describe('metadata and CSV integrity', () => {
  it('a folder archive whose YAML is cut at a line break is CORRUPT_DATA, not a signal missing series', async () => {
    const dir = tmp();
    const s = signal();
    s.addSeries(Series.regular('2024-01-01', 3_600_000_000, new Float64Array(48).fill(1), { name: 'COPY', freq: 'h' }));
    const yamlPath = await saveSignal(s, dir, { zip: false });
    const text = readFileSync(yamlPath, 'utf8');
    // Cut just before the second series' entry under time_series.
    const cut = text.indexOf('\n  CODs#1_RAW#1:') + 1;
    expect(cut).toBeGreaterThan(0);
    writeFileSync(yamlPath, text.slice(0, cut));
    const e = await failure(loadSignal(dir));
    expect(e.code).toBe('CORRUPT_DATA');
    expect(e.message).toMatch(/truncated/);
    // Cut inside the last series: it loses values_dtype (and the signal its units).
    writeFileSync(yamlPath, text.slice(0, text.lastIndexOf('    values_dtype')));
    expect((await failure(loadSignal(dir))).code).toBe('CORRUPT_DATA');
  });

  it('a corrupt first data row is an error, not another header row', async () => {
    expect(() => parseSeriesCsv(',x\n2020-01-0x 00:00:00,1.0\n2020-01-02 00:00:00,2.0\n', { entry: 'a.csv', keyKind: 'datetime', valuesDtype: 'float64' }))
      .toThrow(/"a\.csv", line 2/);
    expect(() => parseSeriesCsv(',x\n2020-01-01 00:00:00,abc\n2020-01-02 00:00:00,2.0\n', { entry: 'a.csv', keyKind: 'datetime', valuesDtype: 'float64' }))
      .toThrow(/"a\.csv", line 2: value "abc"/);
    const entries = await signalEntries(signal());
    const csv = 'CODs#1_data/CODs#1_RAW#1.csv';
    entries.set(csv, Buffer.from(entries.get(csv)!.toString().replace('2024-01-01 00:00:00,0.5', '2024-01-01 00:00:00,zz')));
    const dir = tmp();
    writeFileSync(join(dir, 'CODs#1.zip'), craftZip([...entries].map(([n, d]) => deflatedEntry(n, d))));
    const e = await failure(loadSignal(join(dir, 'CODs#1.zip')));
    expect(e.code).toBe('CORRUPT_DATA');
    expect(e.message).toContain(csv);
    expect(e.message).toContain('line 2');
  });

  it('still reads the two-row header of outputValueNames: auto (the archive contract: series name, then units)', async () => {
    const dir = tmp();
    const path = await saveSignal(signal(), dir, { outputValueNames: 'auto' });
    expect((await readZip(path)).get('CODs#1_data/CODs#1_RAW#1.csv')!.toString()).toMatch(/^,CODs#1_RAW#1\n,mg\/l\n/);
    expect((await loadSignal(path)).get('CODs#1_RAW#1').series.length).toBe(48);
    // Other tuple headers: the caller says how many rows.
    const other = await saveSignal(signal(), tmp(), { outputValueNames: { '*': ['Value', 'Unit', 'x'] } });
    expect((await failure(loadSignal(other))).code).toBe('CORRUPT_DATA');
    expect((await loadSignal(other, undefined, { headerRows: 3 })).get('CODs#1_RAW#1').series.length).toBe(48);
  });

  it('names too long for the file system are INVALID_INPUT, not a raw ENAMETOOLONG', async () => {
    const long = 'S'.repeat(300);
    for (const zip of [true, false]) {
      const e = await failure(saveSignal(signal(long), tmp(), { zip }));
      expect(e.code).toBe('INVALID_INPUT');
      expect(e.message).toMatch(/too long/);
    }
    const e = await failure(saveDataset(new Dataset({ name: 'D'.repeat(300), signals: [signal()] }), tmp()));
    expect(e.code).toBe('INVALID_INPUT');
    const e2 = await failure(loadSignal(join(tmp(), `${'x'.repeat(300)}.zip`)));
    expect(e2.code).toBe('INVALID_INPUT');
  });
});

describe('folder archives and kills', () => {
  const child = join(import.meta.dirname, 'support', 'folder-save-child.mjs');

  it('a kill mid-save never leaves new CSVs beside the old YAML', async () => {
    const dir = tmp();
    let midWrite = 0;
    const kills = 5;
    for (let round = 0; round < kills; round++) {
      const proc = spawn(process.execPath, [child, dir, '1000'], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve, reject) => {
        proc.stdout.on('data', (c: Buffer) => { if (c.toString().includes('ready')) resolve(); });
        proc.on('exit', (code) => reject(new Error(`child exited early (${code})`)));
      });
      await new Promise((r) => setTimeout(r, 20 + Math.floor(Math.random() * 80)));
      proc.kill('SIGKILL');
      await new Promise((r) => proc.once('exit', r));
      const left = readdirSync(dir);
      if (left.some((n) => n.endsWith('.staging') || n.endsWith('.metaseries-commit'))) midWrite++;
      const loaded = await loadSignal(dir);
      const version = Number(/^v(\d+)$/.exec(loaded.units)![1]);
      for (const name of loaded.timeSeries.keys()) {
        const values = loaded.get(name).series.values as Float64Array;
        expect(values.length).toBe(1000);
        expect(values.every((v) => v === version), `${name} holds the data of version ${values[0]} beside the YAML of version ${version}`).toBe(true);
      }
      // Loading finished any interrupted commit: nothing of ours is left behind but staging folders of saves that never committed.
      expect(readdirSync(dir).filter((n) => n.endsWith('.metaseries-commit'))).toEqual([]);
    }
    // The kills landed mid-write (a staging folder or a journal was there).
    expect(midWrite).toBeGreaterThan(0);
  });

  it('replaces a folder archive and leaves no staging folders after a save that completes', async () => {
    const dir = tmp();
    await saveSignal(signal(), dir, { zip: false });
    await saveSignal(signal('CODs', 10), dir, { zip: false });
    expect(readdirSync(dir).sort()).toEqual(['CODs#1_data', 'CODs#1_metadata.yaml']);
    expect((await loadSignal(dir)).get('CODs#1_RAW#1').series.length).toBe(10);
  });
});

void dumpYaml;
