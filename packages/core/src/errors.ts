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

/** Marks a MetaseriesError from any copy of core (two installed versions, CJS and ESM). */
const ERROR_BRAND: unique symbol = Symbol.for('metaseries.MetaseriesError') as never;

export class MetaseriesError extends Error {
  override readonly name = 'MetaseriesError';
  readonly code: ErrorCode;
  readonly backend: string | undefined;
  /** @internal the cross-copy brand. */
  readonly [ERROR_BRAND] = true;

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.backend = options.backend;
  }

  /**
   * `error instanceof MetaseriesError` holds for an error made by another copy of core
   * too (a backend that brought its own core, a CJS and an ESM copy): the check reads
   * a `Symbol.for` brand instead of the prototype chain. Subclasses keep the ordinary check.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== MetaseriesError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return isMetaseriesError(value);
  }
}

/** True for a MetaseriesError from any copy of core. */
export function isMetaseriesError(value: unknown): value is MetaseriesError {
  return typeof value === 'object' && value !== null && (value as { [ERROR_BRAND]?: unknown })[ERROR_BRAND] === true;
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
