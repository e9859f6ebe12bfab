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

interface Machine { cores: number; model: string; ramGiB: number; os: string }
const data = JSON.parse(readFileSync(join(ROOT, 'bench', 'results', 'latest.json'), 'utf8')) as { n: number; reps: number; range_n: number; node: string; python: string | null; machine?: Machine; command: string; wall_s: number; rows: Row[] };
const PAGE = join(ROOT, 'docs', 'performance.md');
const previous = existsSync(PAGE) ? readFileSync(PAGE, 'utf8') : '';
/**
 * The machine a result file was measured on: recorded in the file by bench/run.ts; for files written
 * before it recorded one, what the page said (regenerating elsewhere must not describe this machine).
 */
const machineOf = (recorded: Machine | undefined, said: RegExp, fallback: string): string =>
  recorded ? `${recorded.cores} cores (${recorded.model})` : said.exec(previous)?.[1] ?? fallback;
function machineLines(): string {
  const m = data.machine;
  if (m) return `- ${m.cores} CPU cores, ${m.model}; ${m.ramGiB} GiB RAM`;
  return /## Machine\n\n(- \d+ CPU cores[^\n]*)/.exec(previous)?.[1] ?? `- ${cpus().length} CPU cores (\`nproc\` = ${sh('nproc')}), ${cpus()[0]?.model ?? '?'}; ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`;
}
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
// The store workload S(N) (issue 10), from bench/results/store.json when a run made it.
const storePath = join(ROOT, 'bench', 'results', 'store.json');
const store = existsSync(storePath) ? JSON.parse(readFileSync(storePath, 'utf8')) as { store_n: number[]; reps: number; machine?: Machine; command: string; wall_s: number; rows: Row[] } : null;
let storeSection = '';
if (store) {
  const at = (op: string, be: string, n: number) => store.rows.find((r) => r.operation === op && r.backend === be && r.n === n);
  const big = Math.max(...store.store_n), small = Math.min(...store.store_n);
  const ms = (r: Row | undefined) => (r?.ts_median_s == null ? '—' : `${(r.ts_median_s * 1000).toFixed(1)} ms`);
  const t: string[] = [];
  const row = (label: string, wanted: string, measured: string, ok: boolean | null) => t.push(`| ${label} | ${wanted} | ${measured} | ${verdict(ok)} |`);
  const le = (r: Row | undefined, max: number) => (r?.ts_median_s == null ? null : r.ts_median_s <= max);
  row(`append 1 h, SQLite, N = ${big.toLocaleString('en')}`, '≤ 3 ms', ms(at('store_append_1h', 'sqlite', big)), le(at('store_append_1h', 'sqlite', big), 0.003));
  row(`append 1 h, PostgreSQL, N = ${big.toLocaleString('en')}`, '≤ 30 ms', ms(at('store_append_1h', 'postgres', big)), le(at('store_append_1h', 'postgres', big), 0.03));
  for (const be of ['sqlite', 'postgres']) {
    const a = at('store_append_1h', be, big)?.ts_median_s, b = at('store_append_1h', be, small)?.ts_median_s;
    row(`append cost N = ${big.toLocaleString('en')} ÷ N = ${small.toLocaleString('en')}, ${be}`, '≤ 1.5×', a && b ? `${(a / b).toFixed(2)}×` : '—', a && b ? a / b <= 1.5 : null);
  }
  row(`read 1 day, SQLite, N = ${big.toLocaleString('en')}`, '≤ 2.5 ms', ms(at('store_read_1day', 'sqlite', big)), le(at('store_read_1day', 'sqlite', big), 0.0025));
  row(`read 1 day, PostgreSQL, N = ${big.toLocaleString('en')}`, '≤ 20 ms', ms(at('store_read_1day', 'postgres', big)), le(at('store_read_1day', 'postgres', big), 0.02));
  const all = at('store_read_all', 'sqlite', big);
  const rate = all?.ts_median_s ? (big + (store.reps + 1) * 3600) / all.ts_median_s / 1e6 : null;
  row('full read, SQLite', '≥ 70 M points/s', rate === null ? '—' : `${rate.toFixed(1)} M points/s`, rate === null ? null : rate >= 70);
  for (const be of ['sqlite', 'postgres']) {
    const o = at('store_read_asof', be, big)?.ts_median_s, c = at('store_read_all', be, big)?.ts_median_s;
    row(`asOf read ÷ current read, ${be}`, '≈ 1× (as fast)', o && c ? `${(o / c).toFixed(2)}×` : '—', o && c ? o / c <= 1.2 : null);
  }
  const vs = (op: string, label: string, test: (ratio: number) => boolean, wanted: string) => {
    const r = at(op, 'sqlite', big);
    row(`${label} vs ArcticDB (ratio = ArcticDB ÷ SQLite)`, wanted, r?.ratio == null ? '—' : `${r.ratio.toFixed(2)}×`, r?.ratio == null ? null : test(r.ratio));
  };
  vs('store_append_1h', 'append', (x) => x > 1, '> 1× (faster)');
  vs('store_read_1day', 'one-day read', (x) => x > 1, '> 1× (faster)');
  vs('store_write', 'write', (x) => x >= 1 / 1.5, '≥ 0.67× (within 1.5×)');
  vs('store_read_all', 'full read', (x) => x >= 1 / 1.5, '≥ 0.67× (within 1.5×)');
  vs('store_bytes_per_point', 'bytes on disk', (x) => x >= 9, '≥ 9× smaller');
  for (const be of ['sqlite', 'postgres']) {
    const b = at('store_bytes_per_point', be, big);
    row(`bytes/point, ${be}`, '≤ 1.0', b?.ts_value == null ? '—' : b.ts_value.toFixed(3), b?.ts_value == null ? null : b.ts_value <= 1);
  }
  storeSection = `## Store workload S(N) (issue 10)

One series of N points at 1-second spacing (random walk, steps in ±0.05, rounded to 0.01); write it; append one
hour (3,600 points, ${store.reps} times after a warm-up append); read one day (86,400 points); read everything; read
version 1 (before the appends) with \`asOf\`; bytes on disk per point. metaseries' native layout v2 on memory, SQLite
(file, WAL) and PostgreSQL, and **ArcticDB on an LMDB library** in the same run (the "Python" column of these rows;
\`bench/python/arctic.py\`, its own venv \`.venv-bench\` made by \`scripts/python-venv.mjs\`). ratio = ArcticDB ÷ metaseries.

\`\`\`
${store.command}
\`\`\`

Wall time ${(store.wall_s / 60).toFixed(1)} min, on ${machineOf(store.machine, /Wall time [\d.]+ min, on (\d+ cores \([^)]*\))/, `${cpus().length} cores (${cpus()[0]?.model ?? '?'})`)}, Node ${process.version}. The machine was shared with other sessions (load average above 10 during
the run): absolute times are inflated and noisy; the ratios against ArcticDB, measured alternately in the same run,
are the more meaningful figures.

| target (issue 10) | wanted | measured | verdict |
|---|---|---|---|
${t.join('\n')}

${table(store.rows.map((r) => ({ ...r, operation: `${r.operation} @ ${(r.n ?? 0).toLocaleString('en')}` })))}
`;
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

${machineLines()}
- Node ${data.node}, Python ${data.python ?? '(none)'} (meteaudata 0.12.1, pandas ${sh(`${join(ROOT, '.venv/bin/python')} -c "import pandas; print(pandas.__version__)"`)})
- ${data.machine?.os ?? (/\n- (\S+ [\d.]+\S*); a shared machine/.exec(previous)?.[1] ?? sh('uname -sr'))}; a shared machine: other sessions (builds, test runs) were running at the same time, so timings are noisy.

## Targets (from the issues)

| target | wanted | measured | verdict |
|---|---|---|---|
${targets.join('\n')}

## Results

${table(data.rows)}

${storeSection}
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
const QUERY = join(ROOT, 'bench', 'results', 'query.md');
const query = existsSync(QUERY) ? `
## Queries (\`bench/query-measure.ts\`, issue 13)

\`store.query\` on the native layouts (versioned segments) against pandas (read the Parquet file, then
resample) and DuckDB (\`time_bucket\` GROUP BY over the same data as Parquet files), in the same run.
Targets: hourly mean+max+p95 over one month of one series ≤ 50 ms; daily mean over everything ≤ 1 s per
backend. Daily max is answered from segment statistics (whole segments are not decoded, see docs/query.md).

${readFileSync(QUERY, 'utf8')}` : '';
const DISCOVERY = join(ROOT, 'bench', 'results', 'discovery.md');
const discovery = existsSync(DISCOVERY) ? `
## Discovery (\`bench/discovery-measure.ts\`, issue 13)

\`store.datasets()\`, \`signals(filters)\`, \`series(filters)\` and \`Dataset.find\` on a store of 10,000 series.
Target: any discovery call ≤ 50 ms on SQLite and on Parquet. The first call after opening reads every catalog
record and series summary; later calls reuse them while the store's change token says nothing was committed
(docs/query.md, "Finding series").

${readFileSync(DISCOVERY, 'utf8')}` : '';
const REFRESH = join(ROOT, 'bench', 'results', 'refresh.md');
const refresh = existsSync(REFRESH) ? `
## Living pipelines: refresh (\`bench/refresh-measure.ts\`, issue 17)

${readFileSync(REFRESH, 'utf8')}` : '';
// Everything below this line in docs/performance.md is kept as it is: sections written by
// hand or by other bench scripts (query, refresh, codec…), so regenerating the tables above
// never drops them.
const KEEP = '<!-- Below: sections kept as they are by bench/doc.ts (written by hand or by their own bench scripts). -->';
const kept = previous.includes(KEEP) ? previous.slice(previous.indexOf(KEEP) + KEEP.length) : '\n';
writeFileSync(PAGE, `${md}${quality}${query}${discovery}${refresh}\n${KEEP}${kept}`);
process.stdout.write('wrote docs/performance.md\n');
