import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Dataset, ingest, MemoryBackend, MetaseriesError, type Series, Storage } from '@metaseries/core';
import { timeParser } from '@metaseries/core/backend-kit';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'metaseries-ingest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const us = (iso: string): number => Date.parse(iso) * 1000;

async function series(result: Awaited<ReturnType<typeof ingest>>, signal: string): Promise<Series> {
  const s = result.dataset.get(signal);
  return [...s.timeSeries.values()].at(-1)!.load();
}

async function rejection(p: Promise<unknown>): Promise<MetaseriesError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(MetaseriesError);
    return e as MetaseriesError;
  }
  throw new Error('expected a rejection');
}

describe('timestamp formats', () => {
  it('reads 24:00 as midnight of the next day, in every text format', () => {
    expect(timeParser('iso', null)('2024-12-31 24:00', 0, 16)).toBe(us('2025-01-01T00:00:00Z'));
    expect(timeParser('dmy', null)('31/12/2024 24:00', 0, 16)).toBe(us('2025-01-01T00:00:00Z'));
    expect(timeParser('mdy', null)('12/31/2024 24:00:00', 0, 19)).toBe(us('2025-01-01T00:00:00Z'));
    expect(Number.isNaN(timeParser('iso', null)('2024-12-31 24:01', 0, 16))).toBe(true);
  });

  it('reads epochs in s, ms, µs, ns and Excel serial days', () => {
    const t = us('2024-03-01T12:30:00Z');
    expect(timeParser('epoch-s', null)('1709296200', 0, 10)).toBe(t);
    expect(timeParser('epoch-ms', null)('1709296200000', 0, 13)).toBe(t);
    expect(timeParser('epoch-us', null)('1709296200000000', 0, 16)).toBe(t);
    expect(timeParser('epoch-ns', null)('1709296200000000000', 0, 19)).toBe(t);
    // Excel: 2024-03-01 is serial 45352; 12:30 is 0.520833…
    expect(timeParser('excel', null)('45352.520833333336', 0, 18)).toBe(t);
  });

  it('detects epoch units by magnitude and reports the choice', async () => {
    const r = await ingest({ text: 'timestamp,v\n1709296200000,1\n1709296260000,2\n' });
    expect(r.detected).toMatchObject({ timeColumn: 'timestamp', timeFormat: 'epoch-ms', timezone: 'UTC' });
    expect((await series(r, 'v#1')).index.values[1]).toBe(us('2024-03-01T12:31:00Z'));
  });

  it('refuses ambiguous day/month dates unless dayFirst says, and decides when a part is above 12', async () => {
    const text = 'date,v\n01/02/2024,1\n03/04/2024,2\n';
    const e = await rejection(ingest({ text }));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toContain('dayFirst');
    const dm = await ingest({ text }, { dayFirst: true });
    expect(dm.detected).toMatchObject({ timeFormat: 'dmy', dayFirst: true });
    expect((await series(dm, 'v#1')).index.values[0]).toBe(us('2024-02-01T00:00:00Z'));
    const md = await ingest({ text: 'date,v\n01/02/2024,1\n12/13/2024,2\n' });
    expect(md.detected.timeFormat).toBe('mdy');
  });

  it('keeps offsets as instants (UTC index) and localises wall times in the file zone', async () => {
    const r = await ingest({ text: 'time,v\n2024-03-01T10:00:00+01:00,1\n' });
    expect(r.detected.timezone).toBe('UTC');
    expect((await series(r, 'v#1')).index.values[0]).toBe(us('2024-03-01T09:00:00Z'));
    const z = await ingest({ text: 'time,v\n2024-07-01 10:00,1\n' }, { timezone: 'Europe/Zurich' });
    const s = await series(z, 'v#1');
    expect(s.index.values[0]).toBe(us('2024-07-01T08:00:00Z'));
    expect(s.index.kind === 'datetime' && s.index.tz).toBe('Europe/Zurich');
  });
});

