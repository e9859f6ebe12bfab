import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MetaseriesError } from '@metaseries/core';
import { commitStep, fsyncDir, show, writeSynced } from '@metaseries/core/backend-kit';
import { type StemPaths, tempPath } from './files.js';

/**
 * Atomic commits of a Parquet + sidecar pair. Both new files are written to temp
 * names and fsynced; then a journal naming them is renamed into place (the commit
 * point) and the folder fsynced; then both are renamed over the old pair and the
 * journal removed. A kill -9 before the journal leaves the old pair (and stray temp
 * files, removed later); after it, recovery rolls the new pair forward. A reader
 * therefore sees the old pair or the new pair, never one file of each.
 */

interface Journal {
  /** Temp file → final file renames still to do (basenames, same folder). */
  renames: [string, string][];
  /** Final files to remove (a delete). */
  removes: string[];
}

/** Write `text` to `path` (a fresh temp name) and fsync it. */
export async function writeDurable(path: string, text: string): Promise<void> {
  await writeSynced(path, text);
}

async function removeIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

async function apply(dir: string, journal: Journal): Promise<void> {
  for (const [from, to] of journal.renames) {
    try {
      await rename(join(dir, from), join(dir, to));
    } catch (e) {
      // Already renamed by an earlier, interrupted recovery.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  for (const name of journal.removes) await removeIfPresent(join(dir, name));
  await fsyncDir(dir);
}

async function commit(paths: StemPaths, journal: Journal): Promise<void> {
  const dir = dirname(paths.journal);
  const temp = tempPath(dir);
  await writeDurable(temp, JSON.stringify(journal));
  commitStep('journal-staged');
  await rename(temp, paths.journal);
  await fsyncDir(dir);
  commitStep('journal-committed');
  await apply(dir, journal);
  commitStep('applied');
  await unlink(paths.journal);
  commitStep('journal-removed');
}

/** Replace the pair with two fsynced temp files, atomically. */
export function commitPair(paths: StemPaths, tempData: string, tempMeta: string): Promise<void> {
  return commit(paths, {
    renames: [
      [basename(tempData), basename(paths.data)],
      [basename(tempMeta), basename(paths.meta)],
    ],
    removes: [],
  });
}

/** Remove the pair atomically (no half-deleted key is ever visible after a crash). */
export function commitDelete(paths: StemPaths): Promise<void> {
  return commit(paths, { renames: [], removes: [basename(paths.data), basename(paths.meta)] });
}

/** Finish a commit a crash interrupted. Returns whether there was one. */
export async function recover(paths: StemPaths): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(paths.journal, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
  let journal: Journal;
  try {
    journal = JSON.parse(text) as Journal;
  } catch (cause) {
    throw new MetaseriesError('CORRUPT_DATA', `Commit journal ${show(paths.journal)} is unreadable`, { cause });
  }
  await apply(dirname(paths.journal), journal);
  await removeIfPresent(paths.journal);
  return true;
}

export { fsyncDir, removeIfPresent, writeFile };
