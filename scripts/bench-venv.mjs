#!/usr/bin/env node
/**
 * Create the git-ignored bench-only Python venv `.venv-bench/` with ArcticDB
 * (bench/python/arctic-requirements.txt), the peer of the store workload S(N).
 * Idempotent: a marker holding the requirements' hash makes a second run instant.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const venv = join(root, '.venv-bench');
const python = join(venv, 'bin', 'python');
const requirements = join(root, 'bench', 'python', 'arctic-requirements.txt');
const marker = join(venv, '.metaseries-requirements');
const hash = createHash('sha256').update(readFileSync(requirements)).digest('hex');

if (existsSync(python) && existsSync(marker) && readFileSync(marker, 'utf8') === hash) process.exit(0);
const run = (cmd, args) => execFileSync(cmd, args, { stdio: ['ignore', 2, 2], cwd: root });
if (!existsSync(python)) run(process.env.PYTHON ?? 'python3', ['-m', 'venv', venv]);
console.error('installing the bench-only python requirements (arcticdb)');
run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', requirements]);
writeFileSync(marker, hash);
