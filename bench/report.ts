/** The stdout table and bench/results/latest.json. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Row } from './measure.js';

const fmt = (x: number | null | undefined, digits = 3): string => (x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(digits));

/** Markdown table (also printed on stdout). */
export function table(rows: Row[]): string {
  const lines = [
    '| operation | backend | metaseries | Python | ratio (Py ÷ TS) | TS peak RSS MB | Py peak RSS MB | note |',
    '|---|---|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of rows) {
    const isValue = r.ts_value !== undefined;
    const unit = r.operation.includes('bytes_per_point') ? ' B' : r.operation === 'lazy_peak_mb' ? ' MB' : ' s';
    const ts = isValue ? `${fmt(r.ts_value, r.operation === 'lazy_peak_mb' ? 0 : 2)}${unit}` : `${fmt(r.ts_median_s)}${unit}`;
    const py = isValue ? `${fmt(r.py_value, r.operation === 'lazy_peak_mb' ? 0 : 2)}${r.py_value == null ? '' : unit}` : `${fmt(r.py_median_s)}${r.py_median_s == null ? '' : unit}`;
    const be = r.backend ?? '—';
    const pyBe = r.py_backend ? ` (${r.py_backend}${r.py_n ? ` @ ${r.py_n}` : ''})` : '';
    lines.push(`| ${r.operation} | ${be}${pyBe} | ${ts} | ${py} | ${r.ratio == null ? '—' : `${r.ratio.toFixed(2)}×`} | ${r.ts_peak_rss_mb ?? '—'} | ${r.py_peak_rss_mb ?? '—'} | ${r.note ?? ''} |`);
  }
  return lines.join('\n');
}

export function writeJson(path: string, data: { n: number; reps: number; range_n: number; store_n?: number[]; node: string; python: string | null; machine?: { cores: number; model: string; ramGiB: number; os: string }; command: string; wall_s: number; rows: Row[] }): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
}
