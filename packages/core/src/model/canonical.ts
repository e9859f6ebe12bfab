/**
 * JSON text with object keys sorted at every level, so equal values compare equal
 * whatever key order a backend (PyYAML sorts, JSON keeps insertion order) gave them.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
