import { type Dataset, MetaseriesError, type ProcessingStep, type Signal, type TimeSeries } from '@metaseries/core';
import { formatTimestamp } from '@metaseries/core/backend-kit';

export interface SummaryOptions {
  /** 1: the object and one line per child; 2 (default for datasets and signals): children's children too; for a TimeSeries, 2 lists every step. */
  depth?: number;
}

interface SeriesFacts {
  points: number;
  first: string | null;
  last: string | null;
  valid: number | null;
  min: number | null;
  max: number | null;
}

function keyText(ts: TimeSeries, key: Date | number | null): string | null {
  if (key === null) return null;
  return key instanceof Date ? formatTimestamp(key.getTime() * 1000, ts.indexMetadata.zone) : String(key);
}

/** Counts, index range and value range — from memory, or the store's statistics and aggregates; values are never loaded for this. */
async function facts(ts: TimeSeries): Promise<SeriesFacts> {
  const ext = await ts.extent();
  let valid: number | null = null, min: number | null = null, max: number | null = null;
  if (ext.length > 0) {
    try {
      const [c, lo, hi] = await Promise.all(['count', 'min', 'max'].map((fn) => ts.aggregate({ fn: fn as 'count' | 'min' | 'max' })));
      valid = (c!.values as Float64Array)[0] ?? 0;
      min = (lo!.values as Float64Array)[0] ?? null;
      max = (hi!.values as Float64Array)[0] ?? null;
    } catch (e) {
      // Non-numeric values or a string index: no value statistics, the rest still holds.
      if (!(e instanceof MetaseriesError && e.code === 'UNSUPPORTED')) throw e;
    }
  }
  return { points: ext.length, first: keyText(ts, ext.first), last: keyText(ts, ext.last), valid, min, max };
}

function num(v: number | null): string {
  return v === null || Number.isNaN(v) ? '—' : Number(v.toPrecision(6)).toString();
}

function params(step: ProcessingStep): string {
  const p = step.parameters?.toDict() ?? {};
  const parts = Object.entries(p).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

function stepLine(step: ProcessingStep): string {
  return `${step.type} · ${step.functionInfo.name} ${step.functionInfo.version}${params(step)} · from [${step.inputSeriesNames.join(', ')}] · ${step.runDatetime.slice(0, 19).replace('T', ' ')}`;
}

async function seriesLine(ts: TimeSeries): Promise<string> {
  const f = await facts(ts);
  const last = ts.processingSteps[ts.processingSteps.length - 1];
  const range = f.first === null ? 'empty' : `${f.first} → ${f.last}`;
  const missing = f.valid === null ? '' : f.points - f.valid > 0 ? `, ${f.points - f.valid} missing` : '';
  const values = f.min === null ? '' : `, values ${num(f.min)} … ${num(f.max)}`;
  const made = last ? `${ts.processingSteps.length} step${ts.processingSteps.length === 1 ? '' : 's'}, last: ${last.type} by ${last.functionInfo.name}${params(last)}` : 'raw data';
  return `${ts.name}: ${f.points} points${missing}, ${range}${values}; ${made}`;
}

/**
 * A text summary of a series (meteaudata's `show_summary`): points, index and value
 * ranges, dtype, history. Works on series whose values stay in a store.
 * @example console.log(await summarizeTimeSeries(ts))
 */
export async function summarizeTimeSeries(ts: TimeSeries, options: SummaryOptions = {}): Promise<string> {
  const depth = options.depth ?? 2;
  const f = await facts(ts);
  const m = ts.indexMetadata;
  const lines = [
    `TimeSeries '${ts.name}'`,
    `  points: ${f.points}${f.valid !== null && f.valid < f.points ? ` (${f.points - f.valid} missing)` : ''}${ts.isLoaded ? '' : ' — values in the store, not loaded'}`,
    `  range: ${f.first === null ? 'empty' : `${f.first} → ${f.last}`}`,
    `  values: ${f.min === null ? '—' : `${num(f.min)} … ${num(f.max)}`} (${ts.valuesDtype})`,
    `  index: ${m.type}${m.frequency ? `, freq ${m.frequency}` : ''}${m.zone ? `, tz ${m.zone}` : ''}`,
    `  created: ${ts.createdOn}`,
    `  processing steps: ${ts.processingSteps.length === 0 ? 'none (raw data)' : ts.processingSteps.length}`,
  ];
  if (depth >= 2) ts.processingSteps.forEach((s, i) => lines.push(`    ${i + 1}. ${stepLine(s)}`));
  else if (ts.processingSteps.length > 0) lines.push(`    last: ${stepLine(ts.processingSteps[ts.processingSteps.length - 1]!)}`);
  return lines.join('\n');
}

function provenanceText(signal: Signal): string {
  const set = Object.entries(signal.provenance.toDict()).filter(([, v]) => v !== null && v !== undefined && v !== 'unknown');
  return set.length === 0 ? 'unknown' : set.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');
}

/**
 * A text summary of a signal: units, provenance, and one line per series (points,
 * ranges, last step).
 * @example console.log(await summarizeSignal(signal))
 */
export async function summarizeSignal(signal: Signal, options: SummaryOptions = {}, indent = ''): Promise<string> {
  const depth = options.depth ?? 2;
  const lines = [
    `${indent}Signal '${signal.name}' (${signal.units})`,
    `${indent}  provenance: ${provenanceText(signal)}`,
    `${indent}  created: ${signal.createdOn} · last updated: ${signal.lastUpdated}`,
    `${indent}  time series: ${signal.timeSeries.size}`,
  ];
  if (depth >= 1) for (const ts of signal.timeSeries.values()) lines.push(`${indent}  - ${await seriesLine(ts)}`);
  return lines.join('\n');
}

/**
 * A text summary of a dataset: its metadata, then each signal (depth ≥ 2: with its series).
 * @example console.log(await summarizeDataset(dataset, { depth: 1 }))
 */
export async function summarizeDataset(dataset: Dataset, options: SummaryOptions = {}): Promise<string> {
  const depth = options.depth ?? 2;
  const field = (k: string, v: string | null): string[] => (v ? [`  ${k}: ${v}`] : []);
  const lines = [
    `Dataset '${dataset.name}'`,
    ...field('description', dataset.description),
    ...field('owner', dataset.owner),
    ...field('project', dataset.project),
    ...field('purpose', dataset.purpose),
    `  created: ${dataset.createdOn} · last updated: ${dataset.lastUpdated}`,
    `  signals: ${dataset.signals.size}`,
  ];
  for (const signal of dataset.signals.values()) {
    if (depth >= 2) lines.push(await summarizeSignal(signal, { depth: depth - 1 }, '  '));
    else lines.push(`  - ${signal.name} (${signal.units}): ${signal.allTimeSeries.join(', ')}`);
  }
  return lines.join('\n');
}
