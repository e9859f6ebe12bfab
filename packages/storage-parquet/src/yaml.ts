import { dumpYaml as dumpPyYaml, loadPythonYaml } from '@metaseries/core/backend-kit';

/**
 * Sidecars and footer metadata go through core's Python-compatibility module: read
 * with the lenient Python schema (`!!python/tuple` as a list) and limits on size and
 * alias expansion; written by the PyYAML-exact emitter, so `yaml.safe_load` reads back
 * the same types (`1e21` stays a float, `'1_000'` stays a string).
 */
export function parseYaml(text: string): unknown {
  return loadPythonYaml(text, 'Parquet YAML metadata');
}

/** PyYAML's `yaml.dump(value, sort_keys=sortKeys)`, byte for byte. */
export function dumpYaml(value: unknown, sortKeys = true): string {
  return dumpPyYaml(value, { sortKeys });
}
