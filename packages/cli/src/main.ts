import { CommanderError } from 'commander';
import { MetaseriesError } from '@metaseries/core';
import { buildProgram } from './commands.js';

/**
 * Run the command line with `argv` (without node and script). Resolves with the exit
 * code: 0 ok, 1 error (or damage found by verify), 2 usage. Errors print our message,
 * never a stack trace unless --debug.
 */
export async function main(argv: readonly string[], io: { stdout?: (t: string) => void; stderr?: (t: string) => void } = {}): Promise<number> {
  const stdout = io.stdout ?? ((t: string) => void process.stdout.write(t));
  const stderr = io.stderr ?? ((t: string) => void process.stderr.write(t));
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(130);
    stderr('metaseries: cancelling (Ctrl-C again to quit at once)…\n');
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSigint);
  const ctx = { stdout, signal: controller.signal, failed: false };
  const program = buildProgram(ctx);
  program.configureOutput({ writeOut: stdout, writeErr: stderr });
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.failed ? 1 : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof MetaseriesError) {
      stderr(`metaseries: error [${e.code}]: ${e.message}\n`);
      if (debug) stderr(`${e.stack ?? ''}\n${e.cause instanceof Error ? `caused by: ${e.cause.stack}\n` : ''}`);
      return 1;
    }
    stderr(`metaseries: error: ${e instanceof Error ? e.message : String(e)}\n`);
    if (debug && e instanceof Error) stderr(`${e.stack}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
