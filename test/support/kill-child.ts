/**
 * Kill tests: run a Node script (`node --input-type=module -e`) whose stderr reports its
 * commit steps (`metaseries-commit-step …`, printed and paused by core's `commitStep` when
 * METASERIES_COMMIT_PAUSE_MS is set), and SIGKILL it on the line the test chooses.
 */
import { spawn } from 'node:child_process';
import { ROOT } from './python.js';

export interface KilledChild {
  signal: NodeJS.Signals | null;
  /** The last line the child printed before the kill (a step marker when the kill landed there). */
  lastLine: string;
  /** The writer went on after the step the kill was aimed at (a `resumed` line after it): the kill came late. */
  late: boolean;
}

/**
 * `onLine` sees every line but the `resumed` markers, in order, and answers 'kill' (SIGKILL
 * now), 'other' (unexpected output: the run fails with it unless the child was killed) or
 * nothing. `pauseMs` is how long the child waits at each commit step.
 */
export function runAndKill(script: string, args: readonly string[], pauseMs: number, onLine: (line: string) => 'kill' | 'other' | undefined): Promise<KilledChild> {
  return new Promise((resolveKill, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, ...args], {
      cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, METASERIES_COMMIT_PAUSE_MS: String(pauseMs) },
    });
    let buffer = '', lastLine = '', other = '', killed = false, late = false;
    child.stderr.on('data', (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        const resumed = line.startsWith('metaseries-commit-resumed ');
        if (killed) { if (resumed) late = true; continue; }
        if (resumed) continue;
        lastLine = line;
        const answer = onLine(line);
        if (answer === 'kill') { killed = true; child.kill('SIGKILL'); }
        else if (answer === 'other') other += line + '\n';
      }
    });
    child.on('exit', (_code, signal) => (other && !killed ? reject(new Error(other)) : resolveKill({ signal, lastLine, late })));
    child.on('error', reject);
  });
}
