import yaml from 'js-yaml';
import { MetaseriesError } from '../errors.js';

/**
 * Lenient YAML reading for archives written by Python meteaudata. PyYAML's full
 * Dumper emits tags that `yaml.safe_load` (and so Python meteaudata itself) refuses;
 * we accept them:
 * - `!!python/tuple` → a plain array;
 * - `!!python/object/apply:numpy…scalar` (numpy scalars: float64, int64, bool, float32…)
 *   → the number (or boolean) decoded from its bytes;
 * - any other `!!python/object/apply:` / `!!python/object:` → its arguments/state, as data.
 * Plain timestamps (a `datetime` inside Parameters) stay text, so nothing is lost.
 */
interface NumpyDtype { __numpy_dtype__: string; order: string }

function isDtype(x: unknown): x is NumpyDtype {
  return typeof x === 'object' && x !== null && '__numpy_dtype__' in x;
}

function decodeScalar(dtype: NumpyDtype, bytes: Uint8Array): number | boolean | string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = dtype.order !== '>';
  const code = dtype.__numpy_dtype__;
  switch (code) {
    case 'f8': return view.getFloat64(0, little);
    case 'f4': return view.getFloat32(0, little);
    case 'f2': return Number.NaN;
    case 'i8': return Number(view.getBigInt64(0, little));
    case 'u8': return Number(view.getBigUint64(0, little));
    case 'i4': return view.getInt32(0, little);
    case 'u4': return view.getUint32(0, little);
    case 'i2': return view.getInt16(0, little);
    case 'u2': return view.getUint16(0, little);
    case 'i1': return view.getInt8(0);
    case 'u1': return view.getUint8(0);
    case 'b1': return view.getUint8(0) !== 0;
    default: return Buffer.from(bytes).toString('base64');
  }
}

const tuple = (kind: 'sequence' | 'scalar' | 'mapping') => new yaml.Type('tag:yaml.org,2002:python/tuple', {
  kind,
  construct: (data: unknown) => (kind === 'sequence' ? data ?? [] : kind === 'mapping' ? Object.values((data ?? {}) as object) : []),
});

const apply = (kind: 'sequence' | 'mapping' | 'scalar') => new yaml.Type('tag:yaml.org,2002:python/object/apply:', {
  kind,
  multi: true,
  construct: (data: unknown, tag?: string) => {
    const fn = (tag ?? '').slice('tag:yaml.org,2002:python/object/apply:'.length);
    const args = kind === 'sequence' ? (data as unknown[] | null) ?? []
      : kind === 'mapping' ? ((data as { args?: unknown[] } | null)?.args ?? []) : [data];
    if (fn === 'numpy.dtype') {
      const state = kind === 'mapping' ? (data as { state?: unknown[] } | null)?.state : undefined;
      return { __numpy_dtype__: String(args[0]), order: String(state?.[1] ?? '<') } satisfies NumpyDtype;
    }
    if (/^numpy\.(_core|core)\.multiarray\.scalar$/.test(fn) && isDtype(args[0]) && args[1] instanceof Uint8Array) {
      return decodeScalar(args[0], args[1]);
    }
    return kind === 'mapping' ? data : args;
  },
});

const object = (kind: 'sequence' | 'mapping' | 'scalar') => new yaml.Type('tag:yaml.org,2002:python/object:', {
  kind, multi: true, construct: (data: unknown) => data,
});

const SCHEMA = yaml.CORE_SCHEMA.extend([
  (yaml.DEFAULT_SCHEMA as unknown as { compiledExplicit: (yaml.Type & { tag: string })[] }).compiledExplicit.find((t) => t.tag === 'tag:yaml.org,2002:binary')!,
  tuple('sequence'), tuple('mapping'), tuple('scalar'),
  apply('sequence'), apply('mapping'), apply('scalar'),
  object('sequence'), object('mapping'), object('scalar'),
]);

/** Limits on YAML read from files someone else wrote. */
export interface YamlLimits {
  /** Largest text accepted, in UTF-16 code units (default 64 Mi). */
  maxChars?: number;
  /**
   * Most nodes the document may hold once aliases are expanded (default 2,000,000). An
   * alias bomb is tiny as text and loads fast, since aliases share one object, but any
   * later walk — a save, a copy — expands it past memory.
   */
  maxNodes?: number;
}

const DEFAULT_MAX_CHARS = 64 * 1024 * 1024;
const DEFAULT_MAX_NODES = 2_000_000;

/** Count nodes with aliases expanded; stop as soon as the limit is passed. */
function expandedNodesWithin(doc: unknown, limit: number): boolean {
  let count = 0;
  const stack: unknown[] = [doc];
  while (stack.length > 0) {
    const x = stack.pop();
    if (++count > limit) return false;
    if (x === null || typeof x !== 'object' || ArrayBuffer.isView(x) || x instanceof Date) continue;
    if (Array.isArray(x)) { for (const v of x) stack.push(v); continue; }
    for (const v of Object.values(x)) stack.push(v);
  }
  return true;
}

/**
 * Parse YAML written by Python (PyYAML's full or safe Dumper) with the lenient schema
 * above and limits on size and alias expansion; CORRUPT_DATA naming `label` (and the
 * line) when it is not YAML or breaks a limit.
 *
 * @example loadPythonYaml('shape: !!python/tuple [2]\n', 'a.yaml') // { shape: [2] }
 */
export function loadPythonYaml(text: string, label: string, limits: YamlLimits = {}): unknown {
  const maxChars = limits.maxChars ?? DEFAULT_MAX_CHARS;
  if (text.length > maxChars) {
    throw new MetaseriesError('CORRUPT_DATA', `${label}: YAML of ${text.length} characters is larger than the limit of ${maxChars}`);
  }
  let doc: unknown;
  try {
    doc = yaml.load(text, { schema: SCHEMA, filename: label });
  } catch (cause) {
    const mark = (cause as { mark?: { line?: number } }).mark;
    const where = mark?.line !== undefined ? `, line ${mark.line + 1}` : '';
    const reason = (cause as { reason?: string }).reason ?? String(cause);
    throw new MetaseriesError('CORRUPT_DATA', `${label}${where}: invalid YAML (${reason})`, { cause });
  }
  const maxNodes = limits.maxNodes ?? DEFAULT_MAX_NODES;
  if (text.includes('*') && !expandedNodesWithin(doc, maxNodes)) {
    throw new MetaseriesError('CORRUPT_DATA', `${label}: YAML aliases expand to more than ${maxNodes} nodes (an alias bomb?); refusing to read it`);
  }
  return doc;
}

/**
 * Parse archive YAML; CORRUPT_DATA naming `entry` (and the line) when it is not YAML
 * or not a mapping. Limits as `loadPythonYaml`.
 *
 * @example parseArchiveYaml('shape: !!python/tuple [2]\n', 'a.yaml') // { shape: [2] }
 */
export function parseArchiveYaml(text: string, entry: string, limits: YamlLimits = {}): Record<string, unknown> {
  const doc = loadPythonYaml(text, `Archive entry ${JSON.stringify(entry)}`, limits);
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new MetaseriesError('CORRUPT_DATA', `Archive entry ${JSON.stringify(entry)}: expected a YAML mapping, got ${doc === null ? 'nothing' : Array.isArray(doc) ? 'a list' : typeof doc}`);
  }
  return doc as Record<string, unknown>;
}
