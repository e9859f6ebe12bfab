/**
 * Opening a store by configuration: `openStore(config | url | configFile)`, and the
 * registry through which backend packages provide their kinds.
 *
 * Core names no backend package except in `STORE_PACKAGE_HINTS` (./config.ts): when
 * a kind is not registered yet, `openStore` tries to import the hinted package once
 * (works wherever npm or yarn hoist it next to core) and otherwise fails naming the
 * package to install and import.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { MetaseriesError, show } from '../errors.js';
import type { StorageBackend } from './backend.js';
import {
  type CommonStoreOptions,
  parseStoreUrl,
  STORE_PACKAGE_HINTS,
  type StandardSchemaV1,
  type StoreConfig,
  type StoreConfigs,
  validateStoreConfig,
  validateWithSchema,
} from './config.js';
import { MemoryBackend } from './memory.js';
import { Storage } from './storage.js';

/**
 * A loose store configuration: `kind` plus options. Prefer the typed `StoreConfig`.
 * @deprecated use `StoreConfig`
 */
export interface BackendConfig {
  kind: string;
  [option: string]: unknown;
}

/**
 * What a backend package registers for a kind.
 *
 * @example
 * registerBackend('redis', {
 *   package: 'metaseries-redis',
 *   schema: v.strictObject({ kind: v.literal('redis'), url: v.string() }), // valibot, zod… (Standard Schema)
 *   create: (config) => RedisBackend.open(config.url),
 * });
 */
export interface BackendRegistration<C extends { kind: string } = StoreConfig> {
  /** npm package that provides the backend (named in error messages). */
  package: string;
  /**
   * Validates the config (any Standard Schema: valibot, zod, arktype). Needed for kinds
   * core has no schema for; core's own schema is used for its built-in kinds.
   */
  schema?: StandardSchemaV1<C>;
  /** Open the backend for a validated config (relative paths already resolved). */
  create(config: C): StorageBackend | Promise<StorageBackend>;
}

interface AnyRegistration {
  package: string;
  schema?: StandardSchemaV1<unknown>;
  create(config: never): StorageBackend | Promise<StorageBackend>;
}

// One registry per process, shared by every copy of core (a Symbol.for key on globalThis),
// so a backend registered through one copy is found by another.
const REGISTRY_KEY = Symbol.for('metaseries.storeRegistry');
const registry: Map<string, AnyRegistration> = ((globalThis as { [REGISTRY_KEY]?: Map<string, AnyRegistration> })[REGISTRY_KEY] ??= new Map());

/**
 * Register a store kind; backend packages call this when imported. Registering a
 * kind again replaces it (the last import wins).
 */
export function registerBackend<K extends keyof StoreConfigs>(kind: K, registration: BackendRegistration<StoreConfigs[K]>): void;
export function registerBackend<C extends { kind: string }>(kind: string, registration: BackendRegistration<C> & { schema: StandardSchemaV1<C> }): void;
export function registerBackend(kind: string, registration: AnyRegistration): void {
  if (typeof kind !== 'string' || !/^[a-z][a-z0-9+.-]*$/.test(kind)) throw new MetaseriesError('INVALID_INPUT', `Invalid store kind ${show(kind)}: lower-case letters, digits, "+", "." or "-"`);
  registry.set(kind, registration);
}

/** The kinds registered so far (built-in hints not included). */
export function registeredKinds(): string[] {
  return [...registry.keys()];
}

registerBackend('memory', { package: '@metaseries/core', create: () => new MemoryBackend() });

/**
 * Parse a backend URL.
 * @deprecated use `parseStoreUrl` (same result; query options are parsed).
 */
export function parseBackendUrl(url: string): BackendConfig {
  return parseStoreUrl(url);
}

const CONFIG_FILE = /\.(ya?ml|json)$/i;

/** `${NAME}` → the environment variable; a missing one is an error naming it. */
function expandEnv(value: unknown, file: string): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const found = process.env[name];
      if (found === undefined) throw new MetaseriesError('INVALID_INPUT', `Store config file ${show(file)} uses \${${name}} but the environment variable ${name} is not set`);
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((item) => expandEnv(item, file));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, item]) => [k, expandEnv(item, file)]));
  }
  return value;
}

