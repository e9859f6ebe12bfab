/**
 * Ad hoc archive benchmark (not a test): the reference workload — 1,000,000 points at
 * 1-minute spacing plus its resampled (5min) and interpolated versions — saved and
 * loaded by Python meteaudata 0.12.1 and by metaseries, in the same run.
 *
 *   npx tsc -b packages/core && npx tsx bench/archive-measure.ts [points]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSignal, saveSignal } from '@metaseries/core';

const N = Number(process.argv[2] ?? 1_000_000);
const PY = join(process.cwd(), '.venv', 'bin', 'python');
const dir = mkdtempSync(join(tmpdir(), 'ms-archive-bench-'));

const py = `
import sys, time, warnings, numpy as np, pandas as pd
warnings.simplefilter('ignore')
from meteaudata import Signal, resample, linear_interpolation
n = int(sys.argv[1]); out = sys.argv[2]
rng = np.random.default_rng(1)
v = rng.normal(100, 10, n); v[rng.random(n) < 0.01] = np.nan
s = Signal(input_data=pd.Series(v, index=pd.date_range('2020-01-01', periods=n, freq='min'), name='RAW'), name='Bench', units='mg/l')
s.process(['Bench#1_RAW#1'], resample, '5min')
s.process(['Bench#1_RAW#1'], linear_interpolation)
t = time.perf_counter(); s.save(out); save = time.perf_counter() - t
t = time.perf_counter(); Signal.load_from_directory(out + '/Bench#1.zip', 'Bench#1'); load = time.perf_counter() - t
print(save, load)
`;
const [pySave, pyLoad] = execFileSync(PY, ['-c', py, String(N), join(dir, 'py')], { maxBuffer: 1 << 26 }).toString().trim().split(/\s+/).map(Number) as [number, number];

const time = async <T>(f: () => Promise<T>): Promise<[T, number]> => { const t = performance.now(); const r = await f(); return [r, (performance.now() - t) / 1000]; };
const [signal, loadPyArchive] = await time(() => loadSignal(join(dir, 'py', 'Bench#1.zip')));
const saves: number[] = [], loads: number[] = [];
for (let i = 0; i < 3; i++) {
  const [path, s] = await time(() => saveSignal(signal, join(dir, 'ts')));
  saves.push(s);
  const [, l] = await time(() => loadSignal(path));
  loads.push(l);
}
const best = (a: number[]) => Math.min(...a);
const size = (p: string) => (statSync(p).size / 1e6).toFixed(1);
console.log(`points: ${N} raw + ${signal.get('Bench#1_RESAMPLED#1').series.length} resampled + ${signal.get('Bench#1_LIN-INT#1').series.length} interpolated`);
console.log(`python  save ${pySave.toFixed(2)} s   load ${pyLoad.toFixed(2)} s   (zip ${size(join(dir, 'py', 'Bench#1.zip'))} MB)`);
console.log(`metaseries save ${best(saves).toFixed(3)} s (runs ${saves.map((x) => x.toFixed(2)).join(', ')})   load ${best(loads).toFixed(3)} s (runs ${loads.map((x) => x.toFixed(2)).join(', ')})   (zip ${size(join(dir, 'ts', 'Bench#1.zip'))} MB)`);
console.log(`metaseries load of the Python archive: ${loadPyArchive.toFixed(3)} s`);
console.log(`speed-up: save ×${(pySave / best(saves)).toFixed(1)} (target 20), load ×${(pyLoad / best(loads)).toFixed(1)} (target 10)`);
rmSync(dir, { recursive: true, force: true });
