import { ProcessingType, type Series, type Signal } from '@metaseries/core';
import { formatTimestamp, formatWall, invalidInput, show, US_PER_DAY, utcToWall } from '@metaseries/core/backend-kit';
import { requireDatetime, requireNumeric } from './common.js';
import { combineFlagSeries, FLAG_DTYPE, FLAG_NAMES, QualityFlag, type QualityFlagName } from './flags.js';

export interface DayQuality {
  /** Calendar day in the index's own zone (wall clock), `YYYY-MM-DD`. */
  day: string;
  points: number;
  /** Points whose flag is 0. */
  ok: number;
  /** Points carrying each flag (a point with two faults counts in both). */
  flags: Partial<Record<Exclude<QualityFlagName, 'OK'>, number>>;
}

export interface DataGap {
  /** The last valid point before the gap and the first after it (pandas-style text). */
  from: string;
  to: string;
  seconds: number;
}

export interface QualityReport {
  /** The data series and the flag series the report read. */
  series: string | null;
  flagSeries: string[];
  points: number;
  first: string | null;
  last: string | null;
  /** Points per flag; OK counts points without any flag. */
  counts: Record<QualityFlagName, number>;
  perDay: DayQuality[];
  /** The longest stretches without valid data (steps between valid points longer than the median step), longest first. */
  longestGaps: DataGap[];
  /** The report as printable text. */
  text: string;
}

export interface QualityReportOptions {
  /** The data series (full ts name); default the signal's first RAW series, else its first. */
  series?: string;
  /** Flag series to read (combined with OR); default every int8 series made by a fault-detection or identification step. */
  flags?: readonly string[];
  /** How many gaps to list; default 5. */
  longestGaps?: number;
}

const FAULTS = FLAG_NAMES.filter((n): n is Exclude<QualityFlagName, 'OK'> => n !== 'OK');

/**
 * The report of one data series and its flags (null: only MISSING, from the data).
 * @example qualityReportOf(raw, flags).counts.SPIKE
 */
export function qualityReportOf(data: Series, flags: Series | null, options: { longestGaps?: number; flagSeries?: string[] } = {}): QualityReport {
  const index = requireDatetime(data, 'qualityReport');
  const t = index.values;
  const v = requireNumeric(data, 'qualityReport');
  const n = v.length;
  let codes: Float64Array;
  if (flags) {
    codes = requireNumeric(flags, 'qualityReport flags');
    const k = flags.index.values as ArrayLike<number>;
    let same = k.length === n;
    for (let i = 0; same && i < n; i++) same = k[i] === t[i];
    if (!same) throw invalidInput(`qualityReport: flag series ${show(flags.name)} does not have the index of ${show(data.name)}`);
  } else {
    codes = new Float64Array(n);
    for (let i = 0; i < n; i++) if (v[i] !== v[i]) codes[i] = QualityFlag.MISSING;
  }
  const counts = Object.fromEntries(FLAG_NAMES.map((f) => [f, 0])) as Record<QualityFlagName, number>;
  const days = new Map<number, DayQuality>();
  const tz = index.tz;
  for (let i = 0; i < n; i++) {
    const code = codes[i]! | (v[i] !== v[i] ? QualityFlag.MISSING : 0);
    const dayNo = Math.floor((tz === null ? t[i]! : utcToWall(tz, t[i]!)) / US_PER_DAY);
    let d = days.get(dayNo);
    if (!d) days.set(dayNo, (d = { day: formatWall(dayNo * US_PER_DAY, { dateOnly: true }), points: 0, ok: 0, flags: {} }));
    d.points++;
    if (code === 0) { counts.OK++; d.ok++; continue; }
    for (const f of FAULTS) {
      if ((code & QualityFlag[f]) === 0) continue;
      counts[f]++;
      d.flags[f] = (d.flags[f] ?? 0) + 1;
    }
  }
  // Gaps: steps between consecutive valid points longer than the typical (median) step.
  const steps: { a: number; b: number }[] = [];
  let prev = -1;
  for (let i = 0; i < n; i++) {
    if (v[i] !== v[i]) continue;
    if (prev >= 0 && t[i]! > t[prev]!) steps.push({ a: prev, b: i });
    prev = i;
  }
  const typical = median(Float64Array.from(steps, ({ a, b }) => t[b]! - t[a]!));
  const gaps = steps.filter(({ a, b }) => t[b]! - t[a]! > typical);
  const top = options.longestGaps ?? 5;
  gaps.sort((x, y) => (t[y.b]! - t[y.a]!) - (t[x.b]! - t[x.a]!) || x.a - y.a);
  const longestGaps = gaps.slice(0, top).map(({ a, b }) => ({ from: formatTimestamp(t[a]!, tz), to: formatTimestamp(t[b]!, tz), seconds: (t[b]! - t[a]!) / 1e6 }));
  const perDay = [...days.entries()].sort((a, b) => a[0] - b[0]).map(([, d]) => d);
  const report = {
    series: data.name,
    flagSeries: options.flagSeries ?? (flags?.name ? [flags.name] : []),
    points: n,
    first: n ? formatTimestamp(t[0]!, tz) : null,
    last: n ? formatTimestamp(t[n - 1]!, tz) : null,
    counts,
    perDay,
    longestGaps,
  };
  return { ...report, text: formatReport(report) };
}

