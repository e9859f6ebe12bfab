/**
 * The one error class of metaseries. Every failure carries a machine-readable
 * `code`, the backend (or subsystem) that raised it, and the engine's own error
 * as `cause`, so callers branch on `code` and humans read `message`.
 *
 * @example
 * try { await backend.load('ds/sig/ts') }
 * catch (e) { if (e instanceof MetaseriesError && e.code === 'NOT_FOUND') … }
 */
export type ErrorCode =
  | 'NOT_FOUND'
  | 'CORRUPT_DATA'
  | 'INVALID_INPUT'
  | 'UNSUPPORTED'
  | 'CONFLICT'
  | 'CLOSED'
  | 'BACKEND_UNAVAILABLE'
  | 'IO_ERROR'
  /** A long operation was cancelled through its AbortSignal; the message says what completed. */
  | 'ABORTED';

export interface ErrorOptions {
  backend?: string;
  cause?: unknown;
}

export class MetaseriesError extends Error {
  override readonly name = 'MetaseriesError';
  readonly code: ErrorCode;
  readonly backend: string | undefined;

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.backend = options.backend;
  }
}

/** Shorthand for the most common error: bad input from the caller. */
export function invalidInput(message: string, options?: ErrorOptions): MetaseriesError {
  return new MetaseriesError('INVALID_INPUT', message, options);
}

/** Quote a user value for an error message, so empty strings and spaces are visible. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  try {
    const text = JSON.stringify(value);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
