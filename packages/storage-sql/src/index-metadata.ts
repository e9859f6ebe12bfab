import {
  DatetimeIndex,
  type Index,
  type IndexMetadataDict,
  NumericIndex,
  RangeIndex,
  StringIndex,
} from '@metaseries/core';
import { parseDatetimeDtype, parsePandasTimestamp, parsePyNumber } from '@metaseries/core/backend-kit';

/**
 * meteaudata's `IndexMetadata.extract_index_metadata(index).model_dump()` for one of our
 * index kinds. Local until core's `IndexMetadata.fromIndex` is used everywhere.
 */
export function indexMetadataOf(index: Index): IndexMetadataDict {
  const base: IndexMetadataDict = {
    type: 'Index', name: index.name, frequency: null, time_zone: null, closed: null,
    categories: null, ordered: null, start: null, end: null, step: null, dtype: 'object',
  };
  switch (index.kind) {
    case 'datetime':
      return { ...base, type: 'DatetimeIndex', frequency: index.freqstr, time_zone: index.tz, dtype: index.dtype };
    case 'range':
      return { ...base, type: 'RangeIndex', start: index.start, end: index.stop, step: index.step, dtype: 'int64' };
    case 'numeric':
      return { ...base, dtype: index.dtype };
    case 'string':
      return base;
  }
}

function isDatetimeMeta(meta: IndexMetadataDict): boolean {
  return meta.type === 'DatetimeIndex' || (typeof meta.dtype === 'string' && meta.dtype.startsWith('datetime64'));
}

function isNumericMeta(meta: IndexMetadataDict): boolean {
  return ['Int64Index', 'Float64Index', 'UInt64Index', 'NumericIndex'].includes(meta.type)
    || (meta.type === 'Index' && /^(u?int|float)\d*$/i.test(meta.dtype ?? ''));
}

/**
 * Rebuild an index from the raw keys a store gave back (text from meteaudata's SQL
 * table) and its `index_metadata`, the way Python's `reconstruct_index` means to —
 * but keeping the stored keys (no `asfreq` re-gridding), the zone name, and numbers
 * as numbers. Returns null when the text does not fit the metadata, so the caller
 * can report CORRUPT_DATA naming the key.
 */
export function rebuildIndexFromText(meta: IndexMetadataDict | null | undefined, raw: readonly string[]): Index | null {
  if (!meta || typeof meta !== 'object') return guessIndex(raw);
  const name = meta.name ?? null;
  if (isDatetimeMeta(meta)) {
    const tz = meta.time_zone ?? null;
    const out = new Float64Array(raw.length);
    for (let i = 0; i < raw.length; i++) {
      const us = parsePandasTimestamp(raw[i]!, tz);
      if (us === null) return null;
      out[i] = us;
    }
    let freq: string | null = meta.frequency ?? null;
    try {
      new DatetimeIndex(new Float64Array(0), { freq });
    } catch {
      freq = null; // an alias we cannot read: keep the data, drop the hint
    }
    // The unit pandas wrote (pandas 3: `us`), so the loaded series says what was read.
    const unit = parseDatetimeDtype(String(meta.dtype ?? ''))?.unit ?? 'ns';
    return new DatetimeIndex(out, { tz, freq, name, unit });
  }
  if (meta.type === 'RangeIndex') {
    const step = meta.step ?? 1;
    const start = meta.start ?? 0;
    const stop = meta.end ?? start + raw.length * step;
    const index = new RangeIndex(start, stop, step, name);
    return index.length === raw.length || raw.length === 0 ? index : null;
  }
  if (isNumericMeta(meta)) {
    const out = new Float64Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = parsePyNumber(raw[i]!);
    const intLike = /int/i.test(meta.dtype ?? '') || /Int/.test(meta.type);
    return new NumericIndex(out, intLike ? 'int64' : 'float64', name);
  }
  return new StringIndex([...raw], name);
}

/** No metadata: timestamps if every key parses as one, else labels. */
function guessIndex(raw: readonly string[]): Index {
  if (raw.length > 0) {
    const out = new Float64Array(raw.length);
    let ok = true;
    for (let i = 0; i < raw.length && ok; i++) {
      const us = parsePandasTimestamp(raw[i]!, null);
      if (us !== null) out[i] = us;
      else ok = false;
    }
    if (ok) return new DatetimeIndex(out);
  }
  return new StringIndex([...raw]);
}
