/**
 * The import graph of @metaseries/core follows the layers of the design (DESIGN.md, "Layers"):
 * each layer imports only the ones below it, and no two files import each other, directly
 * or through others. Every import counts — static, `export … from`, `import type`, dynamic
 * `import()`, `import('…')` in a type position and `declare module '…'` augmentations —
 * because a type-only cycle is still a cycle a reader has to untangle.
 * The other packages reach core only through its published entry points.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/python.js';

const CORE_SRC = join(ROOT, 'packages', 'core', 'src');

/**
 * Core's layers, lowest first (a file may import its own layer and those above it in this
 * list). Paths are relative to packages/core/src; a file matches the first prefix that fits.
 * The design's store / segments / drivers are one layer here: segments/store.ts reads
 * storage/backend.ts types and storage/slice.ts, and the memory driver builds on
 * SegmentStore, so their order is not yet what the design draws.
 */
const LAYERS: ReadonlyArray<{ name: string; paths: readonly string[] }> = [
  { name: 'foundation', paths: ['errors.ts', 'progress.ts'] },
  { name: 'series', paths: ['series/'] },
  { name: 'python-compat', paths: ['python-compat/'] },
  { name: 'wire (metadata shapes the store contract carries)', paths: ['wire.ts'] },
  { name: 'store (Storage API, query, segments, drivers)', paths: ['storage/', 'query/', 'files/'] },
  { name: 'model (data + validation, naming rules)', paths: ['model/', 'naming.ts'] },
  { name: 'storage session', paths: ['session/'] },
  { name: 'archive', paths: ['archive/'] },
  { name: 'process', paths: ['process/'] },
  { name: 'model facade', paths: ['facade/'] },
  { name: 'tools (ingest)', paths: ['ingest/'] },
  { name: 'entry points', paths: ['index.ts', 'backend-kit.ts'] },
];

function layerOf(file: string): number {
  const i = LAYERS.findIndex((l) => l.paths.some((p) => (p.endsWith('/') ? file.startsWith(p) : file === p)));
  if (i < 0) throw new Error(`${file} belongs to no layer: add it to LAYERS in test/import-graph.test.ts`);
  return i;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** Every module specifier a file names, with what kind of reference it is. */
export function importsOf(path: string, text = readFileSync(path, 'utf8')): Array<{ spec: string; kind: string }> {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const out: Array<{ spec: string; kind: string }> = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push({ spec: node.moduleSpecifier.text, kind: node.importClause?.isTypeOnly ? 'import type' : 'import' });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push({ spec: node.moduleSpecifier.text, kind: 'export from' });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      out.push({ spec: arg && ts.isStringLiteralLike(arg) ? arg.text : `<computed: ${arg?.getText(source)}>`, kind: 'dynamic import()' });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      out.push({ spec: node.argument.literal.text, kind: "import('…') type" });
    } else if (ts.isModuleDeclaration(node) && ts.isStringLiteral(node.name)) {
      out.push({ spec: node.name.text, kind: 'declare module' });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** core-relative file (`model/signal.ts`) a relative specifier resolves to, or null for packages. */
function resolveRelative(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const abs = resolve(dirname(join(CORE_SRC, from)), spec).replace(/\.js$/, '.ts');
  return relative(CORE_SRC, abs).split('\\').join('/');
}

function coreGraph(): Map<string, Array<{ to: string; kind: string }>> {
  const graph = new Map<string, Array<{ to: string; kind: string }>>();
  for (const abs of sourceFiles(CORE_SRC)) {
    const file = relative(CORE_SRC, abs).split('\\').join('/');
    const edges: Array<{ to: string; kind: string }> = [];
    for (const { spec, kind } of importsOf(abs)) {
      if (spec.startsWith('<computed')) {
        // Only two files may import by a computed name: the backend registry loads a store's
        // package by its name; a query worker loads the segment file decoder a driver names.
        if (file !== 'storage/registry.ts' && file !== 'storage/segments/bucket-stream.ts') throw new Error(`${file}: ${kind} with a computed specifier ${spec} cannot be checked`);
        continue;
      }
      const to = resolveRelative(file, spec);
      if (to !== null) edges.push({ to, kind });
    }
    graph.set(file, edges);
  }
  return graph;
}

/** Every elementary cycle found by a depth-first walk, each as a path `a → b → … → a` (one per back edge). */
function cycles(graph: ReadonlyMap<string, ReadonlyArray<{ to: string }>>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const walk = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const { to } of graph.get(file) ?? []) {
      if (state.get(to) === 'open') found.push([...stack.slice(stack.indexOf(to)), to]);
      else if (!state.has(to) && graph.has(to)) walk(to);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) walk(file);
  return found;
}

describe('@metaseries/core import graph', () => {
  const graph = coreGraph();

  it('sees the imports it must see (the parser is not blind)', () => {
    const seen = importsOf('probe.ts', [
      "import { a } from './a.js';", "import type { B } from './b.js';", "export * from './c.js';",
      "const d = await import('./d.js');", "let e: import('./e.js').E;", "declare module './f.js' { interface F { x: 1 } }",
    ].join('\n')).map((i) => i.spec);
    expect(seen).toEqual(['./a.js', './b.js', './c.js', './d.js', './e.js', './f.js']);
    expect(graph.size).toBeGreaterThan(50);
  });

  it('every file belongs to a layer and every relative import names a file that exists', () => {
    const missing = [...graph].flatMap(([file, edges]) => edges.filter((e) => !graph.has(e.to)).map((e) => `${file} → ${e.to}`));
    expect(missing).toEqual([]);
    for (const file of graph.keys()) layerOf(file);
  });

  it('has no import cycle between files', () => {
    const found = [...new Set(cycles(graph).map((c) => c.join(' → ')))];
    expect(found, `import cycles:\n${found.join('\n')}`).toEqual([]);
  });

  it('never imports from a lower layer to a higher one', () => {
    const upward = [...graph].flatMap(([file, edges]) =>
      edges.filter((e) => layerOf(e.to) > layerOf(file))
        .map((e) => `${file} (${LAYERS[layerOf(file)]!.name}) → ${e.to} (${LAYERS[layerOf(e.to)]!.name}) [${e.kind}]`));
    expect(upward, `upward imports:\n${upward.join('\n')}`).toEqual([]);
  });
});

it('the other packages import core only through @metaseries/core and @metaseries/core/backend-kit', () => {
  const packages = readdirSync(join(ROOT, 'packages')).filter((p) => p !== 'core');
  const bad: string[] = [];
  for (const pkg of packages) {
    for (const sub of ['src', 'test']) {
      let files: string[];
      try { files = sourceFiles(join(ROOT, 'packages', pkg, sub)); } catch { continue; }
      for (const abs of files) {
        for (const { spec, kind } of importsOf(abs)) {
          const deep = spec.startsWith('@metaseries/core') && spec !== '@metaseries/core' && spec !== '@metaseries/core/backend-kit';
          const intoCore = spec.startsWith('.') && relative(join(ROOT, 'packages', 'core'), resolve(dirname(abs), spec)).split('\\').join('/').split('/')[0] !== '..';
          if (deep || intoCore) bad.push(`${relative(ROOT, abs)} → ${spec} [${kind}]`);
        }
      }
    }
  }
  expect(packages.length).toBeGreaterThan(3);
  expect(bad, `deep imports into core:\n${bad.join('\n')}`).toEqual([]);
});
