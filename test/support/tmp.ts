/**
 * Temporary folders for tests: one home, so every test cleans up what it makes, also
 * when it fails. The folder is removed when the current test finishes (called inside a
 * test) or after the file's tests (called at module level or in a `describe`/hook).
 *
 * test/support/temp-sandbox.ts (vitest globalSetup) points TMPDIR at a sandbox for the
 * whole run and fails the run listing anything left in it, so a test that makes its own
 * folder with `mkdtemp(tmpdir())` and forgets it is caught.
 *
 * @example
 * const dir = tempDir('metaseries-parquet-');
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, onTestFinished } from 'vitest';

export function tempDir(prefix = 'metaseries-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const remove = (): void => rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  try {
    onTestFinished(remove);
  } catch {
    // Not inside a running test: clean up after the file's tests instead.
    afterAll(remove);
  }
  return dir;
}
