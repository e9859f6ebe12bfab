import { canonicalJson } from '../model/canonical.js';
import { invalidInput, show } from '../errors.js';
import { checkCustomName } from '../naming.js';
import { ProcessingStep } from '../model/processing-step.js';
import { Series } from '../series/series.js';
import type { TransformOutput } from './transform.js';

/** Check a transform's result before anything is changed; name the first malformed part. */
export function checkTransformOutputs(result: unknown, transformName: string): TransformOutput[] {
  if (!Array.isArray(result)) throw invalidInput(`Transform ${show(transformName)} must return an array of { series, steps }, got ${show(result)}`);
  result.forEach((out: unknown, i) => {
    const o = out as Partial<TransformOutput> | null;
    if (!o || typeof o !== 'object' || !(o.series instanceof Series)) {
      throw invalidInput(`Transform ${show(transformName)} output ${i} has no Series in "series"`);
    }
    if (!Array.isArray(o.steps) || !o.steps.every((s) => s instanceof ProcessingStep)) {
      throw invalidInput(`Transform ${show(transformName)} output ${i} must list its ProcessingSteps in "steps"`);
    }
  });
  return result as TransformOutput[];
}

/** Validate custom names up front (no `_`); the count is checked once outputs exist. */
export function checkCustomNames(names: readonly string[] | undefined, option: string): readonly string[] | undefined {
  if (names === undefined) return undefined;
  if (!Array.isArray(names)) throw invalidInput(`${option} must be an array of names, got ${show(names)}`);
  names.forEach((n, i) => checkCustomName(n, `${option}[${i}]`));
  return names;
}

export function checkCount(names: readonly string[] | undefined, count: number, option: string): void {
  if (names !== undefined && names.length !== count) {
    throw invalidInput(`${option} has ${names.length} names but the transform returned ${count} outputs`);
  }
}

/** Remove repeated steps, keeping the first occurrence (how shared ancestry collapses). */
export function dedupeSteps(steps: readonly ProcessingStep[]): ProcessingStep[] {
  const seen = new Set<string>();
  const out: ProcessingStep[] = [];
  for (const s of steps) {
    const k = canonicalJson(s.toDict());
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(s);
  }
  return out;
}
