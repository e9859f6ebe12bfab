#!/usr/bin/env node
/**
 * Moves names that the root of @metaseries/core no longer exports to an import from
 * `@metaseries/core/backend-kit`, in the files or folders given
 * (`node scripts/split-core-imports.mjs packages/processing test`). Written for merging
 * branches made before the root was trimmed to the public API; run `npm run build` first
 * (it reads the two entry points' sources, not dist). Type-only names are left at the
 * root: the root still exports the types. A name neither entry point exports is listed
 * at the end: it is internal — add it to backend-kit (and test/public-api.test.ts) only if
 * a sibling package really needs it.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const CORE = join(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'core', 'src');

/** Runtime names an entry point exports by name (`export { a, b } from …`). */
function exportedNames(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const names = new Set();
  source.forEachChild((node) => {
    if (!ts.isExportDeclaration(node) || node.isTypeOnly || !node.exportClause || !ts.isNamedExports(node.exportClause)) return;
    for (const e of node.exportClause.elements) if (!e.isTypeOnly) names.add(e.name.text);
  });
  return names;
}

// The root star-exports the model; its runtime names are the model classes.
const rootNames = new Set([...exportedNames(join(CORE, 'index.ts')), ...exportedNames(join(CORE, 'model', 'index.ts'))]);
for (const f of readdirSync(join(CORE, 'model'))) if (f.endsWith('.ts')) {
  for (const m of readFileSync(join(CORE, 'model', f), 'utf8').matchAll(/^export (?:class|function|const) (\w+)/gm)) rootNames.add(m[1]);
}
const kitNames = exportedNames(join(CORE, 'backend-kit.ts'));
const unknown = new Set();

function rewrite(path) {
  const text = readFileSync(path, 'utf8');
  const out = text.replace(/(import|export) (type )?\{([^}]*)\} from '@metaseries\/core';/g, (all, verb, typeKw, body) => {
    const root = [];
    const kit = [];
    for (const item of body.split(',').map((s) => s.trim()).filter(Boolean)) {
      const name = item.replace(/^type /, '').split(/\s+as\s+/)[0];
      if (typeKw || item.startsWith('type ') || rootNames.has(name)) root.push(item);
      else if (kitNames.has(name)) kit.push(item);
      else { unknown.add(`${name} (${path})`); root.push(item); }
    }
    if (kit.length === 0) return all;
    const list = (items) => (all.includes('\n') ? `{\n  ${items.join(', ')},\n}` : `{ ${items.join(', ')} }`);
    const t = typeKw ?? '';
    return `${root.length ? `${verb} ${t}${list(root)} from '@metaseries/core';\n` : ''}${verb} ${t}${list(kit)} from '@metaseries/core/backend-kit';`;
  });
  if (out !== text) {
    writeFileSync(path, out);
    console.log(`rewrote ${path}`);
  }
}

function walk(path) {
  if (statSync(path).isDirectory()) {
    for (const e of readdirSync(path)) if (e !== 'node_modules' && e !== 'dist' && !e.startsWith('.')) walk(join(path, e));
  } else if (/\.(ts|mts|cts|md)$/.test(path) && !path.endsWith('.d.ts')) rewrite(path);
}

for (const arg of process.argv.slice(2)) walk(arg);
if (unknown.size) console.log(`exported by neither entry point (internal):\n  ${[...unknown].join('\n  ')}`);
