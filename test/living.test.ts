import { createBackend, DatetimeIndex, MetaseriesError, ProcessingType, Series, Signal, TimeSeries, type ChangeEvent, type SeriesMetadata, type Storage } from '@metaseries/core';
import '@metaseries/processing';
import { resampleSeries } from '@metaseries/processing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const H = 3_600_000_000;
const DAY = 24 * H;
const T0 = Date.UTC(2024, 0, 1) * 1000;
const meta: SeriesMetadata = { processing_steps: [], index_metadata: { type: 'DatetimeIndex', name: null, frequency: null, time_zone: 'UTC', closed: null, categories: null, ordered: null, start: null, end: null, step: null, dtype: 'datetime64[ns, UTC]' }, values_dtype: 'float64', metadata_id: null, created_on: '2024-01-01 00:00:00' };

const hourly = (from: number, n: number, name = 'A#1_RAW#1') => new Series({
  index: new DatetimeIndex(Float64Array.from({ length: n }, (_, i) => from + i * H), { tz: 'UTC' }),
  values: Float64Array.from({ length: n }, (_, i) => i), name,
});

describe('retention', () => {
  let store: Storage;
  beforeEach(async () => {
    store = await createBackend('memory:');
    await store.save('plant/A#1/RAW#1', hourly(T0, 100 * 24), meta); // 100 days
    await store.save('plant/A#1/RESAMPLED#1', hourly(T0, 100 * 24, 'A#1_RESAMPLED#1'), meta);
    await store.save('river/B#1/RAW#1', hourly(T0, 10), meta);
  });
  afterEach(() => store.close());
  const rules = [{ match: 'plant/*/RAW#*', keep: '90d' }, { match: '*/RESAMPLED*', keep: '5y' }];
  const now = new Date(T0 / 1000 + 100 * 86_400_000);

  it('dry run reports per key in points and bytes and equals the real run', async () => {
    const dry = await store.applyRetention({ rules, now, dryRun: true });
    expect(dry.keys.map((k) => [k.key, k.rule, k.points])).toEqual([['plant/A#1/RAW#1', 'plant/*/RAW#*', 10 * 24]]);
    expect(dry.keys[0]!.bytes).toBeGreaterThan(0);
    expect((await store.load('plant/A#1/RAW#1')).series.length).toBe(100 * 24); // nothing changed
    const real = await store.applyRetention({ rules, now });
    expect(real.keys).toEqual(dry.keys);
    const kept = (await store.load('plant/A#1/RAW#1')).series;
    expect(kept.length).toBe(90 * 24);
    expect(kept.index.values[0]).toBe(T0 + 10 * DAY);
    expect((await store.load('plant/A#1/RESAMPLED#1')).series.length).toBe(100 * 24);
    expect((await store.versions('plant/A#1/RAW#1')).at(-1)!.operation).toBe('deleteRange');
  });

  it('never removes points a snapshot holds', async () => {
    await store.snapshot('audit');
    await store.applyRetention({ rules, now, prune: { keepLast: 1 } });
    expect((await store.load('plant/A#1/RAW#1', { asOf: 'audit' })).series.length).toBe(100 * 24);
    expect((await store.load('plant/A#1/RAW#1')).series.length).toBe(90 * 24);
  });

  it('refuses bad rules naming the value', async () => {
    await expect(store.applyRetention({ rules: [{ match: 'x/*', keep: '90 days' }] })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('"90 days"') });
    await expect(store.applyRetention({ rules: [{ match: 'x/*', keep: '1d', kep: 1 } as never] })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('"kep"') });
    await expect(store.applyRetention({ rules: [] })).rejects.toBeInstanceOf(MetaseriesError);
  });
});