/** Read a YAML/JSON config file: `${ENV}` expanded, `path`/`dir` resolved against the file's folder. */
async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new MetaseriesError('NOT_FOUND', `Store config file ${show(path)} cannot be read`, { cause });
  }
  let parsed: unknown;
  const json = path.toLowerCase().endsWith('.json');
  try {
    parsed = json ? JSON.parse(text) : loadYaml(text);
  } catch (cause) {
    throw new MetaseriesError('CORRUPT_DATA', `Store config file ${show(path)} is not valid ${json ? 'JSON' : 'YAML'}`, { cause });
  }
  const inner = parsed !== null && typeof parsed === 'object' && 'storage' in parsed ? (parsed as { storage: unknown }).storage : parsed;
  const expanded = expandEnv(inner, path);
  const config = typeof expanded === 'string' ? parseStoreUrl(expanded) : expanded;
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    return validateStoreConfig(config, path) as never;
  }
  const out = { ...(config as Record<string, unknown>) };
  const base = dirname(resolve(path));
  for (const key of ['path', 'dir']) {
    const value = out[key];
    if (typeof value === 'string' && value !== '' && value !== ':memory:' && !isAbsolute(value)) out[key] = resolve(base, value);
  }
  return out;
}

async function registrationFor(kind: string): Promise<AnyRegistration> {
  const found = registry.get(kind);
  if (found) return found;
  const pkg = STORE_PACKAGE_HINTS[kind];
  if (!pkg) {
    const known = [...new Set([...Object.keys(STORE_PACKAGE_HINTS), ...registry.keys()])];
    throw new MetaseriesError('INVALID_INPUT', `Unknown store kind ${show(kind)}; known kinds: ${known.join(', ')} (a third-party backend registers its kind when imported)`);
  }
  try {
    await import(pkg);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    throw new MetaseriesError('BACKEND_UNAVAILABLE', `The ${kind} store needs the package ${pkg}: npm install ${pkg} (and import "${pkg}" once if your package manager does not hoist it). Loading it failed: ${reason}`, { cause, backend: kind });
  }
  const loaded = registry.get(kind);
  if (!loaded) throw new MetaseriesError('BACKEND_UNAVAILABLE', `Package ${pkg} did not register the ${kind} store kind`, { backend: kind });
  return loaded;
}

/**
 * Open a store — the one way: from a typed config object, a URL, or the path of a
 * YAML/JSON config file. Options are validated first: a misspelled or unknown option,
 * a missing path or a bad value is an `INVALID_INPUT` naming it. An in-memory SQLite
 * database needs `:memory:` spelled out. Config files may hold the config at the top
 * level or under `storage:`, reference environment variables as `${PG_URL}`, and
 * have their relative `path`/`dir` resolved against the file's own folder.
 *
 * @example
 * const store = await openStore('memory:');
 * // openStore('sqlite:./plant.db'), openStore('sqlite:./py.db?layout=meteaudata'),
 * // openStore({ kind: 'parquet', dir: './store' }), openStore('./storage.yaml')
 */
export async function openStore(config: StoreConfig | string): Promise<Storage> {
  let raw: unknown;
  let origin = '';
  if (typeof config === 'string') {
    const text = config.trim();
    if (CONFIG_FILE.test(text) && !/^[a-z][a-z0-9+.-]*:(?![\\/])/i.test(text)) {
      raw = await readConfigFile(text);
      origin = text;
    } else raw = parseStoreUrl(text);
  } else raw = config;
  const kind = typeof raw === 'object' && raw !== null && typeof (raw as { kind?: unknown }).kind === 'string' ? (raw as { kind: string }).kind.toLowerCase() : undefined;
  if (kind !== undefined) raw = { ...(raw as object), kind };
  // Core's own schema first, so a mistake is named even before the backend package loads.
  // Options core applies (the store's retention policy) never reach the backend.
  const { retention, ...checked } = validateStoreConfig(raw, origin) as StoreConfig & CommonStoreOptions;
  const registration = await registrationFor(checked.kind);
  const final = registration.schema ? await validateWithSchema(registration.schema, checked, checked.kind) : checked;
  return new Storage(await registration.create(final as never), retention ? { retention } : {});
}

/**
 * Make a storage from a config object, a URL, or a config file path.
 * @deprecated use `openStore` (the same function under its final name).
 */
export function createBackend(config: StoreConfig | BackendConfig | string): Promise<Storage> {
  return openStore(config as StoreConfig | string);
}
