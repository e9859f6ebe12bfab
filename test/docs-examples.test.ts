/**
 * Every ```ts block in README.md and docs/*.md runs, as a reader would paste it.
 *
 * Convention (written in docs/contributing-docs.md):
 * - ```ts         the block is type-checked and executed, on its own, in an empty
 *                 temporary working folder (relative paths like './store' land there);
 * - ```ts check   the block is only type-checked: it needs something the tests do not
 *                 give a snippet (a PostgreSQL server at a made-up address, a test runner).
 * Each block stands alone: its own imports, no variables from an earlier block.
 *
 * The blocks are written to test/.docs-examples/ (inside the repository, so
 * `@metaseries/*` resolve as the workspace packages, and `../../test/...` as in a
 * package's test folder), type-checked together by one `tsc` run, then imported one by one.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ROOT } from './support/python.js';
import { tempDir } from './support/tmp.js';

interface Block {
  file: string;
  line: number;
  mode: 'run' | 'check';
  code: string;
  module: string;
}

const OUT = join(ROOT, 'test', '.docs-examples');
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];

function extract(file: string): Block[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const blocks: Block[] = [];
  const fence = /^```ts( check)?[ \t]*\n([\s\S]*?)^```[ \t]*$/gm;
  for (let m = fence.exec(text); m; m = fence.exec(text)) {
    const line = text.slice(0, m.index).split('\n').length;
    const module = `${file.replace(/[/.]/g, '_')}_L${line}.ts`;
    blocks.push({ file, line, mode: m[1] ? 'check' : 'run', code: m[2]!, module });
  }
  return blocks;
}

const BLOCKS = DOCS.flatMap(extract);

beforeAll(() => {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  // `export {}` keeps every block a module (top-level await, no shared globals).
  for (const b of BLOCKS) writeFileSync(join(OUT, b.module), `// ${b.file}:${b.line}\n${b.code}\nexport {};\n`);
  writeFileSync(join(OUT, 'tsconfig.json'), JSON.stringify({
    extends: '../../tsconfig.base.json',
    compilerOptions: { noEmit: true, composite: false, declaration: false, declarationMap: false, sourceMap: false, noUnusedLocals: false },
    include: ['*.ts'],
  }));
});
afterAll(() => rmSync(OUT, { recursive: true, force: true }));

describe('docs examples', () => {
  it('finds the blocks (README and docs)', () => {
    expect(BLOCKS.length).toBeGreaterThan(10);
    expect(new Set(BLOCKS.map((b) => b.file))).toContain('README.md');
  });

  it('every ```ts block type-checks (strict, as a user file)', async () => {
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    try {
      await promisify(execFile)(process.execPath, [tsc, '-p', join(OUT, 'tsconfig.json')], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      const out = (error as { stdout?: string }).stdout ?? String(error);
      // Map test/.docs-examples/<module>(line,col) back to the doc and its line.
      const mapped = out.replace(/test\/\.docs-examples\/(\S+?\.ts)\((\d+),(\d+)\)/g, (_, module: string, l: string) => {
        const b = BLOCKS.find((x) => x.module === module);
        return b ? `${b.file}:${b.line + Number(l) - 1}` : module;
      });
      expect.fail(`Doc examples do not type-check:\n${mapped}`);
    }
  }, 120_000);

  for (const block of BLOCKS.filter((b) => b.mode === 'run')) {
    it(`${block.file}:${block.line} runs`, async () => {
      const cwd = process.cwd();
      process.chdir(tempDir('ms-docs-'));
      // Examples print what they show; keep the test output readable.
      const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
      try {
        await import(join(OUT, block.module));
      } finally {
        log.mockRestore();
        process.chdir(cwd);
      }
    });
  }
});