/** numpy's median (mean of the middle two for an even count); 0 for none. */
function median(x: Float64Array): number {
  if (x.length === 0) return 0;
  x.sort();
  const h = x.length >> 1;
  return x.length % 2 ? x[h]! : (x[h - 1]! + x[h]!) / 2;
}

function formatReport(r: Omit<QualityReport, 'text'>): string {
  const lines = [`quality of ${r.series ?? '(unnamed)'}: ${r.points} points, ${r.first ?? '-'} .. ${r.last ?? '-'}`];
  lines.push(`flags from: ${r.flagSeries.length ? r.flagSeries.join(', ') : '(none: missing values only)'}`);
  lines.push('counts: ' + FLAG_NAMES.filter((f) => f === 'OK' || r.counts[f] > 0).map((f) => `${f} ${r.counts[f]}`).join(', '));
  const used = FAULTS.filter((f) => r.counts[f] > 0);
  lines.push(['day'.padEnd(10), 'points'.padStart(7), 'ok'.padStart(7), ...used.map((f) => f.padStart(Math.max(7, f.length)))].join(' '));
  for (const d of r.perDay) {
    lines.push([d.day.padEnd(10), String(d.points).padStart(7), String(d.ok).padStart(7), ...used.map((f) => String(d.flags[f] ?? 0).padStart(Math.max(7, f.length)))].join(' '));
  }
  lines.push(r.longestGaps.length ? 'longest gaps between valid points:' : 'no gaps longer than the usual spacing');
  for (const g of r.longestGaps) lines.push(`  ${g.from} -> ${g.to}  (${formatSeconds(g.seconds)})`);
  return lines.join('\n');
}

function formatSeconds(s: number): string {
  if (s >= 86400) return `${+(s / 86400).toFixed(2)} d`;
  if (s >= 3600) return `${+(s / 3600).toFixed(2)} h`;
  if (s >= 60) return `${+(s / 60).toFixed(2)} min`;
  return `${s} s`;
}

const FLAG_STEP_TYPES: readonly string[] = [ProcessingType.FAULT_DETECTION, ProcessingType.FAULT_IDENTIFICATION];

/**
 * A signal's quality summary: counts per flag, per day, and the longest gaps between
 * valid values of its data series, reading the flag series its checks made.
 *
 * @example
 * await signal.process(['A#1_RAW#1'], rangeCheck({ min: 0, max: 100 }));
 * console.log((await qualityReport(signal)).text);
 */
export async function qualityReport(signal: Signal, options: QualityReportOptions = {}): Promise<QualityReport> {
  const names = signal.allTimeSeries;
  const dataName = options.series ?? names.find((n) => /_RAW#\d+$/.test(n)) ?? names[0];
  if (dataName === undefined) throw invalidInput(`qualityReport: signal ${show(signal.name)} has no time series`);
  const data = await signal.get(dataName).load();
  let flagNames = options.flags ? [...options.flags] : [];
  if (!options.flags) {
    for (const n of names) {
      const ts = signal.get(n);
      const last = ts.processingSteps[ts.processingSteps.length - 1];
      if (!last || !FLAG_STEP_TYPES.includes(last.type)) continue;
      const s = await ts.load();
      if (s.dtype === FLAG_DTYPE && s.length === data.length) flagNames.push(n);
    }
  }
  flagNames = [...new Set(flagNames)];
  const flagSeries = await Promise.all(flagNames.map((n) => signal.get(n).load()));
  const flags = flagSeries.length ? combineFlagSeries(flagSeries) : null;
  return qualityReportOf(data, flags, { longestGaps: options.longestGaps, flagSeries: flagNames });
}
