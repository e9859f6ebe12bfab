import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { ROOT } from './support/python.js';

const tmp = join(ROOT, 'test', '.readme-example.tmp.ts');
afterAll(() => rm(tmp, { force: true }));

it('the README usage example runs as written and prints what its comments say', async () => {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const code = /## Usage\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(code, 'README has a ```ts block under ## Usage').toBeTruthy();
  await writeFile(tmp, code!);
  const logged: unknown[][] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args) => void logged.push(args));
  try {
    await import(tmp);
  } finally {
    spy.mockRestore();
  }
  expect(Array.from(logged[0]![0] as Float64Array)).toEqual([41.2, 0, 44]);
  expect(logged[1]![0]).toEqual(['fillWithZero']);
});
