/**
 * The ```ts blocks of these docs run as written (each on its own, in order); they check
 * themselves with node:assert. Add a doc here when it gains runnable examples.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './support/python.js';

const DOCS = ['docs/ingest.md'];
const written: string[] = [];
afterAll(() => { for (const f of written) rmSync(f, { force: true }); });

for (const doc of DOCS) {
  describe(doc, () => {
    const blocks = [...readFileSync(join(ROOT, doc), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    it('has examples', () => expect(blocks.length).toBeGreaterThan(0));
    for (const [i, code] of blocks.entries()) {
      it(`example ${i + 1} runs`, async () => {
        const file = join(ROOT, 'test', `.docs-example-${doc.replace(/\W/g, '-')}-${i + 1}.tmp.ts`);
        written.push(file);
        writeFileSync(file, `${code}\nexport {};\n`);
        await import(file);
      });
    }
  });
}
