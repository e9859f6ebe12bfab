#!/usr/bin/env node
/**
 * The packages as a user gets them (run by .ci/run; `npm run pack-check`):
 * 1. `npm pack` every workspace (prepack builds it) and check each tarball: dist, types,
 *    README, LICENSE, every `exports` target present, and published .d.ts files that
 *    import only the package's own dependencies/peers or node builtins (a devDependency's
 *    types would be TS7016 for users with skipLibCheck false).
 * 2. Install the tarballs into a scratch project in the system temp folder (outside the
 *    repository). Native and heavy peers (better-sqlite3, nodejs-polars, danfojs-node) and
 *    the TypeScript toolchain are linked from this repository's node_modules, so nothing is
 *    compiled again (--ignore-scripts: npm would otherwise rebuild better-sqlite3 inside
 *    the linked folder); the rest comes from the npm cache or registry. pg is left out on
 *    purpose: opening a PostgreSQL store must fail naming it.
 * 3. Type-check a TypeScript consumer (scripts/pack-check/) with skipLibCheck false under
 *    module nodenext (ESM and CommonJS files), node16 (ESM and CommonJS files) and bundler; it also pins typed store
 *    configs and `process` requiring a transform's parameters (@ts-expect-error lines).
 * 4. Run an ESM and a CommonJS (require(esm), Node >= 20.19) smoke script: open SQLite and
 *    Parquet stores, process, reload.
 * Prints the size of each tarball and installed package. The scratch folder is removed.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const started = Date.now();
const scratch = mkdtempSync(join(tmpdir(), 'metaseries-pack-check-'));
const failures = [];

function run(cmd, args, cwd, options = {}) {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024, ...options });
  } catch (error) {
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed:\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
  }
}

function step(name) {
  console.log(`\n[pack-check ${((Date.now() - started) / 1000).toFixed(0)}s] ${name}`);
}

function check(ok, message) {
  if (!ok) failures.push(message);
}

function dirSize(path) {
  let total = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) total += dirSize(full);
    else if (entry.isFile()) total += statSync(full).size;
  }
  return total;
}

const kb = (n) => `${(n / 1024).toFixed(0)} kB`;

try {
  // 1. Pack.
  step('npm pack every workspace (prepack builds)');
  const tarballs = join(scratch, 'tarballs');
  mkdirSync(tarballs);
  const packed = JSON.parse(run(NPM, ['pack', '--workspaces', '--pack-destination', tarballs, '--json', '--silent'], ROOT));
  const rootManifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  check(packed.length === rootManifest.workspaces.length, `packed ${packed.length} packages, expected ${rootManifest.workspaces.length}`);
  const dirOf = new Map(rootManifest.workspaces.map((w) => [JSON.parse(readFileSync(join(ROOT, w, 'package.json'), 'utf8')).name, join(ROOT, w)]));
  for (const p of packed) {
    const files = new Set(p.files.map((f) => f.path));
    const manifest = JSON.parse(readFileSync(join(dirOf.get(p.name), 'package.json'), 'utf8'));
    console.log(`  ${p.filename}: ${kb(p.size)} packed, ${kb(p.unpackedSize)} unpacked, ${p.entryCount} files`);
    for (const needed of ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts']) check(files.has(needed), `${p.name}: ${needed} missing from the tarball`);
    check(![...files].some((f) => /(^|\/)test\/|\.test\.|tsbuildinfo/.test(f)), `${p.name}: ships test files or tsbuildinfo`);
    check(manifest.license === 'MIT', `${p.name}: license is not MIT`);
    // Conditions nest (`import`/`require` each with its own `types`): every file present, `types` first where given.
    const targets = (where, target) => {
      if (typeof target === 'string') {
        check(files.has(target.replace(/^\.\//, '')), `${p.name} exports${where} → ${target} is not in the tarball`);
        return;
      }
      if ('types' in target) check(Object.keys(target)[0] === 'types', `${p.name} exports${where}: "types" must come first`);
      for (const [condition, inner] of Object.entries(target)) targets(`${where}.${condition}`, inner);
    };
    for (const [subpath, target] of Object.entries(manifest.exports)) targets(`["${subpath}"]`, target);
    // The `require` condition's types must be CommonJS declarations (.d.cts): TS node16 refuses ESM ones (TS1479).
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      const types = typeof target === 'object' && typeof target.require === 'object' ? target.require.types : undefined;
      if (typeof target === 'object' && 'require' in target) check(typeof types === 'string' && types.endsWith('.d.cts'), `${p.name} exports["${subpath}"].require needs { types: "….d.cts" } for CommonJS consumers under TypeScript node16`);
    }
    const allowed = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {}), p.name]);
    for (const file of files) {
      if (!file.endsWith('.d.ts') && !file.endsWith('.d.cts')) continue;
      const text = readFileSync(join(dirOf.get(p.name), file), 'utf8');
      // Declarations only (not comments): import … from 'x', import('x'), export … from 'x'.
      const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      for (const m of code.matchAll(/(?:from\s+|import\()\s*['"]([^'"]+)['"]/g)) {
        const spec = m[1];
        if (spec.startsWith('.') || spec.startsWith('node:') || builtinModules.includes(spec)) continue;
        const pkgName = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
        check(allowed.has(pkgName), `${p.name}: ${file} imports types from "${spec}", which is not a dependency or peer (users would get TS7016/TS2307 with skipLibCheck false)`);
      }
    }
  }

  // 2. Install into a scratch project.
  step('install the tarballs into a scratch project outside the repository');
  const app = join(scratch, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'metaseries-consumer', private: true, version: '1.0.0' }, null, 2));
  const linked = ['better-sqlite3', 'nodejs-polars', 'danfojs-node', 'typescript', '@types/node'].map((name) => join(ROOT, 'node_modules', name));
  for (const path of linked) check(existsSync(path), `${relative(ROOT, path)} is missing: run npm ci first`);
  const installStart = Date.now();
  run(NPM, ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', ...packed.map((p) => join(tarballs, p.filename)), ...linked], app);
  console.log(`  installed in ${((Date.now() - installStart) / 1000).toFixed(1)} s`);
  for (const p of packed) console.log(`  node_modules/${p.name}: ${kb(dirSize(join(app, 'node_modules', p.name)))}`);
  check(!existsSync(join(app, 'node_modules', 'pg')), 'pg was installed although it is an optional peer');

  // 3. Type-check a consumer.
  step('type-check a TypeScript consumer (skipLibCheck false): nodenext ESM + CJS, node16 ESM + CJS, bundler');
  const fixtures = join(ROOT, 'scripts', 'pack-check');
  cpSync(fixtures, app, { recursive: true });
  const tsc = join(app, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const config of ['tsconfig.nodenext.json', 'tsconfig.node16.json', 'tsconfig.bundler.json', 'tsconfig.cjs.json', 'tsconfig.cjs-node16.json', 'tsconfig.danfo.json']) {
    try {
      run(process.execPath, [tsc, '-p', config], app);
      console.log(`  ${config}: ok`);
    } catch (error) {
      // danfojs-node's own declarations import untyped packages (request, papaparse,
      // plotly.js-dist-min): any skipLibCheck-false user of danfojs-node sees those.
      const lines = error.message.split('\n').filter((line) => /error TS\d+/.test(line));
      const ours = lines.filter((line) => !line.includes('node_modules/danfojs-node/'));
      if (config === 'tsconfig.danfo.json' && lines.length > 0 && ours.length === 0) {
        console.log(`  ${config}: ok (${lines.length} errors inside danfojs-node's own declarations, not ours)`);
      } else check(false, `${config}: ${error.message}`);
    }
  }

  // 4. Smoke scripts.
  step('run the ESM and CommonJS smoke scripts');
  for (const script of ['smoke.mjs', 'smoke.cjs']) {
    try {
      const out = run(process.execPath, ['--no-warnings', script], app, { timeout: 180_000 });
      console.log(`  ${script}: ${out.trim().split('\n').join('\n    ')}`);
    } catch (error) {
      check(false, `${script}: ${error.message}`);
    }
  }
} catch (error) {
  failures.push(error.message);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

console.log(`\n[pack-check] ${((Date.now() - started) / 1000).toFixed(0)} s`);
if (failures.length > 0) {
  console.error(`pack-check FAILED:\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log('pack-check passed');
