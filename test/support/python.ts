import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file lives in test/support/). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The interop venv's Python, made by `npm run test:interop` (scripts/python-venv.mjs). */
export const PYTHON = join(ROOT, '.venv', 'bin', 'python');

/**
 * Whether the Python interop tests can run. `npm test` runs them when the venv exists
 * and says plainly when it does not; `npm run test:interop` sets
 * METASERIES_INTEROP=required so a missing venv fails instead of skipping.
 */
export function pythonAvailable(): boolean {
  const ok = existsSync(PYTHON);
  if (!ok && process.env.METASERIES_INTEROP === 'required') {
    throw new Error(`Interop tests required but ${PYTHON} is missing: run "node scripts/python-venv.mjs"`);
  }
  return ok;
}

export const SKIP_PYTHON_REASON = `Python interop skipped: no venv at ${PYTHON} (run "npm run test:interop" to create it and run these tests)`;

/** Run a Python script (source text) with arguments; resolves with stdout, rejects with stderr. */
export function runPython(source: string, args: string[] = [], options: { timeoutMs?: number; cwd?: string } = {}): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      PYTHON,
      ['-c', source, ...args],
      { cwd: options.cwd ?? ROOT, timeout: options.timeoutMs ?? 120_000, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, PYTHONWARNINGS: 'ignore' } },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`Python failed: ${error.message}\n${stderr}`));
        else resolvePromise(stdout);
      },
    );
  });
}

/** Run Python source that prints one JSON document; parse it. */
export async function pythonJson<T = unknown>(source: string, args: string[] = []): Promise<T> {
  return JSON.parse(await runPython(source, args)) as T;
}
