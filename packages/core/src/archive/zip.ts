import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { MetaseriesError } from '../errors.js';

export interface ZipInput {
  name: string;
  data: Buffer;
}

/**
 * Whether a zip entry name stays inside the folder it would be extracted to. Rejects
 * absolute paths, drive letters, backslashes and `..` segments (zip-slip).
 */
export function isSafeEntryName(name: string): boolean {
  if (name === '' || name.startsWith('/') || name.includes('\\') || /^[A-Za-z]:/.test(name) || name.includes('\0')) return false;
  return !name.split('/').some((seg) => seg === '..');
}

/**
 * Zip `entries` into one Buffer (deflated when `compress`, stored otherwise). Everything
 * happens in memory, so a failure leaves nothing half-written on disk.
 */
export function zipToBuffer(entries: readonly ZipInput[], options: { compress: boolean; compressionLevel?: number; mtime?: Date }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    const mtime = options.mtime ?? new Date();
    for (const e of entries) {
      const opts: { compress: boolean; mtime: Date; compressionLevel?: number } = { compress: options.compress, mtime };
      if (options.compress && options.compressionLevel !== undefined) opts.compressionLevel = options.compressionLevel;
      zip.addBuffer(e.data, e.name, opts);
    }
    zip.end();
  });
}

function corruptZip(file: string, what: string, cause?: unknown): MetaseriesError {
  return new MetaseriesError('CORRUPT_DATA', `Archive ${JSON.stringify(file)}: ${what}`, cause === undefined ? {} : { cause });
}

/**
 * Limits on what reading an archive may inflate. A zip says how big its entries are,
 * but an attacker's zip can say anything: a 1 MB file can hold a 1 GiB entry.
 */
export interface ArchiveLimits {
  /** Largest inflated size of one entry (default 512 MiB: a JS string cannot hold much more). */
  maxEntryBytes?: number;
  /** Largest inflated size of all entries read from one archive (default 1 GiB). */
  maxTotalBytes?: number;
  /**
   * Largest inflated/compressed ratio of an entry bigger than 1 MiB (default 200: deflate
   * cannot do better than about 1032:1; meteaudata CSVs compress about 3–30:1, even
   * constant values on a regular grid; a zip of zeros at level 1 is 229:1).
   */
  maxRatio?: number;
}

const DEFAULT_LIMITS: Required<ArchiveLimits> = { maxEntryBytes: 512 * 1024 * 1024, maxTotalBytes: 1024 * 1024 * 1024, maxRatio: 200 };
const RATIO_FLOOR = 1024 * 1024;

/** The limits in force: the defaults, overridden by `limits`; each must be a positive number. */
export function archiveLimits(limits: ArchiveLimits = {}): Required<ArchiveLimits> {
  const out = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(limits) as (keyof ArchiveLimits)[]) {
    const v = limits[key];
    if (v === undefined) continue;
    if (!(key in DEFAULT_LIMITS)) throw new MetaseriesError('INVALID_INPUT', `Unknown archive limit ${JSON.stringify(key)}; known: ${Object.keys(DEFAULT_LIMITS).join(', ')}`);
    if (typeof v !== 'number' || !(v > 0)) throw new MetaseriesError('INVALID_INPUT', `Archive limit ${key} must be a positive number, got ${JSON.stringify(v)}`);
    out[key] = v;
  }
  return out;
}

/** A zip opened for reading: its entry names, and each entry inflated only when asked. */
export interface ZipReader {
  readonly names: readonly string[];
  /** Inflate one entry (streaming, within the limits, CRC checked). */
  read(name: string): Promise<Buffer>;
  close(): void;
}

/**
 * Every file entry of a zip, read into memory (nothing is extracted to disk). Entries
 * whose names would escape the extraction folder are refused; a truncated or corrupt
 * zip fails with CORRUPT_DATA naming the archive (and the entry when known).
 */
export async function readZip(file: string, limits: ArchiveLimits = {}): Promise<Map<string, Buffer>> {
  const zip = await openZip(file, limits);
  try {
    const out = new Map<string, Buffer>();
    for (const name of zip.names) out.set(name, await zip.read(name));
    return out;
  } finally {
    zip.close();
  }
}

/**
 * Open a zip: its central directory is read and names are checked (zip-slip) before
 * anything is inflated; entries are inflated one by one when `read`, never all at once.
 */
export async function openZip(file: string, limits: ArchiveLimits = {}): Promise<ZipReader> {
  const handle = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false }, (err, zip) => {
      if (err || !zip) {
        const code = (err as NodeJS.ErrnoException | null)?.code;
        if (code === 'ENOENT') return reject(new MetaseriesError('NOT_FOUND', `Cannot read archive ${JSON.stringify(file)}: ${err!.message}`, { cause: err }));
        if (code !== undefined) return reject(new MetaseriesError('IO_ERROR', `Cannot read archive ${JSON.stringify(file)}: ${err!.message}`, { cause: err }));
        return reject(corruptZip(file, `not a readable zip file (${err?.message ?? 'unknown error'})`, err));
      }
      resolve(zip);
    });
  });
  return zipReader(handle, file, archiveLimits(limits));
}

