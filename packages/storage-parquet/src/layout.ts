import { readdir, readFile, stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import {
  MetaseriesError,
} from '@metaseries/core';
import {
  commitTemp, fileStem, fsyncDir, isTempName, keyFromPythonStem, pythonStem, pythonStemUsable, removeFile, stageFile,
} from '@metaseries/core/backend-kit';
import { SeriesFile } from './read.js';
import { parseYaml } from './yaml.js';

const BACKEND = 'parquet';

/** Our extra top-level sidecar key; Python's `load_metadata_from_dict` ignores unknown keys. */
export const STAMP_KEY = '_metaseries';
/** The Parquet key-value entry holding a copy of the sidecar (the commit point's own metadata). */
export const KV_KEY = 'metaseries';

/** What we record per entry, in the sidecar and inside the Parquet footer. */
export interface Stamp {
  /** The real storage key (file names lose the `/` hierarchy). */
  key: string;
  /** Changes on every save; the footer's copy wins when it differs from the sidecar's. */
  generation: string;
  length: number;
  dtype: string;
  first: number | null;
  last: number | null;
}


export const parquetName = (stem: string): string => `${stem}.parquet`;
export const yamlName = (stem: string): string => `${stem}_meta.yaml`;
/** Temp names of the releases before the shared commit module; `clear()` still removes them. */
export const LEGACY_TEMP_PATTERN = /^\..*\.[0-9a-z]+-[0-9a-z]+\.tmp$/;

export function stampOf(doc: unknown): Stamp | null {
  const s = (doc as Record<string, unknown> | null)?.[STAMP_KEY] as Partial<Stamp> | undefined;
  return s && typeof s === 'object' && typeof s.key === 'string' && typeof s.generation === 'string' ? (s as Stamp) : null;
}

/** A file slot: what is on disk under one stem. */
export interface Slot {
  stem: string;
  parquet: boolean;
  /** Parsed sidecar, or null when there is none (or it is damaged: see `damage`). */
  yaml: Record<string, unknown> | null;
  /** The key this slot holds: the stamp's, else (a plain Python file) the key its stem stands for. */
  owner: string;
  /** Whether the slot carries our stamp (in the sidecar or the footer). */
  stamped: boolean;
  /** Why the sidecar could not be used (CORRUPT_DATA naming the file); the key still lists, and can be deleted or overwritten. */
  damage: MetaseriesError | null;
}

interface CachedSidecar {
  mtimeMs: number;
  size: number;
  ino: number;
  doc: Record<string, unknown> | null;
  damage: MetaseriesError | null;
}

/**
 * The files of a meteaudata-layout Parquet store. Names come from core's one key ↔
 * file-name mapping: Python's name (`pythonStem`) when it is free or already the
 * key's, else `fileStem(key)` (readable part + hash). Which key a file holds is
 * recorded in its sidecar and footer stamps, so two keys never share a file.
 */
export class Layout {
  readonly dir: string;
  /** Parsed sidecars by file name, reused while size, mtime and inode stay the same (listing is a readdir + stats). */
  private readonly sidecars = new Map<string, CachedSidecar>();

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  /** The path of a file in the store; never outside it. */
  path(name: string): string {
    const p = resolve(this.dir, name);
    if (!p.startsWith(this.dir + sep) || name.includes('/') || name.includes('\\')) {
      throw new MetaseriesError('INVALID_INPUT', `File name ${JSON.stringify(name)} would escape the store folder ${JSON.stringify(this.dir)}`, { backend: BACKEND });
    }
    return p;
  }

  /** The sidecar of a stem: null when absent; a damaged one is reported, not thrown, so one bad file never blocks the store. */
  async readSidecar(stem: string): Promise<{ doc: Record<string, unknown> | null; damage: MetaseriesError | null }> {
    const name = yamlName(stem);
    const file = this.path(name);
    let info;
    try { info = await stat(file); } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') { this.sidecars.delete(name); return { doc: null, damage: null }; }
      throw new MetaseriesError('IO_ERROR', `Cannot read sidecar ${JSON.stringify(file)}`, { backend: BACKEND, cause });
    }
    const cached = this.sidecars.get(name);
    if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size && cached.ino === info.ino) return { doc: cached.doc, damage: cached.damage };
    let text: string;
    try { text = await readFile(file, 'utf8'); } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return { doc: null, damage: null };
      throw new MetaseriesError('IO_ERROR', `Cannot read sidecar ${JSON.stringify(file)}`, { backend: BACKEND, cause });
    }
    let doc: Record<string, unknown> | null = null;
    let damage: MetaseriesError | null = null;
    try {
      const parsed = parseYaml(text);
      if (parsed === null || parsed === undefined) doc = {};
      else if (typeof parsed !== 'object' || Array.isArray(parsed)) damage = new MetaseriesError('CORRUPT_DATA', `Sidecar ${JSON.stringify(file)} is not a metadata mapping`, { backend: BACKEND });
      else doc = parsed as Record<string, unknown>;
    } catch (cause) {
      damage = new MetaseriesError('CORRUPT_DATA', `Sidecar ${JSON.stringify(file)} is not valid YAML`, { backend: BACKEND, cause });
    }
    this.sidecars.set(name, { mtimeMs: info.mtimeMs, size: info.size, ino: info.ino, doc, damage });
    return { doc, damage };
  }

  /** The stamp stored in a Parquet footer, or null (also for unreadable files: those are reported on load). */
  async footerStamp(stem: string): Promise<Stamp | null> {
    let file: SeriesFile;
    try { file = await SeriesFile.open(this.path(parquetName(stem))); } catch { return null; }
    try {
      const text = file.kv.get(KV_KEY);
      return text === undefined ? null : stampOf(parseYaml(text));
    } catch { return null; } finally { await file.close(); }
  }

  async exists(name: string): Promise<boolean> {
    try { await stat(this.path(name)); return true; } catch { return false; }
  }

  /** What lives under a stem, or null when nothing does. `prefix` helps decode a Python stem into its key. */
  async slot(stem: string, prefix = ''): Promise<Slot | null> {
    const [parquet, sidecar] = await Promise.all([this.exists(parquetName(stem)), this.readSidecar(stem)]);
    if (!parquet && sidecar.doc === null && sidecar.damage === null) return null;
    let stamp = sidecar.doc === null ? null : stampOf(sidecar.doc);
    if (stamp === null && parquet) stamp = await this.footerStamp(stem);
    const owner = stamp?.key ?? keyFromPythonStem(stem, prefix) ?? stem;
    return { stem, parquet, yaml: sidecar.doc, owner, stamped: stamp !== null, damage: sidecar.damage };
  }

  /**
   * Find the slot holding `key`, or the stem a new one goes to: Python's name when it
   * is the key's (our stamp says so, or a plain Python file under exactly that name)
   * or free, else `fileStem(key)`. Callers hold the Python stem's lock, so two keys
   * that share a Python name never both take it.
   */
  async resolve(key: string): Promise<{ slot: Slot | null; stem: string }> {
    const hashed = fileStem(key);
    if (pythonStemUsable(key)) {
      const base = pythonStem(key);
      const first = await this.slot(base);
      if (first !== null && (first.stamped ? first.owner === key : true)) return { slot: first, stem: base };
      const second = await this.slot(hashed);
      if (second !== null) return { slot: second, stem: hashed };
      return { slot: null, stem: first === null ? base : hashed };
    }
    return { slot: await this.slot(hashed), stem: hashed };
  }

  async list(): Promise<string[]> {
    try { return await readdir(this.dir); } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new MetaseriesError('IO_ERROR', `Cannot list store folder ${JSON.stringify(this.dir)}`, { backend: BACKEND, cause });
    }
  }

  /** Every entry of the store: stems of Parquet files that have a sidecar or our stamp (damaged sidecars included). */
  async entries(prefix = ''): Promise<Slot[]> {
    const names = await this.list();
    const slots: Slot[] = [];
    for (const name of names) {
      if (!name.endsWith('.parquet') || isTempName(name) || LEGACY_TEMP_PATTERN.test(name)) continue;
      const stem = name.slice(0, -'.parquet'.length);
      const slot = await this.slot(stem, prefix);
      if (slot && slot.parquet && (slot.yaml !== null || slot.stamped || slot.damage !== null)) slots.push(slot);
    }
    return slots;
  }

  /** Write a file durably under a fresh temp name beside it; returns that name. */
  async writeTemp(finalName: string, chunks: readonly Uint8Array[]): Promise<string> {
    const temp = await stageFile(this.path(finalName), chunks);
    return temp.slice(this.dir.length + 1);
  }

  async rename(from: string, to: string): Promise<void> {
    await commitTemp(this.path(from), this.path(to), { sync: false });
  }

  async remove(name: string): Promise<void> {
    await removeFile(this.path(name));
  }

  /** fsync the folder so renames and unlinks survive a power cut. */
  async syncDir(): Promise<void> {
    await fsyncDir(this.dir);
  }
}
