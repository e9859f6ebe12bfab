import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { MetaseriesError } from '../errors.js';
import { openZip } from './zip.js';

/** The files of an archive, whether a zip (read in memory) or a folder. */
export interface ArchiveSource {
  readonly label: string;
  /** Relative names (`/`-separated) of every file. */
  readonly names: readonly string[];
  read(name: string): Promise<Buffer>;
}

async function walk(root: string, dir: string, out: string[]): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) await walk(root, full, out);
    else if (e.isFile()) out.push(relative(root, full).split(sep).join('/'));
  }
}

/** Open a `.zip` archive or a folder for reading; nothing is written anywhere. */
export async function openArchive(path: string): Promise<ArchiveSource> {
  let info;
  try {
    info = await stat(path);
  } catch (cause) {
    throw new MetaseriesError('NOT_FOUND', `Archive ${JSON.stringify(path)} does not exist`, { cause });
  }
  if (info.isDirectory()) {
    const names: string[] = [];
    await walk(path, path, names);
    return {
      label: path,
      names,
      read: async (name) => readFile(join(path, ...name.split('/'))),
    };
  }
  const entries = await openZip(path);
  return {
    label: path,
    names: [...entries.keys()],
    read: async (name) => {
      const b = entries.get(name);
      if (!b) throw new MetaseriesError('CORRUPT_DATA', `Archive ${JSON.stringify(path)} has no entry ${JSON.stringify(name)}`);
      return b;
    },
  };
}

/** Decode an entry as UTF-8 text, naming it on failure. */
export function utf8(data: Buffer, entry: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch (cause) {
    throw new MetaseriesError('CORRUPT_DATA', `Archive entry ${JSON.stringify(entry)} is not UTF-8 text`, { cause });
  }
}
