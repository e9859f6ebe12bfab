import { readFile } from 'node:fs/promises';
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

/** The archive's bytes; a missing file is NOT_FOUND, anything else IO_ERROR. */
async function readArchiveFile(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new MetaseriesError(code === 'ENOENT' ? 'NOT_FOUND' : 'IO_ERROR', `Cannot read archive ${JSON.stringify(file)}: ${(cause as Error).message}`, { cause });
  }
}

/**
 * Every file entry of a zip, read into memory (nothing is extracted to disk). Entries
 * whose names would escape the extraction folder are refused; a truncated or corrupt
 * zip fails with CORRUPT_DATA naming the archive (and the entry when known).
 */
export async function readZip(file: string): Promise<Map<string, Buffer>> {
  return readZipBuffer(await readArchiveFile(file), file);
}

/** As `readZip`, but entries are promises that resolve as each finishes inflating. */
export async function openZip(file: string): Promise<Map<string, Promise<Buffer>>> {
  return readZipLazy(await readArchiveFile(file), file);
}

/** As `readZip`, from bytes already in memory; `label` names the archive in errors. */
export async function readZipBuffer(buffer: Buffer, label: string): Promise<Map<string, Buffer>> {
  const lazy = await readZipLazy(buffer, label);
  const out = new Map<string, Buffer>();
  for (const [name, data] of lazy) out.set(name, await data);
  return out;
}

/**
 * List a zip's file entries and start inflating all of them at once (zlib runs on the
 * thread pool), so the caller can parse one entry while the next ones inflate. Names are
 * checked before anything is read.
 */
export function readZipLazy(buffer: Buffer, label: string): Promise<Map<string, Promise<Buffer>>> {
  return new Promise((resolve, reject) => {
    // decodeStrings false: we check names ourselves, to report zip-slip by name.
    yauzl.fromBuffer(buffer, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(corruptZip(label, `not a readable zip file (${err?.message ?? 'unknown error'})`, err));
      const out = new Map<string, Promise<Buffer>>();
      let failed = false;
      const fail = (e: MetaseriesError) => { if (!failed) { failed = true; zip.close(); reject(e); } };
      zip.on('error', (e: Error) => fail(corruptZip(label, `corrupt zip (${e.message})`, e)));
      zip.on('end', () => { if (!failed) resolve(out); });
      zip.on('entry', (entry: yauzl.Entry) => {
        const raw = entry.fileName as unknown as Buffer;
        const name = (entry.generalPurposeBitFlag & 0x800) !== 0 ? raw.toString('utf8') : decodeCp437OrUtf8(raw);
        if (!isSafeEntryName(name)) return fail(corruptZip(label, `entry ${JSON.stringify(name)} would land outside the archive folder (zip-slip); refusing to read it`));
        if (!name.endsWith('/')) {
          const data = new Promise<Buffer>((res, rej) => {
            zip.openReadStream(entry, (e2, stream) => {
              if (e2 || !stream) return rej(corruptZip(label, `entry ${JSON.stringify(name)} cannot be read (${e2?.message ?? 'no data'})`, e2));
              const parts: Buffer[] = [];
              stream.on('data', (c: Buffer) => parts.push(c));
              stream.on('error', (e3: Error) => rej(corruptZip(label, `entry ${JSON.stringify(name)} is corrupt or truncated (${e3.message})`, e3)));
              stream.on('end', () => res(parts.length === 1 ? parts[0]! : Buffer.concat(parts)));
            });
          });
          data.catch(() => undefined); // reported when awaited
          out.set(name, data);
        }
        zip.readEntry();
      });
      zip.readEntry();
    });
  });
}

function decodeCp437OrUtf8(raw: Buffer): string {
  // Python's zipfile sets the UTF-8 flag for non-ASCII names; plain ASCII is the same in both.
  return raw.toString('utf8');
}
