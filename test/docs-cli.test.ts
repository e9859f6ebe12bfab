/**
 * docs/cli.md runs as written: its ```csv / ```yaml blocks with a `file=` name are
 * written into a temp folder, then every `$ metaseries …` line of its ```console blocks
 * runs there (the real binary, in order) and must print exactly the lines under it.
 * `METASERIES_UPDATE_DOCS=1 npx vitest run test/docs-cli.test.ts` rewrites the outputs.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ROOT } from './support/python.js';

const CLI = join(ROOT, 'packages/cli/dist/cli.js');
const DOC = join(ROOT, 'docs/cli.md');
const dir = mkdtempSync(join(tmpdir(), 'metaseries-docs-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Shell-like words: spaces split, double or single quotes group. */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: dir, env: { ...process.env, METASERIES_STORE: '' } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

it('every example of docs/cli.md prints what the doc shows', async () => {
  let doc = readFileSync(DOC, 'utf8');
  for (const m of doc.matchAll(/```\w+ file=(\S+)\n([\s\S]*?)```/g)) writeFileSync(join(dir, m[1]!), m[2]!);
  const blocks = [...doc.matchAll(/```console\n([\s\S]*?)```/g)];
  expect(blocks.length).toBeGreaterThanOrEqual(10);
  const commands = new Set<string>();
  let updated = doc;
  for (const block of blocks) {
    const body = block[1]!;
    const parts = body.split(/^(?=\$ )/m);
    let rewritten = '';
    for (const part of parts) {
      const [first, ...rest] = part.split('\n');
      expect(first!.startsWith('$ metaseries '), `console block line ${JSON.stringify(first)}`).toBe(true);
      const args = words(first!.slice('$ metaseries '.length));
      commands.add(args.find((a) => !a.startsWith('-'))!);
      const r = await run(args);
      const expected = rest.join('\n');
      // Progress lines (only for work over a second, so only on a slow machine) are not part of the example.
      const stderr = r.stderr.split('\n').filter((l) => l && !/^[\w ]+: \d+(\/\d+)? (series|rows|bytes|signals|points)( \(.*\))?$/.test(l) && !/^ingest \S+: /.test(l));
      const got = r.stdout + stderr.map((l) => `${l}\n`).join('');
      if (process.env.METASERIES_UPDATE_DOCS) rewritten += `${first}\n${got}`;
      else expect(got, `output of: ${first}`).toBe(expected);
    }
    if (process.env.METASERIES_UPDATE_DOCS) updated = updated.replace(block[0], `\`\`\`console\n${rewritten}\`\`\``);
  }
  if (process.env.METASERIES_UPDATE_DOCS) writeFileSync(DOC, updated);
  // Every command has an example.
  expect([...commands].sort()).toEqual(['cat', 'convert', 'export', 'head', 'info', 'ingest', 'ls', 'retention', 'tail', 'verify']);
}, 240_000);
