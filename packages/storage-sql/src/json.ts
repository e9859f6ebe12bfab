import { parseLenientJson } from '@metaseries/core/backend-kit';

const TOKEN = '\u0000metaseries-float:';

/**
 * JSON text as Python's `json.dumps` writes it: NaN and ±Infinity as the bare tokens
 * `NaN`, `Infinity`, `-Infinity` (which `json.loads` reads back), not as `null`.
 */
export function stringifyPythonJson(value: unknown): string {
  let special = false;
  const text = JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) {
      special = true;
      return TOKEN + (Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity');
    }
    return v;
  });
  if (!special) return text;
  return text.replace(/"\\u0000metaseries-float:(NaN|Infinity|-Infinity)"/g, '$1');
}

export function parseStoredJson(text: string): unknown {
  return parseLenientJson(text);
}
