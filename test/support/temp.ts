import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * Temp folders for one test file, all removed after its last test (also when a test
 * failed). Call at the top level of the file.
 *
 * @example const tmp = tempDirs('ms-archive-'); const dir = tmp();
 */
export function tempDirs(prefix: string): () => string {
  const made: string[] = [];
  afterAll(() => { for (const d of made) rmSync(d, { recursive: true, force: true }); });
  return () => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    made.push(d);
    return d;
  };
}
