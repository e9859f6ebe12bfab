import { open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { MetaseriesError } from '@metaseries/core';
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

/** Python's file stem for a key: `/` and `\` replaced by `_`. */
export function sanitize(key: string): string {
  return key.replace(/[/\\]/g, '_');
}

export const parquetName = (stem: string): string => `${stem}.parquet`;
export const yamlName = (stem: string): string => `${stem}_meta.yaml`;
/** Temp names start with a dot and end with `.tmp`, so no `*.parquet` / `*.yaml` glob picks them up. */
export const TEMP_PATTERN = /^\..*\.[0-9a-z]+-[0-9a-z]+\.tmp$/;

export function stampOf(doc: unknown): Stamp | null {
  const s = (doc as Record<string, unknown> | null)?.[STAMP_KEY] as Partial<Stamp> | undefined;
  return s && typeof s === 'object' && typeof s.key === 'string' && typeof s.generation === 'string' ? (s as Stamp) : null;
}

/** A file slot: what is on disk under one stem. */
export interface Slot {
  stem: string;
  parquet: boolean;
  /** Parsed sidecar, or null when there is none. */
  yaml: Record<string, unknown> | null;
  /** The key this slot holds: the stamp's, else (a plain Python file) the stem. */
  owner: string;
  /** Whether the slot carries our stamp (in the sidecar or the footer). */
  stamped: boolean;
}

export class Layout {
  readonly dir: string;

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

  async readSidecar(stem: string): Promise<Record<string, unknown> | null> {
    const file = this.path(yamlName(stem));
    let text: string;
    try { text = await readFile(file, 'utf8'); } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new MetaseriesError('IO_ERROR', `Cannot read sidecar ${JSON.stringify(file)}`, { backend: BACKEND, cause });
    }
    let doc: unknown;
    try { doc = parseYaml(text); } catch (cause) {
      throw new MetaseriesError('CORRUPT_DATA', `Sidecar ${JSON.stringify(file)} is not valid YAML`, { backend: BACKEND, cause });
    }
    if (doc === null || doc === undefined) return {};
    if (typeof doc !== 'object' || Array.isArray(doc)) throw new MetaseriesError('CORRUPT_DATA', `Sidecar ${JSON.stringify(file)} is not a metadata mapping`, { backend: BACKEND });
    return doc as Record<string, unknown>;
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

  /** What lives under a stem, or null when nothing does. */
  async slot(stem: string): Promise<Slot | null> {
    const [parquet, yaml] = await Promise.all([this.exists(parquetName(stem)), this.readSidecar(stem)]);
    if (!parquet && yaml === null) return null;
    let stamp = yaml === null ? null : stampOf(yaml);
    if (stamp === null && parquet) stamp = await this.footerStamp(stem);
    return { stem, parquet, yaml, owner: stamp?.key ?? stem, stamped: stamp !== null };
  }

  /**
   * Find the slot holding `key`, or a free stem for it. The first choice is
   * Python's name; when another key already holds it, `<stem>~2`, `<stem>~3`…
   * A plain Python file (no stamp) under the key's sanitised name is the key's.
   */
  async resolve(key: string): Promise<{ slot: Slot | null; stem: string }> {
    const base = sanitize(key);
    const first = await this.slot(base);
    if (first === null) {
      // Not at the Python name; it may still live under a disambiguated one.
      const found = await this.searchVariants(key, base);
      return found ?? { slot: null, stem: base };
    }
    if (first.owner === key || (!first.stamped && first.stem === base)) return { slot: first, stem: base };
    const found = await this.searchVariants(key, base);
    if (found) return found;
    const taken = new Set(await this.variantNumbers(base));
    let n = 2;
    while (taken.has(n)) n++;
    return { slot: null, stem: `${base}~${n}` };
  }

  private async variantNumbers(base: string): Promise<number[]> {
    const names = await this.list();
    const numbers = new Set<number>();
    for (const name of names) {
      const m = /^(.*)~(\d+)(?:\.parquet|_meta\.yaml)$/.exec(name);
      if (m && m[1] === base) numbers.add(Number(m[2]));
    }
    return [...numbers].sort((a, b) => a - b);
  }

  private async searchVariants(key: string, base: string): Promise<{ slot: Slot; stem: string } | null> {
    for (const n of await this.variantNumbers(base)) {
      const slot = await this.slot(`${base}~${n}`);
      if (slot && slot.owner === key) return { slot, stem: slot.stem };
    }
    return null;
  }

  async list(): Promise<string[]> {
    try { return await readdir(this.dir); } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new MetaseriesError('IO_ERROR', `Cannot list store folder ${JSON.stringify(this.dir)}`, { backend: BACKEND, cause });
    }
  }

  /** Every entry of the store: stems of Parquet files that have a sidecar or our stamp. */
  async entries(): Promise<Slot[]> {
    const names = new Set(await this.list());
    const slots: Slot[] = [];
    for (const name of names) {
      if (!name.endsWith('.parquet') || name.startsWith('.')) continue;
      const stem = name.slice(0, -'.parquet'.length);
      const slot = await this.slot(stem);
      if (slot && slot.parquet && (slot.yaml !== null || slot.stamped)) slots.push(slot);
    }
    return slots;
  }

  /** Write a file durably under a temp name; returns that name. */
  async writeTemp(finalName: string, generation: string, chunks: readonly Uint8Array[]): Promise<string> {
    const temp = `.${finalName}.${generation}.tmp`;
    const handle = await open(this.path(temp), 'w');
    try {
      await handle.writev(chunks as Uint8Array[]);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return temp;
  }

  async rename(from: string, to: string): Promise<void> {
    await rename(this.path(from), this.path(to));
  }

  async remove(name: string): Promise<void> {
    try { await unlink(this.path(name)); } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw cause;
    }
  }

  /** fsync the folder so renames and unlinks survive a power cut. */
  async syncDir(): Promise<void> {
    const handle = await open(this.dir, 'r');
    try { await handle.sync(); } catch { /* some file systems refuse directory fsync */ } finally { await handle.close(); }
  }
}
