import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { ROOT } from './support/python.js';

const files: string[] = [];
afterAll(async () => { for (const f of files) await rm(f, { force: true }); });

it('every ```ts block of docs/plotting.md runs as written', async () => {
  const doc = await readFile(join(ROOT, 'docs', 'plotting.md'), 'utf8');
  const blocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  expect(blocks.length).toBeGreaterThan(0);
  const logged: unknown[][] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args) => void logged.push(args));
  try {
    for (const [i, code] of blocks.entries()) {
      // Inside the repository so package imports resolve like a user's.
      const file = join(ROOT, 'test', `.docs-plotting-${i}.tmp.ts`);
      files.push(file);
      await writeFile(file, code);
      await import(file);
    }
  } finally {
    spy.mockRestore();
  }
  expect(logged[0]![0]).toEqual(['COD#1_RAW#1: markers diamond', 'COD#1_LIN-INT#1: lines+markers triangle-up', 'COD#1_ROLLING-MEAN#1: lines circle']);
  expect(logged[1]![0]).toEqual(['COD#1_RAW#1 → COD#1_LIN-INT#1', 'COD#1_LIN-INT#1 → COD#1_ROLLING-MEAN#1', 'COD#1_LIN-INT#1 → AVERAGE#1_RAW#1', 'TSS#1_RAW#1 → AVERAGE#1_RAW#1']);
  expect(String(logged[2]![0])).toContain("Dataset 'plant'");
});
