/**
 * Ingestion benchmark (not a test): a 3-column CSV (`time,a,b`, ISO timestamps, 5M rows
 * by default) read by metaseries `ingest` and by `pandas.read_csv` (with the timestamps
 * parsed) on the same file, in the same run. Reports rows/s and the peak memory above
 * the baseline next to the size of the resulting arrays (target: ≤ 2×, ≥ 2M rows/s).
 *
 *   npx tsc -b packages/core && node --expose-gc --import tsx bench/ingest-measure.ts [rows]
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { ingest } from '@metaseries/core';

const N = Number(process.argv[2] ?? 5_000_000);
const PY = join(process.cwd(), '.venv', 'bin', 'python');
const dir = mkdtempSync(join(tmpdir(), 'ms-ingest-bench-'));
const file = join(dir, 'three.csv');
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

try {
  // The file: one row a second from 2024-01-01, two float columns.
  const out = createWriteStream(file);
  let buf = 'time,a,b\n';
  const t0 = Date.UTC(2024, 0, 1);
  for (let i = 0; i < N; i++) {
    buf += `${new Date(t0 + i * 1000).toISOString().slice(0, 19).replace('T', ' ')},${(i % 1000) / 8},${(i * 7919) % 100003 / 100}\n`;
    if (buf.length > 1 << 20) { if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r())); buf = ''; }
  }
  out.end(buf);
  await finished(out);
  const mb = statSync(file).size / 1e6;

  const py = `
import sys, time, resource, pandas as pd
best = None
for _ in range(3):
    t = time.perf_counter(); c = time.process_time()
    df = pd.read_csv(sys.argv[1], parse_dates=['time'], date_format='%Y-%m-%d %H:%M:%S')
    run = (time.perf_counter() - t, time.process_time() - c)
    best = run if best is None or run[0] < best[0] else best
print(best[0], len(df), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, best[1])
`;
  const [pySeconds, pyRows, pyPeakMb, pyCpu] = execFileSync(PY, ['-c', py, file]).toString().trim().split(/\s+/).map(Number) as [number, number, number, number];

  const runs: { seconds: number; cpu: number; peakMb: number; rows: number }[] = [];
  for (let r = 0; r < 3; r++) {
    gc();
    const base = process.memoryUsage();
    const baseline = base.heapUsed + base.arrayBuffers;
    let peak = baseline;
    const timer = setInterval(() => { const m = process.memoryUsage(); peak = Math.max(peak, m.heapUsed + m.arrayBuffers); }, 20);
    const cpu0 = process.cpuUsage();
    const t = performance.now();
    const result = await ingest({ path: file }, { dataset: 'bench' });
    const seconds = (performance.now() - t) / 1000;
    const used = process.cpuUsage(cpu0);
    const cpu = (used.user + used.system) / 1e6;
    clearInterval(timer);
    const m = process.memoryUsage();
    peak = Math.max(peak, m.heapUsed + m.arrayBuffers);
    runs.push({ seconds, cpu, peakMb: (peak - baseline) / 1e6, rows: result.rows });
  }
  const arraysMb = (N * 3 * 8) / 1e6;
  const best = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  console.log(`file: ${N} rows × 3 columns, ${mb.toFixed(0)} MB`);
  console.log(`pandas.read_csv (parse_dates): ${pySeconds.toFixed(2)} s = ${(pyRows / pySeconds / 1e6).toFixed(2)} M rows/s, peak RSS ${pyPeakMb.toFixed(0)} MB, CPU ${pyCpu.toFixed(2)} s = ${(pyRows / pyCpu / 1e6).toFixed(2)} M rows per CPU-second`);
  console.log(`metaseries ingest: ${best.seconds.toFixed(2)} s = ${(N / best.seconds / 1e6).toFixed(2)} M rows/s (runs ${runs.map((x) => x.seconds.toFixed(2)).join(', ')})`);
  // On a shared machine wall time includes waiting for a core; CPU time (all threads, GC included) does not.
  console.log(`metaseries ingest CPU time: ${Math.min(...runs.map((x) => x.cpu)).toFixed(2)} s = ${(N / Math.min(...runs.map((x) => x.cpu)) / 1e6).toFixed(2)} M rows per CPU-second`);
  console.log(`machine load average while measuring: ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log(`metaseries peak heap+arrayBuffers above baseline: ${Math.max(...runs.map((x) => x.peakMb)).toFixed(0)} MB for ${arraysMb.toFixed(0)} MB of resulting arrays (×${(Math.max(...runs.map((x) => x.peakMb)) / arraysMb).toFixed(2)}; target ≤ 2)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
