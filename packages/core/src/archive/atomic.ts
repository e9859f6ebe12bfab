import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MetaseriesError } from '../errors.js';
import { fsyncDir, tempPath, writeSynced } from '../files/commit.js';

/** An fs failure as our error: ENAMETOOLONG is the caller's input, the rest IO_ERROR. */
export function ioError(what: string, cause: unknown): MetaseriesError {
  if (cause instanceof MetaseriesError) return cause;
  // A name longer than the file system allows is the caller's input, not an I/O failure.
  if ((cause as NodeJS.ErrnoException).code === 'ENAMETOOLONG') return new MetaseriesError('INVALID_INPUT', `${what}: a name is too long for the file system`, { cause });
  return new MetaseriesError('IO_ERROR', `${what}: ${(cause as Error).message}`, { cause });
}

/** A hidden fixed-length temp name in the same folder as `path` (so the final rename is atomic). */
export const tempSibling = tempPath;
export { fsyncDir, writeSynced };

/**
 * Replace `path` with `data` atomically: write a temp file in the same folder, fsync,
 * rename over the target. On failure the old file is intact and the temp file removed.
 */
export async function writeFileAtomic(path: string, data: Buffer | string): Promise<void> {
  const tmp = tempSibling(path);
  try {
    await writeSynced(tmp, data);
    await rename(tmp, path);
    await fsyncDir(dirname(path));
  } catch (cause) {
    await rm(tmp, { force: true });
    throw ioError(`Cannot write ${JSON.stringify(path)}`, cause);
  }
}

/**
 * Replace the folder `path` by a new one holding `files` (relative names → bytes):
 * the new folder is built and fsynced beside it, then swapped in with renames, so a
 * reader sees the old folder or the new one, and a failure keeps the old one.
 */
export async function writeDirAtomic(path: string, files: ReadonlyMap<string, Buffer | string>): Promise<void> {
  const tmp = tempSibling(path);
  const old = tempSibling(path);
  try {
    await mkdir(tmp, { recursive: true });
    for (const [name, data] of files) {
      const target = join(tmp, name);
      await mkdir(dirname(target), { recursive: true });
      await writeSynced(target, data);
    }
    await fsyncDir(tmp);
  } catch (cause) {
    await rm(tmp, { recursive: true, force: true });
    throw ioError(`Cannot write ${JSON.stringify(path)}`, cause);
  }
  let hadOld = false;
  try {
    await stat(path);
    hadOld = true;
    await rename(path, old);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') {
      await rm(tmp, { recursive: true, force: true });
      throw ioError(`Cannot replace ${JSON.stringify(path)}`, cause);
    }
  }
  try {
    await rename(tmp, path);
  } catch (cause) {
    if (hadOld) await rename(old, path).catch(() => undefined);
    await rm(tmp, { recursive: true, force: true });
    throw ioError(`Cannot replace ${JSON.stringify(path)}`, cause);
  }
  await fsyncDir(dirname(path));
  if (hadOld) await rm(old, { recursive: true, force: true });
}
