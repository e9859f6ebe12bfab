/** Timing helpers: medians, peak RSS, folder sizes, progress on stderr. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const median = (xs: number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Peak RSS of this process so far, in MB (Linux maxRSS is in kB). */
export const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024;

export async function timeIt(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
}

/**
 * Best of `runs` synchronous timings in seconds, after `warmups` untimed calls (JIT and
 * caches warm). The minimum, not the median: these are CPU-bound kernels on a shared machine,
 * where every slower run is noise added by other processes.
 */
export function bestOf(fn: () => unknown, runs: number, warmups = 1): number {
  for (let i = 0; i < warmups; i++) fn();
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    min = Math.min(min, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return min;
}

export function dirBytes(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((sum, f) => sum + dirBytes(join(path, f)), 0);
}

export const progress = (msg: string): void => { process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`); };

export interface Row {
  operation: string;
  backend: string | null;
  ts_median_s: number | null;
  py_median_s: number | null;
  ratio: number | null;
  ts_peak_rss_mb: number | null;
  py_peak_rss_mb?: number | null;
  /** For non-time rows (bytes_per_point, lazy_peak_mb): the measured value per side. */
  ts_value?: number | null;
  py_value?: number | null;
  py_backend?: string | null;
  n?: number;
  py_n?: number;
  note?: string;
}

export function timeRow(operation: string, backend: string | null, ts: number[], py: number[] | null, pyRss: number | null, extra: Partial<Row> = {}): Row {
  const t = median(ts);
  const p = py ? median(py) : null;
  return {
    operation, backend, ts_median_s: t, py_median_s: p,
    ratio: t && p ? p / t : null, ts_peak_rss_mb: Math.round(peakRssMb()), py_peak_rss_mb: pyRss === null ? null : Math.round(pyRss), ...extra,
  };
}