describe('watch', () => {
  it('delivers an event per committed write, in order per key, and resumes from a version without losing any', async () => {
    const store = await createBackend('memory:');
    await store.save('plant/A#1/RAW#1', hourly(T0, 5), meta);
    const abort = new AbortController();
    const events: ChangeEvent[] = [];
    const consumer = (async () => {
      for await (const e of store.watch({ prefix: 'plant/', signal: abort.signal, pollMs: 50 })) {
        events.push(e);
        if (events.length === 5) abort.abort();
      }
    })();
    await store.append('plant/A#1/RAW#1', hourly(T0 + 5 * H, 3));
    await store.update('plant/A#1/RAW#1', hourly(T0 + H, 1));
    await store.deleteRange('plant/A#1/RAW#1', { from: new Date((T0 + 7 * H) / 1000) });
    await store.save('plant/B#1/RAW#1', hourly(T0, 2, 'B#1_RAW#1'), meta);
    await store.snapshot('s1');
    await store.save('other/C#1/RAW#1', hourly(T0, 2, 'C#1_RAW#1'), meta); // outside the prefix
    await consumer;
    expect(events.map((e) => [e.type, e.key, e.version])).toEqual([
      ['append', 'plant/A#1/RAW#1', 2], ['update', 'plant/A#1/RAW#1', 3], ['deleteRange', 'plant/A#1/RAW#1', 4],
      ['save', 'plant/B#1/RAW#1', 1], ['snapshot', 's1', 0],
    ]);
    expect(events[0]!.range).toEqual({ from: new Date((T0 + 4 * H) / 1000), to: new Date((T0 + 7 * H) / 1000) });
    expect(events.every((e) => e.at instanceof Date)).toBe(true);
    // A consumer that stopped after version 2 of A resumes and gets 3 and 4 again (at-least-once), then new ones.
    await store.delete('plant/B#1/RAW#1');
    const again: ChangeEvent[] = [];
    const abort2 = new AbortController();
    for await (const e of store.watch({ prefix: 'plant/', signal: abort2.signal, since: { 'plant/A#1/RAW#1': 2, 'plant/B#1/RAW#1': 1 }, pollMs: 50 })) {
      again.push(e);
      if (again.length === 3) abort2.abort();
    }
    expect(again.map((e) => [e.type, e.key, e.version])).toEqual([
      ['update', 'plant/A#1/RAW#1', 3], ['deleteRange', 'plant/A#1/RAW#1', 4], ['delete', 'plant/B#1/RAW#1', 2],
    ]);
    await store.close();
  });

  it('needs an AbortSignal', async () => {
    const store = await createBackend('memory:');
    const it = store.watch({} as never);
    await expect(it.next()).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await store.close();
  });
});

describe('rollups', () => {
  it('a rollup is a resampled series with a RESAMPLING step that refresh keeps current', async () => {
    const raw = hourly(T0, 50);
    const signal = new Signal({ name: 'A', units: 'mg/l', data: raw.rename('RAW') });
    const name = await signal.rollup('A#1_RAW#1', { every: '1D', agg: 'max' });
    expect(name).toBe('A#1_RESAMPLED-MAX#1');
    const step = signal.get(name).processingSteps.at(-1)!;
    expect(step.type).toBe(ProcessingType.RESAMPLING);
    expect(step.parameters?.toDict()).toEqual({ frequency: '1D', aggregation: 'max' });
    expect(signal.get(name).series.equals(resampleSeries(raw, '1D', { aggregation: 'max' }).rename(name))).toBe(true);
    // More raw data: refresh recomputes the open day and adds the new ones.
    const more = hourly(T0 + 50 * H, 30);
    const whole = new Series({
      index: new DatetimeIndex(Float64Array.from([...(raw.index.values as Float64Array), ...(more.index.values as Float64Array)]), { tz: 'UTC' }),
      values: Float64Array.from([...(raw.values as Float64Array), ...(more.values as Float64Array)]), name: 'A#1_RAW#1',
    });
    signal.timeSeries.set('A#1_RAW#1', new TimeSeries({ series: whole }));
    expect((await signal.refresh()).series).toEqual([expect.objectContaining({ name, status: 'refreshed', mode: 'incremental' })]);
    expect(signal.get(name).series.equals(resampleSeries(whole, '1D', { aggregation: 'max' }).rename(name))).toBe(true);
    await expect(signal.rollup('A#1_RAW#1', { every: 86400 as never })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
