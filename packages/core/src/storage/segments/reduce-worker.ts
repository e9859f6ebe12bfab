/**
 * A reduce worker (see reduce-pool.ts): decodes and reduces the chunks it is sent (a chunk
 * reading files may wait on them while the next one starts), and answers each with its
 * columns or with the error's code and message.
 */
import { parentPort } from 'node:worker_threads';
import { MetaseriesError } from '../../errors.js';
import { reduceChunk, type ReduceChunk } from './bucket-stream.js';

parentPort!.on('message', async (message: { id: number; chunk: ReduceChunk }) => {
  try {
    const columns = await reduceChunk(message.chunk);
    parentPort!.postMessage({ id: message.id, columns }, columns.map((c) => c.buffer as ArrayBuffer));
  } catch (e) {
    const code = e instanceof MetaseriesError ? e.code : 'CORRUPT_DATA';
    parentPort!.postMessage({ id: message.id, error: { code, message: e instanceof Error ? e.message : String(e) } });
  }
});
