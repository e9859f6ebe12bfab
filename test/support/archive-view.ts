import type { Dataset, Index, Signal, TimeSeries } from '@metaseries/core';

/**
 * The same JSON view of a Signal/Dataset that scripts/gen_archive_fixtures.py prints
 * for Python objects, so the two sides compare with one deep-equal.
 */
export function indexView(index: Index): Record<string, unknown> {
  switch (index.kind) {
    case 'datetime': return { kind: 'datetime', tz: index.tz, freq: index.freqstr, name: index.name, values: Array.from(index.values) };
    case 'range': return { kind: 'range', start: index.start, stop: index.stop, step: index.step, name: index.name };
    case 'numeric': return { kind: 'numeric', dtype: index.dtype, name: index.name, values: Array.from(index.values, (v) => (Number.isNaN(v) ? null : v)) };
    default: return { kind: 'string', name: index.name, values: [...index.values] };
  }
}

function plain(x: unknown): unknown {
  if (x instanceof Float64Array || x instanceof Uint8Array) return Array.from(x);
  if (Array.isArray(x)) return x.map(plain);
  if (typeof x === 'number' && Number.isNaN(x)) return 'NaN';
  if (x !== null && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, plain(v)]));
  return x;
}

export function tsView(ts: TimeSeries): Record<string, unknown> {
  const s = ts.series;
  const v = s.values;
  const values = v instanceof Float64Array ? Array.from(v, (x) => (Number.isNaN(x) ? null : x)) : v instanceof Uint8Array ? Array.from(v, (x) => x === 1) : [...v];
  return {
    dtype: ts.valuesDtype,
    values,
    index: indexView(s.index),
    index_metadata: ts.indexMetadata.toDict(),
    steps: ts.processingSteps.map((st) => plain(st.toDict())),
  };
}

export function signalView(sig: Signal): Record<string, unknown> {
  return {
    kind: 'signal', name: sig.name, units: sig.units, provenance: sig.provenance.toDict(),
    created_on: sig.createdOn, last_updated: sig.lastUpdated,
    time_series: Object.fromEntries([...sig.timeSeries].map(([k, ts]) => [k, tsView(ts)])),
  };
}

export function datasetView(ds: Dataset): Record<string, unknown> {
  return {
    kind: 'dataset', name: ds.name, description: ds.description, owner: ds.owner, purpose: ds.purpose, project: ds.project,
    created_on: ds.createdOn, last_updated: ds.lastUpdated,
    signals: Object.fromEntries([...ds.signals].map(([k, s]) => [k, signalView(s)])),
  };
}
