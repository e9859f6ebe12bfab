import { MetaseriesError } from './errors.js';

/** One progress report: `done` of `total` units (`total` null when unknown), on `key`. */
export interface Progress {
  done: number;
  total: number | null;
  /** What is counted: `series` (keys), `rows`, `points`, `bytes`, `signals`. */
  unit: 'series' | 'rows' | 'points' | 'bytes' | 'signals';
  /** The key, file or signal being worked on, when there is one. */
  key?: string;
}

/**
 * Options every long operation accepts: a progress callback and an AbortSignal.
 * A cancelled operation throws `ABORTED` between two units of work, so what was
 * stored before it stays intact; the error message says how much was completed.
 *
 * @example
 * const controller = new AbortController();
 * await dataset.saveAll({ onProgress: (p) => console.log(p.done, p.total), signal: controller.signal });
 */
export interface ProgressOptions {
  onProgress?: (progress: Progress) => void;
  signal?: AbortSignal;
}

/** Throw `ABORTED` (naming the operation and what completed) when `signal` has fired. */
export function throwIfAborted(signal: AbortSignal | undefined, operation: string, completed: string): void {
  if (signal?.aborted) {
    throw new MetaseriesError('ABORTED', `${operation} was cancelled; completed: ${completed}`, { cause: signal.reason });
  }
}
