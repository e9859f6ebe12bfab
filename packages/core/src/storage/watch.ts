import { rollupOf } from '../query/rollups.js';
import { fromIndexKey } from '../series/timestamp.js';
import type { LoggedChange, VersionOperation, VersionRecord } from './segments/driver.js';

/**
 * Change events (issue 17). A watcher reads committed state — version heads, snapshots
 * and the change log of prunes — so an event exists only after its commit, from this
 * process or any other writing the same store. Writes through the same `Storage` wake it
 * at once; other processes' writes wake it at once where the driver can notify
 * (`SegmentDriver.subscribe`: PostgreSQL LISTEN/NOTIFY), else on the next poll (`pollMs`).
 * Resuming from `since` (key → last version seen) and `sinceAt` replays every later
 * change: at-least-once, ordered per key.
 */
export type ChangeType = 'save' | 'append' | 'update' | 'deleteRange' | 'delete' | 'restore' | 'snapshot' | 'prune' | 'rollup';

export interface ChangeEvent {
  /**
   * What happened: the version's operation (`save`, `append`, `update`, `deleteRange`,
   * `restore`; `delete` for a tombstone), except `rollup` for a version of a rollup series
   * (created or refreshed: see `operation`); `snapshot` for a new snapshot (`key` is its
   * name); `prune` when old versions of `key` were removed (see `versions`).
   */
  type: ChangeType;
  key: string;
  /** The version this event made current (0 for snapshots; for prunes the highest version removed). */
  version: number;
  /** Keys the write covered (`Date`s for a datetime index, index values otherwise): the new points of an append, the whole version otherwise; null when empty (and for snapshots and prunes). */
  range: { from: Date | number; to: Date | number } | null;
  /** Commit time. */
  at: Date;
  /** For version events: the version's storage operation (it differs from `type` for rollups). */
  operation?: VersionOperation;
  /** For prunes: the versions removed. */
  versions?: number[];
}

export interface WatchOptions {
  prefix?: string;
  /** Stop watching (the iterator ends). Required: a watch runs until it is aborted. */
  signal: AbortSignal;
  /** Resume after these versions (key → last version seen); keys not listed start after their current head (or see `sinceAt`). */
  since?: Readonly<Record<string, number>>;
  /**
   * Resume everything else: replay snapshots, prunes, and versions of keys not in `since`,
   * committed at or after this instant (epoch ms, Date or ISO text) — give the time the
   * previous consumer started watching (what it handled may come again: at-least-once).
   * Default: only what happens from now on.
   */
  sinceAt?: Date | string | number;
  /** Replay every retained version, snapshot and logged prune (default false: only what happens from now). */
  fromStart?: boolean;
  /**
   * How often other processes' writes are looked for, ms: default 1,000 where the driver
   * cannot notify (SQLite, files), 10,000 where it can (PostgreSQL: a safety net, since
   * notifications wake the watcher at once).
   */
  pollMs?: number;
}

export const DEFAULT_WATCH_POLL_MS = 1000;
/** The poll of a watcher whose driver notifies (`SegmentDriver.subscribe`): only a safety net. */
export const DEFAULT_NOTIFIED_POLL_MS = 10_000;

/** The event a committed version stands for, given the version before it (if retained). */
export function eventOf(key: string, record: VersionRecord, previous: VersionRecord | undefined): ChangeEvent {
  const whole = record.first === null || record.last === null ? null : { from: record.first, to: record.last };
  let range = whole;
  if (record.operation === 'append' && previous && previous.last !== null && record.last !== null && record.last > previous.last) {
    const firstNew = record.segments.find((s) => s.last > previous.last!);
    range = { from: Math.max(firstNew?.first ?? record.first!, previous.last), to: record.last };
  }
  const rollup = !record.tombstone && ['save', 'update', 'append'].includes(record.operation) && rollupOf(record.metadata) !== null;
  const type: ChangeType = record.tombstone ? 'delete' : rollup ? 'rollup' : record.operation;
  const datetime = record.layout.indexKind === 'datetime';
  const times = range && { from: fromIndexKey(range.from, datetime), to: fromIndexKey(range.to, datetime) };
  return { type, key, version: record.version, range: times, at: new Date(record.createdAt), operation: record.operation };
}

/** The event of a logged prune. */
export function pruneEvent(change: LoggedChange): ChangeEvent {
  return { type: 'prune', key: change.key, version: Math.max(...change.versions), range: null, at: new Date(change.at), versions: [...change.versions] };
}

/** Lets watchers sleep until a timeout, an abort, or a write (through the same Storage, or notified by the driver). */
export class Waker {
  private readonly waiting = new Set<() => void>();
  /** Counts notifications, so a watcher that was busy reading when one came does not sleep through it. */
  generation = 0;

  /** Wake every waiting watcher now (a write committed). */
  notify(): void {
    this.generation++;
    for (const wake of [...this.waiting]) wake();
  }

  /** Sleep `ms`, or return at once if a notification came after `since` (a `generation` read before the last look). */
  sleep(ms: number, signal: AbortSignal, since = this.generation): Promise<void> {
    if (since !== this.generation || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.waiting.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.waiting.add(done);
    });
  }
}
