import { createHash } from 'node:crypto';

/**
 * The one key ↔ file-name mapping of every file store (native layout and both
 * meteaudata layouts). Two different keys never get the same name:
 *
 * - `fileStem(key)` — what metaseries writes: a readable part (the key with `/` → `_`,
 *   anything outside `[A-Za-z0-9#_+=@,.-]` → `_`, a leading `.` → `_`, cut to
 *   `READABLE_BYTES`) followed by `~` and 16 hex digits of the key's SHA-256. The
 *   hash makes names unique even where file systems fold case (macOS, Windows),
 *   normalise Unicode (HFS+), or cut long names; the readable part is for people.
 * - `pythonStem(key)` — what Python meteaudata writes (`/` and `\` → `_`). It is the
 *   first choice of the meteaudata layouts, so Python finds our files; it collides
 *   (`a_b/c` ≡ `a/b_c`), so a meteaudata store records the real key beside the file
 *   and a key whose Python name is held by another key, is too long, or starts with
 *   `.` uses `fileStem(key)` instead.
 * - `keyFromPythonStem(stem, prefix)` — back from a Python file name to a key, as
 *   Python's own `Dataset.load_all` knows it (`store_COD#1_RAW#1` → `store/COD#1/RAW#1`).
 */

/** Bytes of the readable part: with `~` + 16 hex + the longest suffix we add (`_meta.yaml`) a name stays far below 255. */
export const READABLE_BYTES = 120;
/** Python's stem is used only up to this many bytes (`<stem>_meta.yaml` must fit in 255). */
export const PYTHON_STEM_MAX_BYTES = 200;

const UNSAFE = /[^A-Za-z0-9#_+=@,.-]/g;

function cutToBytes(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  let out = text;
  while (Buffer.byteLength(out) > max) out = out.slice(0, -1);
  return out;
}

/** 16 hex digits (64 bits) of SHA-256 of the key's UTF-8. */
export function keyHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 16);
}

/**
 * The unique file stem metaseries uses for a key (folder name in the native layout,
 * fallback stem in the meteaudata layouts).
 * @example fileStem('plant/COD#1/RAW#1') // 'plant_COD#1_RAW#1~3f1c…'
 */
export function fileStem(key: string): string {
  const readable = cutToBytes(key.replace(UNSAFE, '_').replace(/^\./, '_'), READABLE_BYTES);
  return `${readable}~${keyHash(key)}`;
}

/** Python meteaudata's stem: `/` and `\` replaced by `_`. */
export function pythonStem(key: string): string {
  return key.replace(/[/\\]/g, '_');
}

/** Whether `pythonStem(key)` can be used at all (short enough, not hidden). */
export function pythonStemUsable(key: string): boolean {
  const stem = pythonStem(key);
  return !stem.startsWith('.') && Buffer.byteLength(stem) <= PYTHON_STEM_MAX_BYTES;
}

/** Whether a stem is one `fileStem` made (ends with `~` and 16 hex digits). */
export function isHashedStem(stem: string): boolean {
  return /~[0-9a-f]{16}$/.test(stem);
}

/** Signal names in meteaudata end with `#<n>`; the ts part follows after `_`. */
const SIGNAL_THEN_TS = /^(.*?#\d+)_(.+)$/;

/**
 * The key a Python-written file stands for, given the listing prefix the caller asked
 * for (the known part of the key). Python flattened `dataset/signal#n/TS#m` into
 * `dataset_signal#n_TS#m`; the dataset name is taken from the prefix when it is given
 * (so names with `_` work), else up to the `_` before the first `<name>#<n>_`.
 * Returns null when the stem does not start with the prefix's flattened form.
 * @example keyFromPythonStem('store_COD#1_RAW#1', 'store/') // 'store/COD#1/RAW#1'
 */
export function keyFromPythonStem(stem: string, prefix = ''): string | null {
  const known = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')).split('/') : [];
  let rest = stem;
  const parts: string[] = [];
  for (const part of known) {
    const flat = pythonStem(part);
    if (!rest.startsWith(flat + '_')) return null;
    parts.push(part);
    rest = rest.slice(flat.length + 1);
  }
  if (parts.length === 0) {
    // Dataset: up to the `_` before the first signal-like chunk (`<no _>#<n>_`).
    const m = /^(.+?)_([^_]*#\d+_.+)$/.exec(rest);
    if (!m) return stem;
    parts.push(m[1]!);
    rest = m[2]!;
  }
  if (parts.length === 1) {
    const m = SIGNAL_THEN_TS.exec(rest);
    if (!m) return [...parts, rest].join('/');
    parts.push(m[1]!);
    rest = m[2]!;
  }
  parts.push(rest);
  return parts.join('/');
}
