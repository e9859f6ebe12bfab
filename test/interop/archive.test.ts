/**
 * Archives against the real Python meteaudata 0.12.1, both ways:
 * - Python writes a corpus (scripts/gen_archive_fixtures.py corpus: tuple/numpy tags,
 *   `;` CSVs, multi-row headers, DST, un-numbered names, `last_updated` without
 *   microseconds, old aliases, RangeIndex/float index, non-ASCII…) → we load each equal
 *   to what Python had in memory;
 * - we re-save each → YAML and CSV bytes equal Python's (where Python's own file is
 *   plain YAML), and Python's `Signal.load_from_directory` / `Dataset.load` reads ours
 *   equal to our view;
 * - the codecs against Python on random inputs (float repr, PyYAML dump).
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual, promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Dataset, loadDataset, loadSignal, saveDataset, saveSignal, type Signal } from '@metaseries/core';
import { dumpYaml, pyFloatRepr, readZip } from '@metaseries/core/backend-kit';
import { datasetView, signalView } from '../support/archive-view.js';
import { PYTHONS, pythonAvailable, ROOT, runPython, skipReason } from '../support/python.js';
import { tempDir } from '../support/tmp.js';
const GEN = join(ROOT, 'scripts', 'gen_archive_fixtures.py');
const run = promisify(execFile);

interface Case { kind: 'signal' | 'dataset'; name: string; save: Record<string, unknown>; view: Record<string, unknown> }

/** Python writes these differently on purpose; the re-saved YAML is expected to differ. */
const YAML_DIFFERS: Record<string, string> = {
  tagged: 'Python wrote !!python tags; we write plain YAML',
  last_updated_no_micro: 'we write last_updated with microseconds so Python can reload it',
  old_aliases: 'we write the pandas >= 2.2 frequency alias',
};
/** Python cannot load these faithfully (reference §9): compared only in the other direction. */
const PYTHON_CANNOT: Record<string, string> = {
  tz_dst: 'Python cannot reload a zoned series across DST (AttributeError)',
  unnumbered: 'Python adds an empty "#1" twin of every un-numbered series',
  empty_default: 'Python renames the default signal "signal" to "signal#1" on load',
};

/** Deep equality where floats may differ by Python read_csv's last-bit rounding (it is not correctly rounded). */
function close(a: unknown, b: unknown, path: string, out: string[]): void {
  if (typeof a === 'number' && typeof b === 'number') {
    if (!(Object.is(a, b) || Math.abs(a - b) <= 4 * Number.EPSILON * Math.max(Math.abs(a), Math.abs(b)))) out.push(`${path}: ${a} != ${b}`);
    return;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) close((a as never)[k], (b as never)[k], `${path}.${k}`, out);
    return;
  }
  if (a !== b) out.push(`${path}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`);
}

