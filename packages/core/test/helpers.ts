import { FunctionInfo, MetaseriesError, parseTsName, ProcessingStep, ProcessingType, Series, type Transform, type TransformOutput } from '@metaseries/core';
import { expect } from 'vitest';

/** A real transform used across tests: scales values, records one step (like meteaudata's built-ins). */
export function scale(factor: number, suffix = 'SCALED'): Transform {
  const fn: Transform = (inputs) =>
    inputs.map((s): TransformOutput => ({
      series: s.withValues(Float64Array.from(s.values as Float64Array, (v) => v * factor)).rename(`${parseTsName(s.name!).signal}_${suffix}`),
      steps: [
        new ProcessingStep({
          type: ProcessingType.TRANSFORMATION,
          description: `multiply by ${factor}`,
          suffix,
          functionInfo: new FunctionInfo({ name: 'scale', version: '1.0', author: 'tests', reference: 'test', fn: scale }),
          parameters: { factor },
          inputSeriesNames: [s.name!],
        }),
      ],
    }));
  return fn;
}

export function minuteSeries(values: number[], name = 'RAW', startIso = '2024-01-01T00:00:00'): Series {
  const t0 = Date.parse(`${startIso}Z`);
  return Series.fromTimes(values.map((_, i) => t0 + i * 60_000), values, { name, freq: 'min' });
}

export async function expectError(p: Promise<unknown> | (() => unknown), code: string, fragment?: string): Promise<MetaseriesError> {
  try {
    if (typeof p === 'function') p();
    else await p;
  } catch (e) {
    expect(e).toBeInstanceOf(MetaseriesError);
    expect((e as MetaseriesError).code).toBe(code);
    if (fragment) expect((e as MetaseriesError).message).toContain(fragment);
    return e as MetaseriesError;
  }
  throw new Error(`expected ${code}`);
}
