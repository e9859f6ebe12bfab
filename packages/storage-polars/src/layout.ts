import { IndexMetadata, type Series, type SeriesMetadata } from '@metaseries/core';
import { fractionDigitsFor, pandasTimestampText, pyFloatRepr, pyIntText } from '@metaseries/core/backend-kit';
import { FORMAT_VERSION, type LayoutBlock } from './sidecar.js';

/** The pandas name of a stored index column (what `to_parquet` would call it). */
export const INDEX_COLUMN = '__index_level_0__';

/**
 * What a save writes: the layout block, the sidecar body (the caller's metadata plus
 * what Python's `PolarsAdapter.load` callers expect: `index_metadata`, `original_name`
 * and, on request, `index_values`), and the value column's name.
 */
export function buildLayout(
  series: Series,
  metadata: SeriesMetadata,
  options: { pythonIndexValues: boolean },
): { layout: LayoutBlock; body: Record<string, unknown>; valueName: string } {
  // Python names the column after the series, falling back to `value`.
  const valueName = series.name || 'value';
  const column = valueName === INDEX_COLUMN ? `${INDEX_COLUMN}_` : INDEX_COLUMN;
  const index = series.index;
  const body: Record<string, unknown> = { ...metadata };
  const added: string[] = [];
  let filled = false;
  if (body.index_metadata == null) {
    body.index_metadata = IndexMetadata.fromIndex(index).toDict();
    filled = true;
  }
  if (!('original_name' in body) && series.name !== null) {
    body.original_name = series.name;
    added.push('original_name');
  }
  if (options.pythonIndexValues && !('index_values' in body)) {
    body.index_values = pythonIndexStrings(series);
    added.push('index_values');
  }
  let li: LayoutBlock['index'];
  switch (index.kind) {
    case 'datetime':
      li = { kind: 'datetime', column, tz: index.tz, freq: index.freqstr, name: index.name };
      break;
    case 'numeric':
      li = { kind: 'numeric', column, dtype: index.dtype, name: index.name };
      break;
    case 'string':
      li = { kind: 'string', column, name: index.name };
      break;
    case 'range':
      li = { kind: 'range', start: index.start, stop: index.stop, step: index.step, name: index.name };
      break;
  }
  const layout: LayoutBlock = {
    format: FORMAT_VERSION,
    name: series.name,
    dtype: series.dtype,
    length: series.length,
    index: li,
    sorted: index.orderInfo().sorted,
    added,
    ...(filled ? { index_metadata_filled: true } : {}),
  };
  return { layout, body, valueName };
}

/**
 * Python's `[str(v) for v in series.index]`, through core's Python formatters, with one
 * fraction width for the whole column (Python's loader parses the list with one format:
 * mixed widths fail with `unconverted data remains`).
 */
export function pythonIndexStrings(series: Series): string[] {
  const index = series.index;
  const n = series.length;
  const out = new Array<string>(n);
  if (index.kind === 'datetime') {
    const digits = fractionDigitsFor(index.values) === 0 ? 0 : 6;
    for (let i = 0; i < n; i++) out[i] = pandasTimestampText(index.values[i]!, index.tz, digits);
  } else if (index.kind === 'string') {
    for (let i = 0; i < n; i++) out[i] = index.values[i]!;
  } else {
    const float = index.kind === 'numeric' && index.dtype === 'float64';
    for (let i = 0; i < n; i++) {
      const v = index.values[i]!;
      out[i] = float ? pyFloatRepr(v) : pyIntText(v);
    }
  }
  return out;
}