for (const side of PYTHONS) {
const HAVE_PYTHON = pythonAvailable(side);
const PYTHON = side.python;
describe.skipIf(!HAVE_PYTHON)(`archives ⇄ Python meteaudata 0.12.1 on ${side.label}`, () => {
  // Made only when the suite runs: a skipped describe's body still runs, but its afterAll (the cleanup) does not.
  const corpus = HAVE_PYTHON ? tempDir('ms-archive-corpus-') : '';
  const cases = new Map<string, Case & { path: string }>();

  beforeAll(async () => {
    await run(PYTHON, [GEN, 'corpus', corpus], { env: { ...process.env, PYTHONWARNINGS: 'ignore' }, timeout: 120_000 });
    for (const c of readdirSync(corpus).sort()) {
      const expected = JSON.parse(readFileSync(join(corpus, c, 'expected.json'), 'utf8')) as Case;
      const zip = join(corpus, c, `${expected.name}.zip`);
      cases.set(c, { ...expected, path: existsSync(zip) ? zip : join(corpus, c) });
    }
  }, 180_000);

  const load = (c: Case & { path: string }) => (c.kind === 'signal' ? loadSignal(c.path) : loadDataset(c.path));
  const view = (c: Case, obj: Signal | Dataset) => (c.kind === 'signal' ? signalView(obj as Signal) : datasetView(obj as Dataset));

  it('reads every Python-written archive equal to what Python had in memory', async () => {
    expect(cases.size).toBeGreaterThanOrEqual(20);
    const failures: string[] = [];
    for (const [key, c] of cases) {
      const diffs: string[] = [];
      close(view(c, await load(c)), c.view, key, diffs);
      // Exact, not close: our CSV reader is correctly rounded.
      if (diffs.length === 0 && !isDeepStrictEqual(view(c, await load(c)), c.view)) diffs.push(`${key}: not bit-identical`);
      failures.push(...diffs);
    }
    expect(failures).toEqual([]);
  });

  it('re-saves every archive with the same YAML and CSV bytes as Python (plain cases)', async () => {
    const out = tempDir('ms-archive-resave-');
    const failures: string[] = [];
    for (const [key, c] of cases) {
      if (!c.path.endsWith('.zip')) continue;
      const s = c.save as { separator?: string; output_index_name?: string | string[]; output_value_names?: never };
      const options = { separator: s.separator, outputIndexName: s.output_index_name ?? null, outputValueNames: s.output_value_names ?? null };
      const obj = await load(c);
      const written = c.kind === 'signal' ? await saveSignal(obj as Signal, join(out, key), options) : await saveDataset(obj as Dataset, join(out, key), options);
      const [orig, mine] = [await readZip(c.path), await readZip(written)];
      for (const [entry, data] of orig) {
        const same = mine.get(entry)?.equals(data) ?? false;
        if (entry.endsWith('.yaml') && key in YAML_DIFFERS) { expect(same, `${key} ${entry}: ${YAML_DIFFERS[key]}`).toBe(false); continue; }
        if (!same) failures.push(`${key}: ${entry}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('writes archives Python meteaudata loads equal to our view', async () => {
    const out = tempDir('ms-archive-topy-');
    const failures: string[] = [];
    const jobs: [string, string, string][] = [];
    const views: [string, unknown][] = [];
    for (const [key, c] of cases) {
      if (key in PYTHON_CANNOT) continue;
      const obj = await load(c);
      const written = c.kind === 'signal' ? await saveSignal(obj as Signal, join(out, key)) : await saveDataset(obj as Dataset, join(out, key));
      jobs.push([c.kind, written, c.name]);
      views.push([key, JSON.parse(JSON.stringify(view(c, obj)))]);
    }
    // One Python process for all of them: importing pandas + meteaudata costs seconds.
    writeFileSync(join(out, 'jobs.json'), JSON.stringify(jobs));
    const { stdout } = await run(PYTHON, [GEN, 'describe-many', join(out, 'jobs.json')], { env: { ...process.env, PYTHONWARNINGS: 'ignore' }, maxBuffer: 256 << 20 });
    const got = JSON.parse(stdout) as unknown[];
    views.forEach(([key, mine], i) => close(got[i], mine, key, failures));
    expect(failures).toEqual([]);
  }, 180_000);

  it('also as a folder (zip: false), with Python-readable options', async () => {
    const out = tempDir('ms-archive-folder-');
    const c = cases.get('basic')!;
    const sig = (await load(c)) as Signal;
    await saveSignal(sig, out, { zip: false, outputIndexName: 'timestamp' });
    const { stdout } = await run(PYTHON, [GEN, 'describe', 'signal', out, c.name], { env: { ...process.env, PYTHONWARNINGS: 'ignore' } });
    const failures: string[] = [];
    close(JSON.parse(stdout), JSON.parse(JSON.stringify(signalView(sig))), 'folder', failures);
    expect(failures).toEqual([]);
  });

  it('writes floats exactly as Python repr on random doubles', async () => {
    const n = 20_000;
    const buf = new Float64Array(n);
    const u = new Uint32Array(buf.buffer);
    for (let i = 0; i < n; i++) {
      if (i % 3 === 0) { u[2 * i] = (Math.random() * 2 ** 32) >>> 0; u[2 * i + 1] = (Math.random() * 2 ** 32) >>> 0; }
      else if (i % 3 === 1) buf[i] = Math.round(Math.random() * 1e6) / 10 ** Math.floor(Math.random() * 12);
      else buf[i] = Math.random() * 10 ** (Math.floor(Math.random() * 44) - 22);
    }
    const file = join(tempDir('ms-repr-'), 'f.bin');
    writeFileSync(file, Buffer.from(buf.buffer));
    const py = (await runPython("import sys,numpy as np;print('\\n'.join(repr(float(x)) for x in np.fromfile(sys.argv[1],dtype='<f8')))", [file], { python: PYTHON })).trim().split('\n');
    const bad = Array.from(buf).map((x, i) => [pyFloatRepr(x), py[i]]).filter(([a, b]) => a !== b);
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('dumps YAML byte-identical to PyYAML on random documents, and safe_load reads it back', async () => {
    const alpha = " abc:#-'\"\n\té°019[{,?!&*.\\xyz_ ";
    const words = ['def', 'f(x:', 'list[pd.Series],', 'freq:', '*args,', '->', '\n    ', 'return', '\n', 'x: y', '#c', '  ', 'yes', '0.1', '2024-01-01'];
    const pick = <T>(a: readonly T[]) => a[Math.floor(Math.random() * a.length)]!;
    const doc: Record<string, unknown> = {};
    for (let i = 0; i < 600; i++) {
      const r = i % 3;
      doc[`k${i}`] = r === 0 ? Array.from({ length: 1 + (i % 9) }, () => pick([...alpha])).join('')
        : r === 1 ? Array.from({ length: 5 + (i % 50) }, () => pick(words)).join(pick([' ', ''])) : pick([1.5, -3, 1e-7, 12345678.9, true, null, 'null', '', '~', 'on']);
    }
    doc.nested = { list: Object.values(doc).slice(0, 40), deep: [[1, 'a'], { z: [], y: {} }] };
    const dir = tempDir('ms-yaml-');
    writeFileSync(join(dir, 'doc.json'), JSON.stringify(doc));
    writeFileSync(join(dir, 'js.yaml'), dumpYaml(doc));
    const res = await runPython(
      "import json,sys,yaml;d=json.load(open(sys.argv[1]+'/doc.json'));js=open(sys.argv[1]+'/js.yaml').read();print(json.dumps([yaml.dump(d)==js, yaml.safe_load(js)==d]))",
      [dir], { python: PYTHON },
    );
    expect(JSON.parse(res)).toEqual([true, true]);
  });
});

// Declared only when skipping, so a run with Python lists no skip.
if (!HAVE_PYTHON) describe(`archives ⇄ Python meteaudata 0.12.1 on ${side.label}`, () => {
  it.skip(skipReason(side), () => undefined);
});
}
