/**
 * Writes docs/performance.md from bench/results/latest.json (a real run): the table, the
 * machine, the command, and the issue targets with met / not met.
 * Run: npx tsx bench/doc.ts
 */
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Row } from './measure.js';
import { table } from './report.js';
import { ROOT } from './python.js';

const data = JSON.parse(readFileSync(join(ROOT, 'bench', 'results', 'latest.json'), 'utf8')) as { n: number; reps: number; range_n: number; node: string; python: string | null; command: string; wall_s: number; rows: Row[] };
const find = (op: string, be: string | null) => data.rows.find((r) => r.operation === op && r.backend === be);
const verdict = (ok: boolean | null) => (ok === null ? 'not measured' : ok ? '**met**' : '**not met**');
const x = (r: number | null | undefined) => (r == null ? '—' : `${r.toFixed(1)}×`);
const targets: string[] = [];
const ratioTarget = (label: string, row: Row | undefined, min: number) => targets.push(`| ${label} | ≥ ${min}× | ${x(row?.ratio)} | ${verdict(row?.ratio == null ? null : row.ratio >= min)} |`);
ratioTarget('archive save (Dataset zip)', find('archive_save', null), 20);
ratioTarget('archive load', find('archive_load', null), 10);
ratioTarget('Parquet save vs pandas-disk save_all', find('backend_save', 'parquet'), 20);
for (const op of ['create', 'resample', 'interpolate']) ratioTarget(`compute: ${op}`, find(op, null), 1);
for (const r of data.rows.filter((r) => r.operation === 'range_read_1day')) {
  targets.push(`| range read of one day (${r.backend}, ${data.range_n.toLocaleString('en')} points stored) | ≤ 20 ms | ${r.ts_median_s == null ? '—' : `${(r.ts_median_s * 1000).toFixed(1)} ms`} | ${verdict(r.ts_median_s == null ? null : r.ts_median_s <= 0.02)} |`);
}
const sh = (c: string) => { try { return execSync(c).toString().trim(); } catch { return '?'; } };
const md = `# Performance

metaseries against Python meteaudata 0.12.1 on the reference workload: ${data.n.toLocaleString('en')} points at
1-minute spacing (seeded random walk, 1% NaN; the same float64 values are handed to Python in a file).
Each operation runs once as a warm-up, then ${data.reps} times alternating metaseries / Python; the table shows
medians. **ratio = Python time ÷ metaseries time** (higher is better for metaseries); for \`bytes_per_point\`
and \`lazy_peak_mb\` it is Python's value ÷ metaseries' value.

## Command

\`\`\`
${data.command}
\`\`\`

Wall time of that run: ${(data.wall_s / 60).toFixed(1)} min (plus the \`npm run build\` it starts with). The defaults
(\`npm run bench\`) are \`--n 1000000 --reps 5 --range-n 10000000\`; \`--only compute,archive,backend,range,lazy\`
(or operation names) picks rows. Results: \`bench/results/latest.json\`; this page: \`npx tsx bench/doc.ts\`.

## Machine

- ${cpus().length} CPU cores (\`nproc\` = ${sh('nproc')}), ${cpus()[0]?.model ?? '?'}; ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM
- Node ${data.node}, Python ${data.python ?? '(none)'} (meteaudata 0.12.1, pandas ${sh(`${join(ROOT, '.venv/bin/python')} -c "import pandas; print(pandas.__version__)"`)})
- ${sh('uname -sr')}; a shared machine: other sessions (builds, test runs) were running at the same time, so timings are noisy.

## Targets (from the issues)

| target | wanted | measured | verdict |
|---|---|---|---|
${targets.join('\n')}

## Results

${table(data.rows)}

## How to read the rows

- \`create\`: a raw Series + Signal from the values. \`resample\`: \`signal.process\` with a 5-min mean;
  \`interpolate\`: linear interpolation (both through the processing-history machinery, not the bare kernels).
- \`archive_save\` / \`archive_load\`: a Dataset zip holding one signal with raw + resampled + interpolated series
  (\`saveDataset\` / \`loadDataset\` vs \`Dataset.save\` / \`Dataset.load\`). Each side loads the zip it wrote.
- \`backend_save\` / \`backend_load\`: the same dataset through \`dataset.saveAll()\` and \`Dataset.fromBackend\` + every
  series loaded, vs Python \`set_backend\` + \`save_all()\` / \`load_all()\`. Python columns come from the backend Python
  has: pandas-memory, sql (SQLite; its \`SQLAdapter\` fails above ≈62,500 points, so it runs at 50,000 points and the
  ratio compares time per point), pandas-disk (Parquet), polars (100,000 points: the adapter writes every index value
  as text into a YAML sidecar; time per point again). Python has no PostgreSQL driver in the venv.
- \`range_read_1day\`: one day (1,440 points) read from a stored series of \`--range-n\` points on a freshly opened
  dataset; Python can only load the whole series and slice.
- \`lazy_peak_mb\`: a child process opens a stored Dataset of 10 signals × n points and reads one day from each; the
  value is that child's peak RSS. Python: a fresh process that \`load_all()\`s the pandas-disk dataset and slices.
- \`ts_peak_rss_mb\` / \`py_peak_rss_mb\` in the other rows are each process's peak RSS *so far* (peaks only grow), so they
  show the running high-water mark, not the cost of that row alone.
`;
// Sections measured by their own scripts, kept in bench/results/<name>.md (written by those scripts).
const QUALITY = join(ROOT, 'bench', 'results', 'quality.md');
const quality = existsSync(QUALITY) ? `
## Quality control (\`bench/quality-measure.ts\`)

\`npx tsc -b packages/processing && npx tsx bench/quality-measure.ts\` — the data-quality transforms of
\`@metaseries/processing\` (docs/quality-control.md) against pandas 2.3.3 / scipy on the same values, each
operation timed on both sides in turn so both see the same machine load.

${readFileSync(QUALITY, 'utf8')}` : '';
writeFileSync(join(ROOT, 'docs', 'performance.md'), md + quality);
process.stdout.write('wrote docs/performance.md\n');
