import { randomBytes } from 'node:crypto';
import { writeSync } from 'node:fs';
import { link, mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { MetaseriesError, show } from '../errors.js';

/**
 * The one file-commit module of every file writer (native layout, both meteaudata
 * layouts, archives). Trade-offs, written once:
 *
 * - **Temp names** are fixed-length (`.ms-<pid:7 base36>-<16 hex>.tmp`, 32 bytes) and
 *   live beside the target, so a long target name never makes a too-long temp name and
 *   the final `rename` stays inside one folder (atomic on POSIX and NTFS).
 * - **Durability**: the temp file is fsynced before the rename, the folder after it
 *   (some file systems refuse a directory fsync; the rename is still atomic there).
 * - **Commit** is the rename (replace) or a `link` (create-if-absent: the
 *   compare-and-set of one name across processes — two writers of the same new name,
 *   one wins and the other gets CONFLICT).
 * - **Cleanup**: `removeStaleTemps(dir)` removes only temp files whose name says they
 *   are ours (the `.ms-` pattern) AND whose writer process is gone (pid not alive) —
 *   never another live writer's file, never a file another program made.
 * - **Locks** (`withKeyLock`) order the writers and readers of one key inside one
 *   process, across every backend instance opened on the same folder. Across
 *   processes the stores rely on compare-and-set (native layout) or document one
 *   writer per key (meteaudata layouts).
 */

export const TEMP_PREFIX = '.ms-';
export const TEMP_SUFFIX = '.tmp';
/** `.ms-` + 7 base36 pid + `-` + 16 hex + `.tmp`. */
export const TEMP_PATTERN = /^\.ms-([0-9a-z]{7})-[0-9a-f]{16}\.tmp$/;

/**
 * Marks a point between two steps of a commit. Off (free) unless the environment sets
 * `METASERIES_COMMIT_PAUSE_MS`: then it prints `metaseries-commit-step <label>` on
 * stderr, blocks that long and prints `metaseries-commit-resumed <label>`, so the crash
 * tests can kill -9 a writer exactly between two steps and know that they did (no
 * `resumed` line after the kill).
 */
export function commitStep(label: string): void {
  const pause = process.env.METASERIES_COMMIT_PAUSE_MS;
  if (!pause) return;
  writeSync(2, `metaseries-commit-step ${label}\n`);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(pause));
  writeSync(2, `metaseries-commit-resumed ${label}\n`);
}

/** A fresh temp name (basename only); see `tempPath`. */
export function tempName(): string {
  const pid = process.pid.toString(36).padStart(7, '0').slice(-7);
  return `${TEMP_PREFIX}${pid}-${randomBytes(8).toString('hex')}${TEMP_SUFFIX}`;
}

/** A fresh temp path beside `target` (same folder, so the commit rename is atomic). */
export function tempPath(target: string): string {
  return join(dirname(target), tempName());
}

/** fsync a folder so renames and unlinks in it survive a power cut. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Some file systems (and Windows) refuse a directory fsync; the rename is still atomic.
  } finally {
    await handle?.close();
  }
}

/** Write bytes (or chunks) to a new file and fsync it. */
export async function writeSynced(path: string, data: string | Uint8Array | readonly Uint8Array[]): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) await handle.writeFile(data);
    else await handle.writev(data as Uint8Array[]);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Remove a file; a missing one is fine. */
