import { readFile } from 'node:fs/promises';
import { load as loadYaml } from 'js-yaml';
import { MetaseriesError, show } from '../errors.js';
import type { StorageBackend } from './backend.js';
import { MemoryBackend } from './memory.js';
import { Storage } from './storage.js';

/**
 * A backend configuration: `kind` plus the backend's own options, e.g.
 * `{ kind: 'sqlite', path: './plant.db' }`, `{ kind: 'postgres', url: 'postgres://…' }`,
 * `{ kind: 'parquet', dir: './store' }`.
 */
export interface BackendConfig {
  kind: string;
  [option: string]: unknown;
}

export interface BackendRegistration {
  /** npm package that provides the backend (named in "not installed" errors). */
  package: string;
  create(config: BackendConfig): StorageBackend | Promise<StorageBackend>;
}

const registry = new Map<string, BackendRegistration>();

/** Which package provides each kind, so a missing one can be imported or named. */
const PROVIDERS: Record<string, string> = {
  memory: '@metaseries/core',
  sqlite: '@metaseries/storage-sql',
  postgres: '@metaseries/storage-sql',
  parquet: '@metaseries/storage-parquet',
  polars: '@metaseries/storage-polars',
};

/** Called by backend packages when they are imported. */
export function registerBackend(kind: string, registration: BackendRegistration): void {
  registry.set(kind, registration);
}

registerBackend('memory', { package: '@metaseries/core', create: () => new MemoryBackend() });

/**
 * Parse a backend URL: `memory:`, `sqlite:./plant.db`, `sqlite::memory:`,
 * `postgres://user@host/db`, `parquet:./store`, `polars:./store`.
 */
export function parseBackendUrl(url: string): BackendConfig {
  const text = url.trim();
  if (/^postgres(ql)?:\/\//i.test(text)) return { kind: 'postgres', url: text };
  const m = /^([a-z][a-z0-9+-]*):(.*)$/i.exec(text);
  if (!m) throw new MetaseriesError('INVALID_INPUT', `Invalid backend URL ${show(url)}: expected e.g. "memory:", "sqlite:./plant.db", "postgres://user@host/db", "parquet:./store" or "polars:./store"`);
  const kind = m[1]!.toLowerCase();
  const rest = m[2]!.replace(/^\/\//, '');
  switch (kind) {
    case 'memory': return { kind };
    case 'sqlite': return { kind, path: rest || ':memory:' };
    case 'parquet':
    case 'polars': {
      // `parquet:./store?create=true&layout=meteaudata`: options after `?`.
      const q = rest.indexOf('?');
      const dir = q < 0 ? rest : rest.slice(0, q);
      if (!dir) throw new MetaseriesError('INVALID_INPUT', `Backend URL ${show(url)} needs a folder, e.g. "${kind}:./store"`);
      const config: BackendConfig = { kind, dir };
      if (q >= 0) {
        for (const [name, value] of new URLSearchParams(rest.slice(q + 1))) {
          if (name === 'create') {
            if (value !== 'true' && value !== 'false') throw new MetaseriesError('INVALID_INPUT', `Backend URL ${show(url)}: create must be "true" or "false", got ${show(value)}`);
            config.create = value === 'true';
          } else if (name === 'layout') config.layout = value;
          else throw new MetaseriesError('INVALID_INPUT', `Backend URL ${show(url)}: unknown option ${show(name)} (known: create, layout)`);
        }
      }
      return config;
    }
    default: return { kind, url: text };
  }
}

async function readConfigFile(path: string): Promise<BackendConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new MetaseriesError('NOT_FOUND', `Backend config file ${show(path)} cannot be read`, { cause });
  }
  let parsed: unknown;
  try {
    parsed = path.endsWith('.json') ? JSON.parse(text) : loadYaml(text);
  } catch (cause) {
    throw new MetaseriesError('CORRUPT_DATA', `Backend config file ${show(path)} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}`, { cause });
  }
  const config = (parsed as { storage?: unknown })?.storage ?? parsed;
  if (typeof config === 'string') return parseBackendUrl(config);
  return checkConfig(config, path);
}

function checkConfig(config: unknown, origin: string): BackendConfig {
  if (typeof config !== 'object' || config === null || typeof (config as BackendConfig).kind !== 'string') {
    throw new MetaseriesError('INVALID_INPUT', `Backend config from ${origin} needs a "kind" (one of ${Object.keys(PROVIDERS).join(', ')}), got ${show(config)}`);
  }
  return config as BackendConfig;
}

/**
 * Make a storage from a config object, a URL, or the path of a YAML/JSON config file.
 * Backend packages register themselves on import; a known kind whose package is not
 * installed fails with an error naming the package to install.
 *
 * @example
 * const store = await createBackend('sqlite:./plant.db');
 * const store2 = await createBackend({ kind: 'parquet', dir: './store' });
 */
export async function createBackend(config: string | BackendConfig): Promise<Storage> {
  let resolved: BackendConfig;
  if (typeof config === 'string') {
    resolved = /\.(ya?ml|json)$/i.test(config.trim()) ? await readConfigFile(config.trim()) : parseBackendUrl(config);
  } else resolved = checkConfig(config, 'the config object');
  const kind = resolved.kind.toLowerCase();
  let registration = registry.get(kind);
  if (!registration) {
    const pkg = PROVIDERS[kind];
    if (!pkg) {
      throw new MetaseriesError('INVALID_INPUT', `Unknown backend kind ${show(resolved.kind)}; known kinds: ${[...new Set([...Object.keys(PROVIDERS), ...registry.keys()])].join(', ')}`);
    }
    try {
      await import(pkg);
    } catch (cause) {
      throw new MetaseriesError('BACKEND_UNAVAILABLE', `The ${kind} backend needs the package ${pkg}: npm install ${pkg}`, { cause });
    }
    registration = registry.get(kind);
    if (!registration) throw new MetaseriesError('BACKEND_UNAVAILABLE', `Package ${pkg} did not register the ${kind} backend`);
  }
  return new Storage(await registration.create({ ...resolved, kind }));
}
