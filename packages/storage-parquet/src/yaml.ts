import yaml from 'js-yaml';

/**
 * Python's sidecars are written by PyYAML's full Dumper, so a tuple may appear as
 * `!!python/tuple [..]`; read it as a list. Timestamps stay strings (CORE schema),
 * which is what `metadata_dict()` holds.
 */
const pythonTuple = new yaml.Type('tag:yaml.org,2002:python/tuple', { kind: 'sequence', construct: (data: unknown[] | null) => data ?? [] });
const READ_SCHEMA = yaml.CORE_SCHEMA.extend([pythonTuple]);

/** Parse a sidecar; throws js-yaml's error on bad text. */
export function parseYaml(text: string): unknown {
  return yaml.load(text, { schema: READ_SCHEMA });
}

/**
 * Dump plain YAML that `yaml.safe_load` reads back to the same types: sorted keys
 * like PyYAML, and the default schema so strings that look like timestamps, numbers
 * or YAML 1.1 booleans are quoted.
 */
export function dumpYaml(value: unknown, sortKeys = true): string {
  return yaml.dump(value, { sortKeys, lineWidth: -1, noRefs: true });
}
