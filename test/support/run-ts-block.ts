import { rm, writeFile } from 'node:fs/promises';
import { vi } from 'vitest';

/**
 * Run a ```ts block of the docs as a module (written to `file`, removed afterwards) and
 * return what it printed with console.log, one array of arguments per call.
 */
export async function runTsBlock(code: string, file: string): Promise<unknown[][]> {
  await writeFile(file, code);
  const logged: unknown[][] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args) => void logged.push(args));
  try {
    await import(file);
  } finally {
    spy.mockRestore();
    await rm(file, { force: true });
  }
  return logged;
}
