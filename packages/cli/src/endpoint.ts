import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { createBackend, Dataset, MemoryBackend, MetaseriesError, Signal, Storage } from '@metaseries/core';
import { show } from '@metaseries/core/backend-kit';

/**
 * Where a command reads or writes: a store (URL, `postgres://…`, or a YAML/JSON config
 * file, through `createBackend`) or a meteaudata archive (a `.zip` or a folder holding
 * `*_metadata.yaml`).
 */
export type Endpoint =
  | { kind: 'store'; spec: string; storage: Storage }
  | { kind: 'archive'; spec: string; path: string };

/** A `.zip`, or a folder whose top level has a `<name>_metadata.yaml`. */
export function isArchivePath(spec: string): boolean {
  if (/^[a-z][a-z0-9+-]*:/i.test(spec) && !/^[a-z]:[\\/]/i.test(spec)) return false;
  if (/\.zip$/i.test(spec)) return true;
  try {
    return statSync(spec).isDirectory() && readdirSync(spec).some((n) => n.endsWith('_metadata.yaml'));
  } catch {
    return false;
  }
}

/**
 * A store URL a command writes to: file stores (`parquet:`, `polars:`) refuse a folder
 * that does not exist unless asked to create it, and a destination is meant to be made.
 */
export function destinationSpec(spec: string): string {
  if (!/^(parquet|polars):/i.test(spec) || /[?&]create=/.test(spec)) return spec;
  return `${spec}${spec.includes('?') ? '&' : '?'}create=true`;
}

/** The store named by `spec` (created when it is a destination), else the archive at `spec`. */
export async function openEndpoint(spec: string, options: { destination?: boolean } = {}): Promise<Endpoint> {
  if (isArchivePath(spec)) return { kind: 'archive', spec, path: spec };
  if (!/^[a-z][a-z0-9+-]*:/i.test(spec) && !/\.(ya?ml|json)$/i.test(spec)) {
    throw new MetaseriesError('INVALID_INPUT', `${show(spec)} is neither a store (e.g. "sqlite:./plant.db", "parquet:./store", "postgres://…", a config .yaml) nor an archive (.zip or a folder with *_metadata.yaml)${existsSync(spec) ? '' : ' (and no such file exists)'}`);
  }
  return { kind: 'store', spec, storage: await createBackend(options.destination ? destinationSpec(spec) : spec) };
}

/**
 * A store to read from: the store itself, or an archive loaded into a memory store
 * (archives are whole files; the memory copy lets every command treat them alike).
 */
export async function readableStore(spec: string): Promise<Storage> {
  const ep = await openEndpoint(spec);
  if (ep.kind === 'store') return ep.storage;
  const storage = new Storage(new MemoryBackend());
  const dataset = await loadArchiveDataset(ep.path);
  dataset.useBackend(storage);
  await dataset.saveAll();
  return storage;
}

/** A dataset archive, or a signal archive wrapped in a dataset named after the file. */
export async function loadArchiveDataset(path: string): Promise<Dataset> {
  try {
    const dataset = await Dataset.load(path);
    // A signal archive's metadata reads as a dataset without signals.
    if (dataset.signals.size > 0) return dataset;
    throw new MetaseriesError('CORRUPT_DATA', `Archive ${show(path)} holds no dataset with signals`);
  } catch (datasetError) {
    let signal: Signal;
    try {
      signal = await Signal.load(path);
    } catch {
      throw datasetError;
    }
    const name = basename(path).replace(/\.zip$/i, '').replace(/#\d+$/, '') || 'archive';
    const dataset = new Dataset({ name });
    dataset.signals.set(signal.name, signal);
    return dataset;
  }
}
