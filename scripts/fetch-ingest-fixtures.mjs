#!/usr/bin/env node
/**
 * Fetch ingestion fixtures that nobody here wrote and that are too big to commit: the
 * TMY3 weather file `723170TYA.CSV` shipped inside the pvlib wheel on PyPI. Downloads
 * the wheel with the venv's pip (no dependencies), extracts the one file into the
 * git-ignored test/fixtures/downloads/. Idempotent.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'test', 'fixtures', 'downloads');
const target = join(out, '723170TYA.CSV');
const python = join(root, '.venv', 'bin', 'python');
if (existsSync(target)) {
  console.log(`ingest fixtures ready: ${target}`);
  process.exit(0);
}
if (!existsSync(python)) {
  console.error(`no venv at ${python}: run "node scripts/python-venv.mjs" first`);
  process.exit(1);
}
mkdirSync(out, { recursive: true });
const tmp = mkdtempSync(join(tmpdir(), 'metaseries-pvlib-'));
try {
  execFileSync(python, ['-m', 'pip', 'download', '--quiet', '--disable-pip-version-check', '--no-deps', '--only-binary=:all:', '-d', tmp, 'pvlib==0.13.1'], { stdio: 'inherit' });
  const wheel = readdirSync(tmp).find((f) => f.endsWith('.whl'));
  if (!wheel) throw new Error('pip downloaded no pvlib wheel');
  execFileSync(python, ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); open(sys.argv[2], "wb").write(z.read("pvlib/data/723170TYA.CSV"))', join(tmp, wheel), target]);
  console.log(`ingest fixtures ready: ${target}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
