/**
 * PostgreSQL change notifications for watchers (issue 17). Every commit, snapshot and
 * logged change runs `pg_notify(CHANNEL, …)` inside its own transaction, and PostgreSQL
 * delivers a notification only when that transaction commits — so a watcher woken by it
 * reads committed state. The notification carries nothing a watcher relies on: it only
 * says "look now" instead of waiting for the poll interval.
 *
 * One dedicated connection per subscription (a pooled one would be handed to queries and
 * lose its LISTEN). When it drops, it reconnects after a short pause and wakes the
 * watchers once (a notification may have been missed meanwhile); until then they poll.
 */
import { loadDrivers } from './peers.js';

export const CHANNEL = 'metaseries_changes';
const RECONNECT_MS = 500;

interface PgClient {
  connect(): Promise<unknown>;
  query(text: string): Promise<unknown>;
  end(): Promise<void>;
  on(event: 'notification' | 'error' | 'end', listener: (...args: unknown[]) => void): unknown;
}

type PgClientClass = new (settings: object) => PgClient;

/**
 * Listen on `CHANNEL` with the pool's connection settings; resolves once the first attempt
 * ended (listening, or retrying in the background). The returned function stops it.
 */
export async function listen(settings: object, onChange: () => void): Promise<() => Promise<void>> {
  const pg = (await loadDrivers('postgres')).pg as { default?: { Client: PgClientClass }; Client?: PgClientClass };
  const Client = pg.default?.Client ?? pg.Client!;
  let stopped = false;
  let current: PgClient | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const connect = async (): Promise<void> => {
    if (stopped) return;
    const client = new Client(settings);
    let dead = false;
    const lost = (): void => {
      if (dead) return;
      dead = true;
      if (current === client) current = null;
      client.end().catch(() => undefined);
      if (!stopped && timer === undefined) timer = setTimeout(() => { timer = undefined; void connect(); }, RECONNECT_MS);
    };
    client.on('notification', () => onChange());
    client.on('error', lost);
    client.on('end', lost);
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      if (stopped) {
        dead = true;
        await client.end().catch(() => undefined);
        return;
      }
      current = client;
      // Anything committed while no connection listened is read now.
      onChange();
    } catch {
      lost();
    }
  };

  await connect();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    const client = current;
    current = null;
    await client?.end().catch(() => undefined);
  };
}
