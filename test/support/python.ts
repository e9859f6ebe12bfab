import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file lives in test/support/). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** One Python side of the interop tests: a venv made by scripts/python-venv.mjs. */
export interface PythonSide {
  /** `pandas2` (pinned 2.3.3, the reference's) or `pandas3` (the newest 3.x). */
  id: 'pandas2' | 'pandas3';
  python: string;
  /** Human label for test names. */
  label: string;
}

/** Both pandas generations, each from its own venv. */
export const PYTHONS: readonly PythonSide[] = [
  { id: 'pandas2', python: join(ROOT, '.venv', 'bin', 'python'), label: 'pandas 2' },
  { id: 'pandas3', python: join(ROOT, '.venv-pandas3', 'bin', 'python'), label: 'pandas 3' },
];

/** The interop venv's Python (pandas 2), made by `npm run test:interop` (scripts/python-venv.mjs). */
export const PYTHON = PYTHONS[0]!.python;

/**
 * Whether the Python interop tests can run (on the given side; pandas 2 by default).
 * `npm test` runs them when the venv exists and says plainly when it does not;
 * `npm run test:interop` sets METASERIES_INTEROP=required so a missing venv fails
 * instead of skipping.
 */
export function pythonAvailable(side: PythonSide = PYTHONS[0]!): boolean {
  const ok = existsSync(side.python);
  if (!ok && process.env.METASERIES_INTEROP === 'required') {
    throw new Error(`Interop tests required but ${side.python} is missing: run "node scripts/python-venv.mjs"`);
  }
  return ok;
}

export const SKIP_PYTHON_REASON = `Python interop skipped: no venv at ${PYTHON} (run "npm run test:interop" to create it and run these tests)`;

/** Why a side is skipped, for the test name. */
export function skipReason(side: PythonSide): string {
  return `Python interop on ${side.label} skipped: no venv at ${side.python} (run "node scripts/python-venv.mjs" to create it)`;
}

let current: PythonSide = PYTHONS[0]!;

/**
 * Make `side` the Python that `runPython`/`pythonJson` use when not told otherwise — for
 * suites that run once per pandas generation (call it in the suite's `beforeAll`).
 */
export function usePython(side: PythonSide): void {
  current = side;
}

/**
 * Appended to every script: once a script has run to its end, leave without the interpreter's
 * teardown. pyarrow's thread pools can abort the process during that teardown ("terminate
 * called without an active exception", apache/arrow#34314) after all work and output are
 * done — seen once in CI after `pd.read_parquet`. A script that raises still exits 1 with its
 * traceback, so a real failure is still a failure.
 */
const EXIT_WITHOUT_TEARDOWN = '\nimport os as _os, sys as _sys\n_sys.stdout.flush()\n_sys.stderr.flush()\n_os._exit(0)\n';

/** Run a Python script (source text) with arguments; resolves with stdout, rejects with stderr. */
export function runPython(source: string, args: string[] = [], options: { timeoutMs?: number; cwd?: string; python?: string } = {}): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      options.python ?? current.python,
      ['-c', source + EXIT_WITHOUT_TEARDOWN, ...args],
      { cwd: options.cwd ?? ROOT, timeout: options.timeoutMs ?? 120_000, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, PYTHONWARNINGS: 'ignore' } },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`Python failed: ${error.message}\n${stderr}`));
        else resolvePromise(stdout);
      },
    );
  });
}

/** Run Python source that prints one JSON document; parse it. */
export async function pythonJson<T = unknown>(source: string, args: string[] = [], options: { python?: string } = {}): Promise<T> {
  return JSON.parse(await runPython(source, args, options)) as T;
}
