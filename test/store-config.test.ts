/**
 * Store configuration mistakes (issue 16): each used to give a different store than
 * asked for — mostly an in-memory SQLite database, gone at exit — and must now be an
 * INVALID_INPUT naming the option and the valid ones. Imports the packages as a user does.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBackend, MetaseriesError, openStore, parseStoreUrl, type SqlBackend, type Storage, type StoreConfig } from '@metaseries/core';
import '@metaseries/storage-sql';
import '@metaseries/storage-parquet';
import { tempDir } from './support/tmp.js';

async function failure(promise: Promise<unknown>): Promise<MetaseriesError> {
  try {
    const store = await promise;
    await (store as Storage).close();
  } catch (error) {
    expect(error).toBeInstanceOf(MetaseriesError);
    return error as MetaseriesError;
  }
  throw new Error('expected the store not to open');
}

async function expectInvalid(config: StoreConfig | string, ...parts: string[]): Promise<void> {
  const error = await failure(openStore(config));
  expect(error.code).toBe('INVALID_INPUT');
  for (const part of parts) expect(error.message).toContain(part);
}

describe('store configuration mistakes are errors, never a silent in-memory store', () => {
  it('a misspelled path option (pth, file) names the option and the valid ones', async () => {
    const dir = tempDir('ms-config-');
    await expectInvalid({ kind: 'sqlite', pth: join(dir, 'x.db') } as never, '"pth"', 'did you mean "path"', 'valid options: kind, path, layout');
    await expectInvalid({ kind: 'sqlite', file: join(dir, 'x.db') } as never, '"file"', 'valid options: kind, path');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a misspelled layout option is an error, not the native layout', async () => {
    const dir = tempDir('ms-config-');
    await expectInvalid({ kind: 'sqlite', path: join(dir, 'x.db'), layuot: 'meteaudata' } as never, '"layuot"', 'did you mean "layout"');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a missing path is an error: "sqlite:", { kind: "sqlite" }, and a JSON file with only a kind', async () => {
    const dir = tempDir('ms-config-');
    await expectInvalid('sqlite:', 'Missing option "path"', ':memory:');
    await expectInvalid({ kind: 'sqlite' } as never, 'Missing option "path"');
    writeFileSync(join(dir, 'store.json'), '{ "kind": "sqlite" }');
    await expectInvalid(join(dir, 'store.json'), 'Missing option "path"', 'store.json');
    await expectInvalid({ kind: 'parquet' } as never, 'Missing option "dir"');
    await expectInvalid({ kind: 'postgres' } as never, 'url');
  });

  it('an invalid value names the option and what it accepts', async () => {
    const dir = tempDir('ms-config-');
    await expectInvalid({ kind: 'sqlite', path: join(dir, 'x.db'), layout: 'parquet' } as never, '"layout"', '"native"', '"meteaudata"');
    await expectInvalid({ kind: 'sqlite', path: join(dir, 'x.db'), busyTimeoutMs: -1 }, '"busyTimeoutMs"');
    await expectInvalid({ kind: 'parquet', dir: join(dir, 's'), create: 'yes' } as never, '"create"');
    await expectInvalid({ kind: 'postgres', uri: 'postgres://x@localhost/db' } as never, '"uri"', 'did you mean "url"');
    await expectInvalid({ kind: 'mongo' } as never, '"mongo"', 'known kinds');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('query options are parsed and never part of the file name', async () => {
    const dir = tempDir('ms-config-');
    await expectInvalid(`sqlite:${join(dir, 'x.db')}?mode=ro`, '"mode"', 'valid options');
    expect(readdirSync(dir)).toEqual([]);

    const py = await openStore(`sqlite:${join(dir, 'py.db')}?layout=meteaudata`);
    expect((py.backend as SqlBackend).layout).toBe('meteaudata');
    await py.close();
    const parquet = await openStore(`parquet:${join(dir, 'store')}?create=true`);
    await parquet.close();
    expect(readdirSync(dir).sort()).toEqual(['py.db', 'store']);
    expect(parseStoreUrl('postgres://me@db.example/plant?layout=meteaudata&sslmode=require')).toEqual({
      kind: 'postgres', layout: 'meteaudata', url: 'postgres://me@db.example/plant?sslmode=require',
    });
  });

  it(':memory: only when asked for explicitly', async () => {
    for (const config of ['sqlite::memory:', { kind: 'sqlite', path: ':memory:' } as const]) {
      const store = await openStore(config);
      expect(store.kind).toBe('sqlite');
      await store.close();
    }
  });

  it('a config file resolves relative paths against its own folder and expands ${ENV}', async () => {
    const dir = tempDir('ms-config-');
    mkdirSync(join(dir, 'conf'));
    process.env.MS_TEST_STORE_FILE = 'plant.db';
    try {
      writeFileSync(join(dir, 'conf', 'store.yaml'), 'storage:\n  kind: sqlite\n  path: ./data/${MS_TEST_STORE_FILE}\n');
      mkdirSync(join(dir, 'conf', 'data'));
      const store = await openStore(join(dir, 'conf', 'store.yaml'));
      await store.close();
      expect(existsSync(join(dir, 'conf', 'data', 'plant.db'))).toBe(true);
      expect(existsSync(join(process.cwd(), 'data', 'plant.db'))).toBe(false);
    } finally {
      delete process.env.MS_TEST_STORE_FILE;
    }
    writeFileSync(join(dir, 'pg.yaml'), 'kind: postgres\nurl: ${MS_TEST_UNSET_PG_URL}\n');
    await expectInvalid(join(dir, 'pg.yaml'), 'MS_TEST_UNSET_PG_URL', 'not set');
    writeFileSync(join(dir, 'url.json'), JSON.stringify({ storage: 'parquet:./p?create=true' }));
    await (await openStore(join(dir, 'url.json'))).close();
    expect(existsSync(join(dir, 'p'))).toBe(true);
  });

  it('createBackend stays as a deprecated alias of openStore', async () => {
    const error = await failure(createBackend({ kind: 'sqlite', pth: 'x.db' }));
    expect(error.code).toBe('INVALID_INPUT');
  });
});
