// Child process for the folder-archive kill test: saves the signal `K` as a folder
// archive over and over, version k having units `v<k>` and every value equal to k (and
// 2 series), printing "ready" once the first save is done. The parent SIGKILLs it.
import { Series, Signal, saveSignal } from '@metaseries/core';

const [dir, pointsText] = process.argv.slice(2);
const points = Number(pointsText);
for (let k = 1; ; k++) {
  const signal = new Signal({
    name: 'K', units: `v${k}`,
    data: Series.regular('2024-01-01', 60_000_000, new Float64Array(points).fill(k), { name: 'RAW', tz: 'UTC', freq: 'min' }),
  });
  signal.addSeries(Series.regular('2024-01-01', 60_000_000, new Float64Array(points).fill(k), { name: 'COPY', tz: 'UTC', freq: 'min' }));
  await saveSignal(signal, dir, { zip: false });
  if (k === 1) process.stdout.write('ready\n');
}
