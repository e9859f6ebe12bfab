import { readFileSync } from 'node:fs';
import { DatetimeIndex, decodeSegment, NumericIndex, RangeIndex, Series, type SeriesLayout, StringIndex } from '@metaseries/core';
import { describe, expect, it } from 'vitest';

/**
 * Blobs written by the segment codec of main at 2a649a5 (fixtures/make-segment-blobs.ts):
 * every later codec must keep decoding them to the same points, bit for bit — they are
 * what SQLite, PostgreSQL and memory stores already hold.
 */
interface Case {
  name: string;
  layout: SeriesLayout;
  original: {
    index: { keys?: string; labels?: string[]; start?: number; stop?: number; step?: number };
    values: { f64?: string; u8?: string; strings?: (string | null)[] };
  };
  blob: string;
  raw?: string;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/segment-blobs-v1.json', import.meta.url), 'utf8')) as { cases: Case[] };

function f64(b64: string): Float64Array {
  const bytes = Buffer.from(b64, 'base64');
  const out = new Float64Array(bytes.length / 8);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

function bits(f: Float64Array): bigint[] {
  return Array.from(new BigUint64Array(f.buffer, f.byteOffset, f.length));
}

function original(c: Case): Series {
  const { index: i, values: v } = c.original;
  const l = c.layout;
  const index = i.labels ? new StringIndex(i.labels, l.indexName)
    : i.step !== undefined ? new RangeIndex(i.start!, i.stop!, i.step, l.indexName)
      : l.indexKind === 'datetime' ? new DatetimeIndex(f64(i.keys!), { tz: l.tz, freq: l.freq, name: l.indexName })
        : new NumericIndex(f64(i.keys!), l.indexDtype ?? 'float64', l.indexName);
  const values = v.f64 !== undefined ? f64(v.f64) : v.u8 !== undefined ? new Uint8Array(Buffer.from(v.u8, 'base64')) : v.strings!;
  return new Series({ index, values, name: l.name, dtype: l.dtype });
}

describe('segment blobs written by format version 1 (main 2a649a5)', () => {
  it('has the cases it is meant to check', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(14);
  });

  for (const c of fixture.cases) {
    it(`decodes "${c.name}" bit-exactly`, () => {
      const want = original(c);
      for (const blob of [c.blob, c.raw].filter((b): b is string => b !== undefined)) {
        const got = decodeSegment(new Uint8Array(Buffer.from(blob, 'base64')), c.layout);
        expect(got.equals(want)).toBe(true);
        expect(got.index.kind).toBe(want.index.kind);
        expect(got.name).toBe(want.name);
        expect(got.dtype).toBe(want.dtype);
        if (want.values instanceof Float64Array) expect(bits(got.values as Float64Array)).toEqual(bits(want.values));
        if (want.index.kind === 'datetime' || want.index.kind === 'numeric') expect(bits(got.index.values as Float64Array)).toEqual(bits(want.index.values));
        if (want.index.kind === 'datetime' && got.index.kind === 'datetime') {
          expect(got.index.tz).toBe(want.index.tz);
        }
      }
    });
  }
});