export async function removeFile(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

function ioError(what: string, cause: unknown): MetaseriesError {
  if (cause instanceof MetaseriesError) return cause;
  return new MetaseriesError('IO_ERROR', `${what}: ${(cause as Error).message}`, { cause });
}

/**
 * Write `data` to a temp file beside `target`, fsynced; returns its path. The caller
 * commits it with `commitTemp` (replace) or `commitTempIfAbsent` (create-only), or
 * drops it with `removeFile`.
 */
export async function stageFile(target: string, data: string | Uint8Array | readonly Uint8Array[]): Promise<string> {
  const temp = tempPath(target);
  try {
    await writeSynced(temp, data);
  } catch (cause) {
    await removeFile(temp).catch(() => undefined);
    throw ioError(`Cannot write ${show(target)}`, cause);
  }
  return temp;
}

/** Commit a staged temp file by renaming it over `target`; the folder is fsynced unless `sync: false` (batch, then `fsyncDir`). */
export async function commitTemp(temp: string, target: string, options: { sync?: boolean } = {}): Promise<void> {
  try {
    await rename(temp, target);
  } catch (cause) {
    await removeFile(temp).catch(() => undefined);
    throw ioError(`Cannot commit ${show(target)}`, cause);
  }
  if (options.sync !== false) await fsyncDir(dirname(target));
}

/**
 * Commit a staged temp file as `target` only if `target` does not exist (a hard link,
 * atomic across processes). Returns false, leaving `target` untouched, when it exists.
 * The temp name is removed either way.
 */
export async function commitTempIfAbsent(temp: string, target: string): Promise<boolean> {
  try {
    await link(temp, target);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'EEXIST') {
      await removeFile(temp).catch(() => undefined);
      return false;
    }
    await removeFile(temp).catch(() => undefined);
    throw ioError(`Cannot commit ${show(target)}`, cause);
  }
  await removeFile(temp);
  await fsyncDir(dirname(target));
  return true;
}

/**
 * Replace `target` with `data` atomically: temp beside it, fsync, rename, fsync folder.
 * On failure the old file is intact and the temp file removed.
 * @example await writeFileAtomic('./store/catalog.json', JSON.stringify(catalog));
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array | readonly Uint8Array[]): Promise<void> {
  await commitTemp(await stageFile(target, data), target);
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: alive but not ours to signal.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove our temp files (files or folders) in `dir` whose writer process is gone.
 * Returns the names removed. Anything else in the folder is left alone.
 */
export async function removeStaleTemps(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP_PATTERN.exec(name);
    if (!m || processAlive(parseInt(m[1]!, 36))) continue;
    await rm(join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  if (removed.length > 0) await fsyncDir(dir);
  return removed;
}

/** Whether a folder entry is one of our temp files (so listings skip it). */
export function isTempName(name: string): boolean {
  return TEMP_PATTERN.test(basename(name));
}

const locks = new Map<string, Promise<unknown>>();

/**
 * Run `body` while holding the lock of `key` in folder `dir` inside this process
 * (every backend instance on the same folder shares it). Writers and readers of one
 * key run one after another; different keys run concurrently.
 * @example await withKeyLock(dir, 'plant/COD#1/RAW#1', () => save());
 */
export async function withKeyLock<T>(dir: string, key: string, body: () => Promise<T>): Promise<T> {
  const id = `${resolve(dir)}\0${key}`;
  const previous = locks.get(id) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(body);
  const tail = run.catch(() => undefined);
  locks.set(id, tail);
  try {
    return await run;
  } finally {
    if (locks.get(id) === tail) locks.delete(id);
  }
}

/** Whether a path exists (a missing one is false; other errors are thrown). */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/**
 * Check a store folder before opening it: it must exist and be a folder unless
 * `create` is true (then it is made). A mistyped path is an error naming it.
 */
export async function ensureStoreDir(dir: string, create: boolean, backend: string): Promise<void> {
  let info;
  try {
    info = await stat(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(`Cannot open store folder ${show(dir)}`, e);
    if (!create) {
      throw new MetaseriesError('NOT_FOUND', `Store folder ${show(resolve(dir))} does not exist; pass { create: true } (URL: "${backend}:${dir}?create=true") to make a new store`, { backend });
    }
    await mkdir(dir, { recursive: true });
    return;
  }
  if (!info.isDirectory()) throw new MetaseriesError('INVALID_INPUT', `${show(resolve(dir))} is a file, not a ${backend} store folder`, { backend });
}
