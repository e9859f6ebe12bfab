import { crc32, deflateRawSync, constants } from 'node:zlib';

/**
 * Hand-built zip files for attack tests: entries whose compressed bytes are given
 * (so a 1 GiB entry costs 1 MB to build), written exactly as the zip format says
 * (local headers, central directory, end record) — what an attacker would hand us.
 */
export interface CraftedEntry {
  name: string;
  /** Compressed bytes (method 8) or the bytes themselves (method 0). */
  data: Buffer;
  method: 0 | 8;
  crc: number;
  size: number;
}

export function storedEntry(name: string, data: Buffer): CraftedEntry {
  return { name, data, method: 0, crc: crc32(data), size: data.length };
}

export function deflatedEntry(name: string, data: Buffer): CraftedEntry {
  return { name, data: deflateRawSync(data), method: 8, crc: crc32(data), size: data.length };
}

/**
 * An entry that inflates to `mib` MiB of one repeated byte, built from one flushed
 * 1 MiB deflate segment repeated (each segment only refers back inside itself).
 */
export function bombEntry(name: string, mib: number, byte = 0x30): CraftedEntry {
  const chunk = Buffer.alloc(1 << 20, byte);
  const segment = deflateRawSync(chunk, { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  const parts: Buffer[] = [];
  let crc = 0;
  for (let i = 0; i < mib; i++) { parts.push(segment); crc = crc32(chunk, crc); }
  parts.push(Buffer.from([0x03, 0x00])); // an empty final block
  return { name, data: Buffer.concat(parts), method: 8, crc, size: mib * (1 << 20) };
}

export function craftZip(entries: readonly CraftedEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt32LE(0, 10);
    local.writeUInt32LE(e.crc >>> 0, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.size >>> 0, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, e.data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(e.method, 10);
    central.writeUInt32LE(0, 12);
    central.writeUInt32LE(e.crc >>> 0, 16);
    central.writeUInt32LE(e.data.length, 20);
    central.writeUInt32LE(e.size >>> 0, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + e.data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
