#!/usr/bin/env node
/**
 * Create the git-ignored Python venvs the interop tests and benchmarks use, one per
 * pandas generation:
 * - `.venv/` from scripts/python-requirements.txt (pandas 2.3.3, the reference's pin);
 * - `.venv-pandas3/` from scripts/python-requirements-pandas3.txt (the newest pandas 3).
 * Idempotent: a marker holding the requirements' hash makes a second run instant.
 * - `.venv-bench/` from bench/python/arctic-requirements.txt (ArcticDB, DuckDB: benchmark
 *   peers only; made on demand by `npm run bench`, never by default — it takes minutes).
 * `node scripts/python-venv.mjs pandas2` (or `pandas3`, `bench`) makes only that one.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const VENVS = [
  { id: 'pandas2', dir: '.venv', requirements: 'scripts/python-requirements.txt', byDefault: true },
  { id: 'pandas3', dir: '.venv-pandas3', requirements: 'scripts/python-requirements-pandas3.txt', byDefault: true },
  { id: 'bench', dir: '.venv-bench', requirements: 'bench/python/arctic-requirements.txt', byDefault: false },
];
const wanted = process.argv.slice(2);
const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit', cwd: root });

for (const v of VENVS) {
  if (wanted.length > 0 ? !wanted.includes(v.id) : !v.byDefault) continue;
  const venv = join(root, v.dir);
  const python = join(venv, 'bin', 'python');
  const requirements = join(root, v.requirements);
  const marker = join(venv, '.metaseries-requirements');
  const hash = createHash('sha256').update(readFileSync(requirements)).digest('hex');
  if (existsSync(python) && existsSync(marker) && readFileSync(marker, 'utf8') === hash) {
    console.log(`python venv ready: ${venv}`);
    continue;
  }
  if (!existsSync(python)) {
    console.log(`creating python venv in ${venv}`);
    run(process.env.PYTHON ?? 'python3', ['-m', 'venv', venv]);
  }
  console.log(`installing ${v.requirements} into ${venv}`);
  run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', requirements]);
  writeFileSync(marker, hash);
  console.log(`python venv ready: ${venv}`);
}
