import { MetaseriesError } from '@metaseries/core';

const UNAVAILABLE = /ECONNREFUSED|ECONNRESET|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|Connection terminated|terminating connection|the database system is (shutting down|starting up)|Client has encountered a connection error|unable to open database file|directory does not exist|SQLITE_CANTOPEN|Knex: Timeout acquiring a connection/i;
const CORRUPT = /SQLITE_NOTADB|file is not a database|SQLITE_CORRUPT|database disk image is malformed/i;
const LOCKED = /SQLITE_BUSY|database is locked|SQLITE_LOCKED/i;

/**
 * Engine errors as one MetaseriesError naming the backend, the operation and the key:
 * lost connections and unopenable files are BACKEND_UNAVAILABLE, a locked database or
 * any failed statement IO_ERROR; our own errors pass through.
 */
export function engineError(e: unknown, backend: string, operation: string, subject: string): MetaseriesError {
  if (e instanceof MetaseriesError) return e;
  const err = e as { message?: string; code?: string };
  const message = err?.message ?? String(e);
  const text = `${err?.code ?? ''} ${message}`;
  const where = `${backend} ${operation}${subject ? ` ${JSON.stringify(subject)}` : ''}`;
  if (UNAVAILABLE.test(text)) return new MetaseriesError('BACKEND_UNAVAILABLE', `${where} failed: the database is unavailable (${message})`, { backend, cause: e });
  if (CORRUPT.test(text)) return new MetaseriesError('CORRUPT_DATA', `${where} failed: the database file is damaged or not a SQLite database (${message})`, { backend, cause: e });
  if (LOCKED.test(text)) return new MetaseriesError('IO_ERROR', `${where} failed: the database is locked by another connection (${message}); nothing was changed`, { backend, cause: e });
  return new MetaseriesError('IO_ERROR', `${where} failed: ${message}; nothing was changed`, { backend, cause: e });
}
