#!/usr/bin/env node
/**
 * CommonJS declarations for the `require` condition of a package's `exports` (run by
 * prepack in the package folder, after tsc). Our packages are ESM; Node >= 20.19 loads
 * them with `require(esm)`, but TypeScript under `module: node16` refuses a CommonJS file
 * that imports an ESM declaration (TS1479). So every `dist/**\/*.d.ts` gets a `.d.cts`
 * twin whose relative imports point at the other twins (`./x.js` -> `./x.cjs`), and the
 * `require` condition names it — the "dual types, one runtime" layout arethetypeswrong
 * accepts for require(esm) packages. The runtime file stays the one ESM build.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dist = join(process.argv[2] ?? process.cwd(), 'dist');

function* declarations(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) yield* declarations(full);
    else if (entry.name.endsWith('.d.ts')) yield full;
  }
}

// `from './x.js'`, `import('./x.js')`, `export * from "../y/index.js"`: relative specifiers only.
const RELATIVE = /((?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]*?)\.js\2/g;
let count = 0;
for (const file of declarations(dist)) {
  const text = readFileSync(file, 'utf8').replace(RELATIVE, (_m, lead, quote, path) => `${lead}${quote}${path}.cjs${quote}`).replace(/\/\/# sourceMappingURL=.*$/m, '');
  writeFileSync(file.slice(0, -'.d.ts'.length) + '.d.cts', text);
  count++;
}
// Silent: npm pack --json prints the tarball list on stdout.
