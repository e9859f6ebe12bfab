/**
 * Ad hoc (not a test): load time of one signal archive — 1,000,000 points at 1-minute
 * spacing with NaN, plus resampled and interpolated versions — by the archive reader of
 * another checkout (e.g. main, before on-demand inflation and CRC checks) and by this
 * one, alternating, best of 5.
 *
 *   npm run build && npx tsx bench/archive-load-compare.ts /work/main [points]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as mine from '@metaseries/core';
import { linearInterpolation, resample } from '@metaseries/processing';

const other = (await import(join(process.argv[2] ?? '/work/main', 'packages', 'core', 'dist', 'index.js'))) as typeof mine;
const n = Number(process.argv[3] ?? 1_000_000);
const values = new Float64Array(n);
for (let i = 0; i < n; i++) values[i] = i % 100 === 0 ? Number.NaN : 100 + Math.sin(i / 30) * 10;
const signal = new mine.Signal({ name: 'Bench', units: 'mg/l', data: mine.Series.regular('2020-01-01', 60_000_000, values, { name: 'RAW', freq: 'min' }) });
await signal.process(['Bench#1_RAW#1'], resample('5min'));
await signal.process(['Bench#1_RAW#1'], linearInterpolation());
const dir = mkdtempSync(join(tmpdir(), 'ms-archive-cmp-'));
const path = await mine.saveSignal(signal, dir);
const time = async (f: () => Promise<unknown>): Promise<number> => { const t = performance.now(); await f(); return (performance.now() - t) / 1000; };
const a: number[] = [], b: number[] = [];
for (let i = 0; i < 5; i++) {
  a.push(await time(() => other.loadSignal(path)));
  b.push(await time(() => mine.loadSignal(path)));
}
console.log(`points ${n} (+ resampled + interpolated)`);
console.log(`other checkout: best ${Math.min(...a).toFixed(3)} s (${a.map((x) => x.toFixed(2)).join(', ')})`);
console.log(`this checkout:  best ${Math.min(...b).toFixed(3)} s (${b.map((x) => x.toFixed(2)).join(', ')})`);
rmSync(dir, { recursive: true, force: true });
