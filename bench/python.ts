/**
 * The long-lived Python meteaudata process (bench/python/server.py): one JSON command per
 * line in, one JSON answer per line out.
 *
 * @example const py = await PythonSide.start(valuesPath); const r = await py.call({ op: 'create' });
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = new URL('..', import.meta.url).pathname;
export const PYTHON = join(ROOT, '.venv', 'bin', 'python');

export interface PyAnswer { s?: number; rss_mb: number; error?: string; [k: string]: unknown }

export class PythonSide {
  private waiting: ((line: string) => void)[] = [];
  private constructor(private proc: ChildProcessWithoutNullStreams) {
    createInterface({ input: proc.stdout }).on('line', (line) => this.waiting.shift()?.(line));
    proc.stderr.on('data', (d: Buffer) => process.stderr.write(`[py] ${d.toString()}`));
  }

  static available(): boolean { return existsSync(PYTHON); }

  /** Start `script` (default: the meteaudata server) under `python` (default: .venv) and send it `init`. */
  static async start(valuesPath: string, options: { python?: string; script?: string } = {}): Promise<{ py: PythonSide; version: string; init: PyAnswer }> {
    const proc = spawn(options.python ?? PYTHON, [options.script ?? join(ROOT, 'bench', 'python', 'server.py')], { stdio: ['pipe', 'pipe', 'pipe'] });
    const py = new PythonSide(proc);
    const init = await py.call({ op: 'init', values: valuesPath });
    if (init.error) throw new Error(`Python side failed to start: ${init.error}`);
    return { py, version: String(init.python), init };
  }

  call(cmd: Record<string, unknown>): Promise<PyAnswer> {
    return new Promise((resolve) => {
      this.waiting.push((line) => resolve(JSON.parse(line) as PyAnswer));
      this.proc.stdin.write(`${JSON.stringify(cmd)}\n`);
    });
  }

  stop(): void { this.proc.stdin.end(); }
}
