#!/usr/bin/env node
// npm `prepack` of every package (run in the package folder): build it (and the packages
// it references) so the tarball has dist/, and copy the repository's LICENSE next to
// its README. `--clean` (postpack) removes the copied LICENSE again.
import { execFileSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = process.cwd();
if (process.argv.includes('--clean')) {
  rmSync(join(pkg, 'LICENSE'), { force: true });
} else {
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', pkg], { stdio: 'inherit' });
  execFileSync(process.execPath, [join(root, 'scripts', 'emit-cts-types.mjs'), pkg], { stdio: 'inherit' });
  copyFileSync(join(root, 'LICENSE'), join(pkg, 'LICENSE'));
}