describe('detection', () => {
  it('semicolons with decimal commas, a preamble line and a units row', async () => {
    const text = 'Station 12 export\nZeit;Temp;Q\n;°C;l/s\n01.03.2024 00:15;12,5;-9999\n01.03.2024 00:30;13,0;4,25\n';
    const r = await ingest({ text }, { missing: ['', '-9999'], dayFirst: true });
    expect(r.detected).toMatchObject({ delimiter: ';', decimal: ',', skipRows: 1, headerRows: 2, timeColumn: 'Zeit', timeFormat: 'dmy' });
    expect(Array.from((await series(r, 'Temp#1')).values as Float64Array)).toEqual([12.5, 13]);
    expect(Array.from((await series(r, 'Q#1')).values as Float64Array)).toEqual([Number.NaN, 4.25]);
  });

  it('tabs, and a pinned detection gives the same result', async () => {
    const text = 'when\ta\tb\n2024-01-01 00:00\t1\tx\n2024-01-01 01:00\t2\ty\n';
    const first = await ingest({ text });
    expect(first.detected).toMatchObject({ delimiter: '\t', columns: { a: 'float64', b: 'str' } });
    const { format, delimiter, decimal, skipRows, headerRows, timeColumn, timeFormat } = first.detected;
    const again = await ingest({ text }, { format, delimiter: delimiter!, decimal, skipRows, headerRows, timeColumn, timeFormat });
    expect(again.detected).toEqual(first.detected);
  });

  it('JSON arrays of records and NDJSON, with nulls as missing', async () => {
    const json = await ingest({ text: JSON.stringify([{ t: '2024-01-01T00:00:00Z', flow: 1.5, site: 'A' }, { t: '2024-01-01T00:05:00Z', flow: null, site: 'B' }]) });
    expect(json.detected).toMatchObject({ format: 'json', timeColumn: 't', columns: { flow: 'float64', site: 'str' } });
    expect(Array.from((await series(json, 'flow#1')).values as Float64Array)).toEqual([1.5, Number.NaN]);
    const nd = await ingest({ text: '{"t":1700000000,"x":1}\n\n{"t":1700000060,"x":2}\n' }, { format: 'ndjson' });
    expect(nd.detected).toMatchObject({ format: 'ndjson', timeFormat: 'epoch-s' });
    expect(nd.rows).toBe(2);
  });
});

describe('sources', () => {
  const text = 'time,"note, quoted",v\n2024-01-01 00:00,"two\nlines",1.5\n2024-01-01 00:01,"é ü",2\n';
  const expectRows = async (r: Awaited<ReturnType<typeof ingest>>): Promise<void> => {
    expect(r.rows).toBe(2);
    expect((await series(r, 'note, quoted#1')).values).toEqual(['two\nlines', 'é ü']);
    expect(Array.from((await series(r, 'v#1')).values as Float64Array)).toEqual([1.5, 2]);
  };

  it('a file, a string, a Node stream and an async iterable of bytes cut inside characters and quotes', async () => {
    const path = join(dir, 'q.csv');
    writeFileSync(path, text);
    await expectRows(await ingest({ path }));
    await expectRows(await ingest({ text }));
    await expectRows(await ingest(Readable.from([Buffer.from(text)])));
    const bytes = Buffer.from(text);
    const pieces = async function* (): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < bytes.length; i += 3) yield bytes.subarray(i, i + 3);
    };
    await expectRows(await ingest(pieces(), { name: 'q.csv' }));
  });
});

