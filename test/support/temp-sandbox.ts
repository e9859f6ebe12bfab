/**
 * vitest globalSetup: run the whole suite with TMPDIR pointing at a fresh sandbox folder
 * (workers, Python and other child processes inherit it), then fail the run listing
 * whatever the tests left behind in it. The sandbox itself is always removed, so a
 * failed or interrupted run does not litter the system temp folder either.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const sandbox = mkdtempSync(join(tmpdir(), 'metaseries-test-run-'));
  // Traversable like /tmp: the PostgreSQL test server runs as another user when we are root.
  chmodSync(sandbox, 0o755);
  process.env.TMPDIR = sandbox;
  return () => {
    // tsx keeps its compile cache in the temp folder (`tsx-<uid>`): that is the tool's, not a test's.
    const left = readdirSync(sandbox).filter((name) => !/^tsx-\d+$/.test(name));
    rmSync(sandbox, { recursive: true, force: true, maxRetries: 3 });
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    if (left.length > 0) {
      // vitest logs an error thrown here but keeps the exit code: set it ourselves.
      process.exitCode = 1;
      throw new Error(`The tests left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in the temp folder (use tempDir() from test/support/tmp.ts): ${left.sort().join(', ')}`);
    }
  };
}
