import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MetaseriesError } from '../errors.js';
import { pathExists } from '../files/commit.js';
import { fsyncDir, ioError, writeFileAtomic, writeSynced } from './atomic.js';

/**
 * Folder archives (`saveSignal(…, { zip: false })`) are two things side by side in a
 * folder that may hold other archives: `<stem>_metadata.yaml` and `<stem>_data/`. No
 * single rename replaces both, so a save is a small journaled commit:
 *
 * 1. the new YAML and data folder are written and fsynced in a hidden staging folder
 *    `.<stem>.<random>.staging/` beside them (a kill here leaves the old archive as it was);
 * 2. the journal `.<stem>.metaseries-commit` naming the staging folder is written
 *    atomically — the commit point;
 * 3. the old data folder is moved into the staging folder, the new one and the new YAML
 *    renamed into place, the journal removed, then the staging folder (with the old data).
 *
 * Every step of 3 can be re-run, so whoever finds a journal — the next save or load —
 * finishes the commit: a reader never sees new CSVs beside the old YAML.
 */

const JOURNAL_SUFFIX = '.metaseries-commit';

function journalName(stem: string): string {
  return `.${stem}${JOURNAL_SUFFIX}`;
}

/** Finish the commit a journal describes (idempotent). */
async function rollForward(dir: string, stem: string, staging: string): Promise<void> {
  const st = join(dir, staging);
  const newData = join(st, `${stem}_data`);
  const newYaml = join(st, `${stem}_metadata.yaml`);
  const oldData = join(st, '.old_data');
  const data = join(dir, `${stem}_data`);
  if (await pathExists(newData)) {
    if (await pathExists(data)) {
      await rm(oldData, { recursive: true, force: true });
      await rename(data, oldData);
    }
    await rename(newData, data);
  }
  if (await pathExists(newYaml)) await rename(newYaml, join(dir, `${stem}_metadata.yaml`));
  await fsyncDir(dir);
  await rm(join(dir, journalName(stem)), { force: true });
  await fsyncDir(dir);
  await rm(st, { recursive: true, force: true });
}

/** Staging folders of `stem` left by a save killed before its commit point. */
async function removeOrphans(dir: string, stem: string): Promise<void> {
  let names: string[];
  try { names = await readdir(dir); } catch { return; }
  for (const n of names) {
    if (n.startsWith(`.${stem}.`) && n.endsWith('.staging')) {
      const middle = n.slice(stem.length + 2, -'.staging'.length);
      if (/^[0-9a-f]{12}$/.test(middle)) await rm(join(dir, n), { recursive: true, force: true });
    }
  }
}

/**
 * Finish any folder-archive commit interrupted in `dir` (a folder archive path, or the
 * folder holding the archive). Nothing to do for zip files.
 */
export async function recoverFolderCommits(path: string): Promise<void> {
  let names: string[];
  try {
    if (!(await stat(path)).isDirectory()) return;
    names = await readdir(path);
  } catch {
    return; // the reader reports a missing archive itself
  }
  for (const n of names) {
    if (!n.startsWith('.') || !n.endsWith(JOURNAL_SUFFIX)) continue;
    const stem = n.slice(1, -JOURNAL_SUFFIX.length);
    try {
      const journal = JSON.parse(await readFile(join(path, n), 'utf8')) as { staging?: unknown };
      if (typeof journal.staging !== 'string' || journal.staging.includes('/') || journal.staging.includes('\\')) throw new Error('no staging folder named');
      await rollForward(path, stem, journal.staging);
    } catch (cause) {
      throw new MetaseriesError('CORRUPT_DATA', `Folder archive ${JSON.stringify(join(path, `${stem}_metadata.yaml`))}: an interrupted save could not be finished (${(cause as Error).message})`, { cause });
    }
  }
}

/**
 * Replace the folder archive `<dir>/<stem>_metadata.yaml` + `<dir>/<stem>_data/` by
 * `yaml` and `dataFiles` (names relative to the data folder), as one commit.
 */
export async function commitFolderArchive(dir: string, stem: string, yaml: Buffer, dataFiles: ReadonlyMap<string, Buffer>): Promise<void> {
  await recoverFolderCommits(dir);
  await removeOrphans(dir, stem);
  const staging = `.${stem}.${randomBytes(6).toString('hex')}.staging`;
  const st = join(dir, staging);
  try {
    await mkdir(join(st, `${stem}_data`), { recursive: true });
    for (const [name, data] of dataFiles) {
      const target = join(st, `${stem}_data`, ...name.split('/'));
      await mkdir(dirname(target), { recursive: true });
      await writeSynced(target, data);
    }
    await fsyncDir(join(st, `${stem}_data`));
    await writeSynced(join(st, `${stem}_metadata.yaml`), yaml);
    await fsyncDir(st);
    await fsyncDir(dir);
  } catch (cause) {
    await rm(st, { recursive: true, force: true });
    throw ioError(`Cannot write folder archive ${JSON.stringify(join(dir, `${stem}_metadata.yaml`))}`, cause);
  }
  try {
    await writeFileAtomic(join(dir, journalName(stem)), JSON.stringify({ staging }));
  } catch (cause) {
    await rm(st, { recursive: true, force: true });
    throw cause;
  }
  try {
    await rollForward(dir, stem, staging);
  } catch (cause) {
    // Committed: the journal stays, and the next save or load finishes the job.
    throw ioError(`Saved folder archive ${JSON.stringify(join(dir, `${stem}_metadata.yaml`))} but could not finish moving it into place (the next load will)`, cause);
  }
}
