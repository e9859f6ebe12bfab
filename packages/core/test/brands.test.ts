/**
 * Two copies of core in one process (a backend that brought its own core, a CJS and an
 * ESM copy) must still agree: `instanceof MetaseriesError` / `instanceof Storage` read a
 * Symbol.for brand, and the store registry is shared. The second copy is core's dist
 * copied to another folder inside the repository (so its dependencies still resolve).
 */
import { execFile } from 'node:child_process';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { expect, it, onTestFinished } from 'vitest';

const DIST = pathToFileURL(join(import.meta.dirname, '..', 'dist', 'index.js')).href;
const COPY = join(import.meta.dirname, '.second-core-copy');

it('errors, stores and registered kinds cross copies of core', async () => {
  rmSync(COPY, { recursive: true, force: true });
  cpSync(join(import.meta.dirname, '..', 'dist'), join(COPY, 'dist'), { recursive: true });
  writeFileSync(join(COPY, 'package.json'), '{ "type": "module" }');
  onTestFinished(() => rmSync(COPY, { recursive: true, force: true }));
  const script = `
    const a = await import(${JSON.stringify(DIST)});
    const b = await import(${JSON.stringify(pathToFileURL(join(COPY, 'dist', 'index.js')).href)});
    const bKit = await import(${JSON.stringify(pathToFileURL(join(COPY, 'dist', 'backend-kit.js')).href)});
    const results = {
      separateCopies: a.MetaseriesError !== b.MetaseriesError,
      errorAcross: new b.MetaseriesError('NOT_FOUND', 'x') instanceof a.MetaseriesError,
      isErrorAcross: a.isMetaseriesError(new b.MetaseriesError('NOT_FOUND', 'x')),
      plainErrorIsNot: new Error('x') instanceof a.MetaseriesError,
      storageAcross: new b.Storage(new b.MemoryBackend()) instanceof a.Storage,
      plainObjectIsNot: ({}) instanceof a.Storage,
    };
    bKit.registerBackend('copytest', { package: 'x', schema: { '~standard': { version: 1, vendor: 't', validate: (value) => ({ value }) } }, create: () => new b.MemoryBackend() });
    results.registryShared = (await a.openStore({ kind: 'copytest' })).kind === 'memory';
    console.log(JSON.stringify(results));
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
  expect(JSON.parse(stdout)).toEqual({
    separateCopies: true, errorAcross: true, isErrorAcross: true, plainErrorIsNot: false,
    storageAcross: true, plainObjectIsNot: false, registryShared: true,
  });
});
