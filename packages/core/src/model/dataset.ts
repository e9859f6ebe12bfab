import { MetaseriesError, invalidInput, show } from '../errors.js';
import { numberSignalName, parseSignalName } from '../naming.js';
import type { AsOf, StorageBackend } from '../storage/backend.js';
import { Storage } from '../storage/storage.js';
import type { StorageBinding } from './binding.js';
import { nowIso, toIso } from './datetime.js';
import { Signal } from './signal.js';

export interface DatasetInit {
  name: string;
  description?: string | null;
  owner?: string | null;
  purpose?: string | null;
  project?: string | null;
  signals?: readonly Signal[];
  createdOn?: string | Date;
  lastUpdated?: string | Date;
}

/**
 * A named collection of signals (meteaudata's `Dataset`).
 *
 * @example
 * const ds = new Dataset({ name: 'plant', project: 'pilot', signals: [cod, flow] });
 * ds.useBackend(await createBackend('sqlite:./plant.db'), { autoSave: true });
 */
export class Dataset {
  name: string;
  description: string | null;
  owner: string | null;
  purpose: string | null;
  project: string | null;
  readonly createdOn: string;
  lastUpdated: string;
  readonly signals = new Map<string, Signal>();
  /** @internal the bound store (the facade's session methods read it). */
  storage: Storage | null = null;
  /** @internal set when opened as of a past instant or snapshot: read-only. */
  asOf: AsOf | undefined;
  /** @internal */
  autoSave = false;

  constructor(init: DatasetInit) {
    if (!init || typeof init.name !== 'string' || init.name.trim() === '') throw invalidInput(`Dataset name must be a non-empty string, got ${show(init?.name)}`);
    if (init.name.includes('/')) throw invalidInput(`Dataset name ${show(init.name)} cannot contain '/' (it is the first segment of storage keys)`);
    this.name = init.name;
    this.description = init.description ?? null;
    this.owner = init.owner ?? null;
    this.purpose = init.purpose ?? null;
    this.project = init.project ?? null;
    this.createdOn = init.createdOn === undefined ? nowIso() : toIso(init.createdOn, 'created_on');
    for (const signal of init.signals ?? []) {
      if (!(signal instanceof Signal)) throw invalidInput(`Dataset ${show(init.name)}: every signal must be a Signal, got ${show(signal)}`);
      const name = numberSignalName(signal.name);
      // Python silently keeps only the last of two same-named signals; refuse instead.
      if (this.signals.has(name)) throw new MetaseriesError('CONFLICT', `Dataset ${show(init.name)} received two signals named ${show(name)}`);
      if (name !== signal.name) signal.rename(name);
      this.signals.set(name, signal);
    }
    this.lastUpdated = init.lastUpdated === undefined ? nowIso() : toIso(init.lastUpdated, 'last_updated');
  }

  get allSignals(): string[] {
    return [...this.signals.keys()];
  }

  /** The signal called `name`, or INVALID_INPUT listing what exists. */
  get(name: string): Signal {
    const s = this.signals.get(name);
    if (!s) throw invalidInput(`Signal ${show(name)} not found in dataset ${show(this.name)}. Available signals are [${this.allSignals.join(', ')}]`);
    return s;
  }

  /**
   * Add a signal. A name without counter gets max+1 for its base; a numbered name that
   * is taken is renumbered (its lineage follows). The signal inherits the dataset's backend.
   */
  add(signal: Signal): this {
    if (!(signal instanceof Signal)) throw invalidInput(`Dataset.add expects a Signal, got ${show(signal)}`);
    const wanted = numberSignalName(signal.name);
    let name = wanted;
    if (this.signals.has(wanted) || !signal.name.includes('#')) {
      const base = parseSignalName(wanted).base;
      const max = Math.max(0, ...this.allSignals.map(parseSignalName).filter((p) => p.base === base).map((p) => p.number));
      name = this.signals.has(wanted) || max > 0 ? `${base}#${max + 1}` : wanted;
    }
    if (name !== signal.name) signal.rename(name);
    this.signals.set(name, signal);
    this.bindSignal(signal);
    this.touch();
    return this;
  }

  remove(name: string): this {
    this.get(name);
    this.signals.delete(name);
    this.touch();
    return this;
  }

  /**
   * Store this dataset in a backend (a StorageBackend or Storage). Every signal, and any
   * added later, uses it; with `autoSave`, processing writes only the series it creates.
   */
  useBackend(backend: StorageBackend | Storage, options: { autoSave?: boolean } = {}): this {
    this.storage = Storage.from(backend);
    this.autoSave = options.autoSave ?? false;
    for (const signal of this.signals.values()) this.bindSignal(signal);
    return this;
  }

  get backend(): Storage | null {
    return this.storage;
  }

  /** Close the store this dataset uses (a SQLite/PostgreSQL connection, so the script can exit). Idempotent. */
  async close(): Promise<void> {
    await this.storage?.close();
  }

  /** `await using ds = await Dataset.fromBackend(...)` closes the store at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** @internal bump last_updated. */
  touch(): void {
    this.lastUpdated = nowIso();
  }

  /** @internal give a signal this dataset's store binding. */
  bindSignal(signal: Signal): void {
    const binding = this.binding();
    if (binding) signal.binding = binding;
  }

  /** @internal */
  binding(): StorageBinding | null {
    if (!this.storage) return null;
    return { storage: this.storage, autoSave: this.autoSave, datasetName: this.name, ...(this.asOf === undefined ? {} : { asOf: this.asOf }) };
  }

  /** @internal */
  requireStorage(): Storage {
    if (!this.storage) throw invalidInput(`No storage backend configured for dataset ${show(this.name)}. Call useBackend() first.`);
    return this.storage;
  }

  toString(): string {
    return `Dataset '${this.name}', signals=[${this.allSignals.join(', ')}]`;
  }
}
