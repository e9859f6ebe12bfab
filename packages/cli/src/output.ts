/** How a command prints: stable JSON (`--json`) or an aligned table for people. */
export interface Printer {
  json: boolean;
  /** Rows as a table (columns from the first row's keys, or `columns`). */
  table(rows: readonly Record<string, unknown>[], columns?: readonly string[]): void;
  /** A record as `key: value` lines. */
  record(value: Record<string, unknown>): void;
  /** The JSON document of the command (only printed with --json). */
  result(value: unknown): void;
  line(text: string): void;
}

export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Left-aligned text columns, right-aligned numbers, two spaces apart. */
export function formatTable(rows: readonly Record<string, unknown>[], columns?: readonly string[]): string {
  const cols = columns ?? (rows[0] ? Object.keys(rows[0]) : []);
  if (cols.length === 0) return '';
  const cells = rows.map((r) => cols.map((c) => cellText(r[c])));
  const numeric = cols.map((c) => rows.length > 0 && rows.every((r) => typeof r[c] === 'number' || r[c] == null));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const fmt = (row: readonly string[]): string => row.map((t, i) => (numeric[i] ? t.padStart(widths[i]!) : t.padEnd(widths[i]!))).join('  ').trimEnd();
  return [fmt(cols), ...cells.map(fmt)].join('\n');
}

export function makePrinter(json: boolean, write: (text: string) => void = (t) => process.stdout.write(t)): Printer {
  return {
    json,
    table(rows, columns) {
      if (!json) write(`${formatTable(rows, columns)}${rows.length || columns ? '\n' : ''}`);
    },
    record(value) {
      if (json) return;
      const width = Math.max(0, ...Object.keys(value).map((k) => k.length));
      for (const [k, v] of Object.entries(value)) write(`${`${`${k}:`.padEnd(width + 1)} ${cellText(v)}`.trimEnd()}\n`);
    },
    result(value) {
      if (json) write(`${JSON.stringify(value, null, 2)}\n`);
    },
    line(text) {
      if (!json) write(`${text}\n`);
    },
  };
}