describe('mapping', () => {
  it('from a YAML file: names, units, provenance, dtype, per-column missing markers, skipped columns', async () => {
    const mapping = join(dir, 'map.yaml');
    writeFileSync(mapping, [
      'dataset: plant',
      'timezone: Europe/Zurich',
      'skip: [comment]',
      'columns:',
      '  cod_mg:',
      '    signal: CODs',
      '    units: mg/l',
      '    provenance: { location: Clarifier, equipment: Spectro-1 }',
      '    missing: [-9999]',
      '  n:',
      '    dtype: int64',
      '',
    ].join('\n'));
    const r = await ingest({ text: 'time,cod_mg,n,comment\n2024-01-01 00:00,41.2,3,ok\n2024-01-01 00:10,-9999,4,bad\n' }, { mapping });
    expect(r.dataset.name).toBe('plant');
    expect(r.signals).toEqual(['CODs#1', 'n#1']);
    const cod = r.dataset.get('CODs#1');
    expect(cod.units).toBe('mg/l');
    expect(cod.provenance.location).toBe('Clarifier');
    expect(Array.from((await series(r, 'CODs#1')).values as Float64Array)).toEqual([41.2, Number.NaN]);
    expect((await series(r, 'n#1')).dtype).toBe('int64');
    expect(r.detected.timezone).toBe('Europe/Zurich');
  });

  it('an unknown key is an error naming it, never ignored', async () => {
    const e = await rejection(ingest({ text: 't,v\n2024-01-01,1\n' }, { mapping: { columns: { v: { unit: 'mg/l' } } } as never }));
    expect(e.message).toContain('"unit"');
  });
});

describe('bad rows', () => {
  const text = 'time,a,b\n2024-01-01 00:00,1,2\n2024-01-01 00:01,x,2\n2024-01-01 00:02,3\nnot a time,4,4\n2024-01-01 00:04,5,5\n';

  it('fail by default with the file, line and column', async () => {
    const e = await rejection(ingest({ text }, { name: 'logger.csv' }));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(/^logger\.csv, line 3, column "a": "x" is not a number/);
  });

  it("onBadRow 'skip' drops them and reports each", async () => {
    const r = await ingest({ text }, { onBadRow: 'skip', name: 'logger.csv' });
    expect(r.rows).toBe(2);
    expect(r.badRows.count).toBe(3);
    expect(r.badRows.first.map((b) => [b.line, b.column])).toEqual([[3, 'a'], [4, 'b'], [5, 'time']]);
  });

  it("onBadRow 'nan' keeps rows with NaN cells, drops rows without a usable time or shape", async () => {
    const r = await ingest({ text }, { onBadRow: 'nan' });
    expect(r.rows).toBe(3);
    expect(Array.from((await series(r, 'a#1')).values as Float64Array)).toEqual([1, Number.NaN, 5]);
  });
});

describe('into a store', () => {
  const text = 'time,a,b,c\n2024-01-01 00:00,1,2,3\n2024-01-01 00:01,4,5,6\n';

  it('saves a new dataset; refuses to overwrite one that exists', async () => {
    const store = new Storage(new MemoryBackend());
    const r = await ingest({ text }, { dataset: 'plant', store });
    expect(r.savedKeys).toEqual(['plant/a#1/RAW#1', 'plant/b#1/RAW#1', 'plant/c#1/RAW#1']);
    const e = await rejection(ingest({ text }, { dataset: 'plant', store }));
    expect(e.code).toBe('CONFLICT');
    expect((await Dataset.fromBackend(store, 'plant')).allSignals).toEqual(['a#1', 'b#1', 'c#1']);
  });

  it('adds a new RAW series to existing signals with into', async () => {
    const store = new Storage(new MemoryBackend());
    await ingest({ text }, { dataset: 'plant', store });
    const plant = await Dataset.fromBackend(store, 'plant');
    const r = await ingest({ text: 'time,a\n2024-01-02 00:00,7\n' }, { into: plant });
    expect(r.savedKeys).toEqual(['plant/a#1/RAW#2']);
    expect(await store.listKeys('plant/a#1/')).toEqual(['plant/a#1/RAW#1', 'plant/a#1/RAW#2']);
  });

  it('a cancelled save leaves nothing behind and says what was completed', async () => {
    const store = new Storage(new MemoryBackend());
    const controller = new AbortController();
    const e = await rejection(ingest({ text }, {
      dataset: 'plant', store, signal: controller.signal,
      onProgress: (p) => { if (p.unit === 'series' && p.done === 2) controller.abort(); },
    }));
    expect(e.code).toBe('ABORTED');
    expect(e.message).toContain('0 of 3 series saved (nothing written');
    expect(await store.listKeys()).toEqual([]);
  });
});
