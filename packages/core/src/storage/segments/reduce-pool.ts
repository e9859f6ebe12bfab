import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { invalidInput, MetaseriesError, show, type ErrorCode } from '../../errors.js';
import { reduceChunk, type ReduceChunk } from './bucket-stream.js';

/**
 * Worker threads that decode and reduce query chunks beside the main thread, so a query
 * over many points uses every core (decoding segments is most of a query's time). One
 * pool per process, created on first use; its workers hold no reference on the event loop
 * while idle, so they never keep a process alive.
 */
interface PoolWorker {
  worker: Worker;
  pending: Map<number, { resolve: (c: Float64Array[]) => void; reject: (e: Error) => void }>;
}

let nextId = 1;
const workers: PoolWorker[] = [];
/** Set when a worker could not start or died (e.g. a bundle without reduce-worker.js): chunks then run on the calling thread. */
let unavailable = false;

class WorkerStopped extends Error {}

/**
 * Worker threads used by default: `METASERIES_QUERY_THREADS` when set (0 turns them off),
 * else one fewer than the cores (the calling thread takes a chunk too), at most 4.
 */
export function defaultQueryThreads(): number {
  const set = process.env.METASERIES_QUERY_THREADS;
  if (set !== undefined && set !== '') {
    const n = Number(set);
    if (!Number.isInteger(n) || n < 0) throw invalidInput(`METASERIES_QUERY_THREADS must be a whole number ≥ 0, got ${show(set)}`);
    return n;
  }
  return Math.max(0, Math.min(4, availableParallelism() - 1));
}

function spawn(): PoolWorker {
  const worker = new Worker(new URL('./reduce-worker.js', import.meta.url));
  worker.unref();
  const self: PoolWorker = { worker, pending: new Map() };
  worker.on('message', (m: { id: number; columns?: Float64Array[]; error?: { code: ErrorCode; message: string } }) => {
    const task = self.pending.get(m.id);
    if (!task) return;
    self.pending.delete(m.id);
    if (self.pending.size === 0) worker.unref();
    if (m.error) task.reject(new MetaseriesError(m.error.code, m.error.message));
    else task.resolve(m.columns!);
  });
  const fail = (e: Error): void => {
    unavailable = true;
    const at = workers.indexOf(self);
    if (at >= 0) workers.splice(at, 1);
    for (const task of self.pending.values()) task.reject(new WorkerStopped(e.message));
    self.pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
  return self;
}

function send(w: PoolWorker, chunk: ReduceChunk): Promise<Float64Array[]> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    w.pending.set(id, { resolve, reject });
    w.worker.ref(); // a task in flight keeps the process alive until its answer
    w.worker.postMessage({ id, chunk });
  });
}

/**
 * Reduce `chunks` with up to `threads` worker threads and the calling thread, each taking
 * the next chunk when it is free: a worker still starting, or a core another process is
 * using, just takes fewer. Results in the order of `chunks`; the first error wins once
 * every thread has stopped.
 */
export async function reduceInParallel(chunks: readonly ReduceChunk[], threads: number): Promise<Float64Array[][]> {
  while (!unavailable && workers.length < Math.min(threads, chunks.length - 1)) {
    try {
      workers.push(spawn());
    } catch {
      unavailable = true;
    }
  }
  const usable = unavailable ? [] : workers.slice(0, threads);
  const results: Float64Array[][] = new Array(chunks.length);
  let next = 0, failed = false;
  const take = (): number => (failed || next >= chunks.length ? -1 : next++);
  const remote = async (w: PoolWorker): Promise<void> => {
    for (let i = take(); i >= 0; i = take()) {
      const chunk = chunks[i]!;
      // A worker that cannot run (not the chunk's data: that is a MetaseriesError) costs speed, not the answer.
      results[i] = await send(w, chunk).catch((e: unknown) => (e instanceof WorkerStopped ? reduceChunk(chunk) : Promise.reject(e)));
    }
  };
  const local = async (): Promise<void> => {
    for (let i = take(); i >= 0; i = take()) {
      results[i] = await reduceChunk(chunks[i]!, { yieldEvery: 2 });
    }
  };
  const runs = [local(), ...usable.map(remote)].map((p) => p.catch((e: unknown) => { failed = true; throw e; }));
  const settled = await Promise.allSettled(runs);
  const error = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (error) throw error.reason;
  return results;
}
