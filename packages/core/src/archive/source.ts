import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { MetaseriesError } from '../errors.js';
import { type ArchiveLimits, archiveLimits, openZip } from './zip.js';

/** The files of an archive, whether a zip (inflated entry by entry, on demand) or a folder. */
export interface ArchiveSource {
  readonly label: string;
  /** Relative names (`/`-separated) of every file. */
  readonly names: readonly string[];
  /** One file's bytes, within the archive limits. */
  read(name: string): Promise<Buffer>;
  close(): void;
}

async function walk(root: string, dir: string, out: string[]): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) await walk(root, full, out);
    else if (e.isFile()) out.push(relative(root, full).split(sep).join('/'));
  }
}

/**
 * Open a `.zip` archive or a folder for reading; nothing is written anywhere and
 * nothing is inflated until read. Close it when done (`withArchive` does).
 */
export async function openArchive(path: string, limits: ArchiveLimits = {}): Promise<ArchiveSource> {
  const bounds = archiveLimits(limits);
  let info;
  try {
    info = await stat(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENAMETOOLONG') throw new MetaseriesError('INVALID_INPUT', `Archive path ${JSON.stringify(path)} is too long for the file system`, { cause });
    throw new MetaseriesError('NOT_FOUND', `Archive ${JSON.stringify(path)} does not exist`, { cause });
  }
  if (info.isDirectory()) {
    const names: string[] = [];
    await walk(path, path, names);
    let total = 0;
    return {
      label: path,
      names,
      read: async (name) => {
        const file = join(path, ...name.split('/'));
        const size = (await stat(file)).size;
        if (size > bounds.maxEntryBytes) throw new MetaseriesError('CORRUPT_DATA', `Archive ${JSON.stringify(path)}: file ${JSON.stringify(name)} has ${size} bytes, over the limit of ${bounds.maxEntryBytes} (limits.maxEntryBytes)`);
        total += size;
        if (total > bounds.maxTotalBytes) throw new MetaseriesError('CORRUPT_DATA', `Archive ${JSON.stringify(path)}: reading ${JSON.stringify(name)} brings the total to ${total} bytes, over the limit of ${bounds.maxTotalBytes} (limits.maxTotalBytes)`);
        return readFile(file);
      },
      close: () => undefined,
    };
  }
  const zip = await openZip(path, bounds);
  return { label: path, names: zip.names, read: (name) => zip.read(name), close: () => zip.close() };
}

/** Open an archive, run `fn`, close it (also on failure). */
export async function withArchive<T>(path: string, limits: ArchiveLimits, fn: (source: ArchiveSource) => Promise<T>): Promise<T> {
  const source = await openArchive(path, limits);
  try {
    return await fn(source);
  } finally {
    source.close();
  }
}

/** Decode an entry as UTF-8 text, naming it on failure. */
export function utf8(data: Buffer, entry: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch (cause) {
    throw new MetaseriesError('CORRUPT_DATA', `Archive entry ${JSON.stringify(entry)} is not UTF-8 text`, { cause });
  }
}