/** As `readZip`, from bytes already in memory; `label` names the archive in errors. */
export async function readZipBuffer(buffer: Buffer, label: string, limits: ArchiveLimits = {}): Promise<Map<string, Buffer>> {
  const handle = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(corruptZip(label, `not a readable zip file (${err?.message ?? 'unknown error'})`, err));
      resolve(zip);
    });
  });
  const zip = await zipReader(handle, label, archiveLimits(limits));
  const out = new Map<string, Buffer>();
  for (const name of zip.names) out.set(name, await zip.read(name));
  return out;
}

function zipReader(zip: yauzl.ZipFile, label: string, limits: Required<ArchiveLimits>): Promise<ZipReader> {
  return new Promise((resolve, reject) => {
    const entries = new Map<string, yauzl.Entry>();
    let failed = false;
    const fail = (e: MetaseriesError) => { if (!failed) { failed = true; zip.close(); reject(e); } };
    let inflated = 0;
    const read = (name: string): Promise<Buffer> => {
      const entry = entries.get(name);
      if (!entry) return Promise.reject(corruptZip(label, `has no entry ${JSON.stringify(name)}`));
      const size = entry.uncompressedSize;
      const what = `entry ${JSON.stringify(name)}`;
      if (size > limits.maxEntryBytes) return Promise.reject(corruptZip(label, `${what} would inflate to ${size} bytes, over the limit of ${limits.maxEntryBytes} (limits.maxEntryBytes)`));
      if (size > RATIO_FLOOR && entry.compressionMethod !== 0 && size / Math.max(1, entry.compressedSize) > limits.maxRatio) {
        return Promise.reject(corruptZip(label, `${what} would inflate ${entry.compressedSize} bytes to ${size} (ratio ${Math.round(size / Math.max(1, entry.compressedSize))}:1, over the limit of ${limits.maxRatio}:1; a zip bomb?)`));
      }
      if (inflated + size > limits.maxTotalBytes) return Promise.reject(corruptZip(label, `${what} would bring the inflated total to ${inflated + size} bytes, over the limit of ${limits.maxTotalBytes} (limits.maxTotalBytes)`));
      inflated += size;
      return new Promise<Buffer>((res, rej) => {
        zip.openReadStream(entry, (e2, stream) => {
          if (e2 || !stream) return rej(corruptZip(label, `${what} cannot be read (${e2?.message ?? 'no data'})`, e2));
          // The declared size is checked against the bytes as they come (validateEntrySizes),
          // so a lying header cannot make us buffer more than it said.
          const out = Buffer.allocUnsafe(size);
          let at = 0;
          let crc = 0;
          stream.on('data', (c: Buffer) => {
            if (at + c.length > size) { stream.destroy(); return rej(corruptZip(label, `${what} inflates past its declared size of ${size} bytes`)); }
            c.copy(out, at);
            at += c.length;
            crc = crc32(c, crc);
          });
          stream.on('error', (e3: Error) => rej(corruptZip(label, `${what} is corrupt or truncated (${e3.message})`, e3)));
          stream.on('end', () => {
            if (at !== size) return rej(corruptZip(label, `${what} is truncated (${at} of ${size} bytes)`));
            if ((crc >>> 0) !== (entry.crc32 >>> 0)) return rej(corruptZip(label, `${what} fails its CRC check (stored ${hex(entry.crc32)}, computed ${hex(crc)}): the archive is damaged`));
            res(out);
          });
        });
      });
    };
    zip.on('error', (e: Error) => fail(corruptZip(label, `corrupt zip (${e.message})`, e)));
    zip.on('end', () => { if (!failed) resolve({ names: [...entries.keys()], read, close: () => zip.close() }); });
    zip.on('entry', (entry: yauzl.Entry) => {
      const raw = entry.fileName as unknown as Buffer;
      const name = (entry.generalPurposeBitFlag & 0x800) !== 0 ? raw.toString('utf8') : decodeCp437OrUtf8(raw);
      if (!isSafeEntryName(name)) return fail(corruptZip(label, `entry ${JSON.stringify(name)} would land outside the archive folder (zip-slip); refusing to read it`));
      if (!name.endsWith('/')) {
        if (entries.has(name)) return fail(corruptZip(label, `entry ${JSON.stringify(name)} appears twice`));
        entries.set(name, entry);
      }
      zip.readEntry();
    });
    zip.readEntry();
  });
}

function hex(x: number): string {
  return (x >>> 0).toString(16).padStart(8, '0');
}

function decodeCp437OrUtf8(raw: Buffer): string {
  // Python's zipfile sets the UTF-8 flag for non-ASCII names; plain ASCII is the same in both.
  return raw.toString('utf8');
}
