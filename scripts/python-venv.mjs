#!/usr/bin/env node
/**
 * Create the git-ignored Python venv the interop tests and benchmarks use:
 * `.venv/` with the pinned packages of scripts/python-requirements.txt. Idempotent: a
 * marker holding the requirements' hash makes a second run instant.
 * `node scripts/python-venv.mjs <venv> <requirements>` makes another one (the bench-only
 * `.venv-bench` with ArcticDB: bench/python/arctic-requirements.txt).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [venvArg, requirementsArg] = process.argv.slice(2);
const venv = join(root, venvArg ?? '.venv');
const python = join(venv, 'bin', 'python');
const requirements = join(root, requirementsArg ?? join('scripts', 'python-requirements.txt'));
const marker = join(venv, '.metaseries-requirements');
const hash = createHash('sha256').update(readFileSync(requirements)).digest('hex');

if (existsSync(python) && existsSync(marker) && readFileSync(marker, 'utf8') === hash) {
  console.log(`python venv ready: ${venv}`);
  process.exit(0);
}
const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit', cwd: root });
if (!existsSync(python)) {
  console.log(`creating python venv in ${venv}`);
  run(process.env.PYTHON ?? 'python3', ['-m', 'venv', venv]);
}
console.log(`installing python requirements (${requirementsArg ?? 'meteaudata 0.12.1 and friends'})`);
run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', requirements]);
writeFileSync(marker, hash);
console.log(`python venv ready: ${venv}`);
