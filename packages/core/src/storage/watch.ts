import { fromIndexKey } from '../series/timestamp.js';
import type { VersionOperation, VersionRecord } from './segments/driver.js';

/**
 * Change events (issue 17). A watcher reads committed version heads, so an event exists
 * only after its version committed, from this process or any other writing the same
 * store; writes through the same `Storage` wake it at once, others are seen on the next
 * poll. Resuming from `since` (key → last version seen) replays every later version:
 * at-least-once, ordered per key.
 */
export interface ChangeEvent {
  type: VersionOperation | 'snapshot';
  key: string;
  /** The version this event made current (0 for snapshots). */
  version: number;
  /** Keys the write covered (`Date`s for a datetime index, index values otherwise): the new points of an append, the whole version otherwise; null when empty. */
  range: { from: Date | number; to: Date | number } | null;
  /** Commit time. */
  at: Date;
}

export interface WatchOptions {
  prefix?: string;
  /** Stop watching (the iterator ends). Required: a watch runs until it is aborted. */
  signal: AbortSignal;
  /** Resume after these versions (key → last version seen); keys not listed start after their current head. */
  since?: Readonly<Record<string, number>>;
  /** Replay every retained version of keys not in `since` (default false: only what happens from now). */
  fromStart?: boolean;
  /** How often other processes' writes are looked for, ms (default 1000). */
  pollMs?: number;
}

export const DEFAULT_WATCH_POLL_MS = 1000;

/** The event a committed version stands for, given the version before it (if retained). */
export function eventOf(key: string, record: VersionRecord, previous: VersionRecord | undefined): ChangeEvent {
  const whole = record.first === null || record.last === null ? null : { from: record.first, to: record.last };
  let range = whole;
  if (record.operation === 'append' && previous && previous.last !== null && record.last !== null && record.last > previous.last) {
    const firstNew = record.segments.find((s) => s.last > previous.last!);
    range = { from: Math.max(firstNew?.first ?? record.first!, previous.last), to: record.last };
  }
  const datetime = record.layout.indexKind === 'datetime';
  const times = range && { from: fromIndexKey(range.from, datetime), to: fromIndexKey(range.to, datetime) };
  return { type: record.tombstone ? 'delete' : record.operation, key, version: record.version, range: times, at: new Date(record.createdAt) };
}

/** Lets watchers sleep until a timeout, an abort, or a write through the same Storage. */
export class Waker {
  private readonly waiting = new Set<() => void>();

  /** Wake every waiting watcher now (a write through the same Storage committed). */
  notify(): void {
    for (const wake of [...this.waiting]) wake();
  }

  sleep(ms: number, signal: AbortSignal): Promise<void> {
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
