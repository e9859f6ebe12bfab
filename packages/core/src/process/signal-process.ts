import { invalidInput, show, MetaseriesError } from '../errors.js';
import { makeTsName, maxNumbers, nextNumber, parseTsName } from '../naming.js';
import { commitSeries, requireWritable, signalCatalogEntry } from '../session/persistence.js';
import type { Signal } from '../model/signal.js';
import { TimeSeries } from '../model/time-series.js';
import { checkCount, checkCustomNames, checkTransformOutputs, dedupeSteps } from './outputs.js';
import type { ProcessOptions, Transform } from './transform.js';

/**
 * `signal.process`: validate names, run the transform on the inputs' values, validate
 * its outputs, and only then add the new series (inputs' history in input order + the
 * new steps, de-duplicated). Input names recorded by the steps are kept exactly as the
 * transform wrote them (Python rewrites them to the latest version).
 */
export async function processSignal<P>(signal: Signal, inputNames: readonly string[], transform: Transform<P>, params: P, options: ProcessOptions): Promise<string[]> {
  if (!Array.isArray(inputNames) || inputNames.length === 0) throw invalidInput(`process needs a non-empty array of input series names, got ${show(inputNames)}`);
  if (typeof transform !== 'function') throw invalidInput(`process needs a transform function, got ${show(transform)}`);
  const missing = inputNames.filter((n) => !signal.timeSeries.has(n));
  if (missing.length > 0) {
    throw invalidInput(`One or more input series not found in signal ${show(signal.name)}: [${missing.join(', ')}]. Available series are [${signal.allTimeSeries.join(', ')}]`);
  }
  const customNames = checkCustomNames(options.outputNames, 'outputNames');
  const inputs = inputNames.map((n) => signal.timeSeries.get(n)!);
  const values = await Promise.all(inputs.map((ts) => ts.load()));
  const outputs = checkTransformOutputs(await transform(values, params), transform.name || 'anonymous');
  checkCount(customNames, outputs.length, 'outputNames');

  const numbers = maxNumbers(signal.timeSeries.keys());
  const history = inputs.flatMap((ts) => ts.processingSteps);
  const created: [string, TimeSeries][] = [];
  for (const [i, out] of outputs.entries()) {
    // The output always belongs to this signal, whatever prefix the transform wrote.
    const base = customNames?.[i] ?? parseTsName(out.series.name ?? 'OUTPUT').base;
    if (base.includes('_') || base === '') throw invalidInput(`Transform output ${i} is named ${show(out.series.name)}: its operation part must be non-empty`);
    const n = nextNumber(numbers, base, options.overwrite ?? false);
    numbers.set(base, Math.max(numbers.get(base) ?? 0, n));
    const name = makeTsName(signal.name, base, n);
    if (created.some(([c]) => c === name)) throw new MetaseriesError('CONFLICT', `Two outputs of the transform would both be named ${show(name)}`);
    const ts = new TimeSeries({ series: out.series.rename(name), processingSteps: dedupeSteps([...history, ...out.steps]) });
    created.push([name, ts]);
  }
  const binding = signal.binding;
  if (binding?.autoSave) requireWritable(binding, `Signal ${show(signal.name)}`);
  const lastUpdated = signal.lastUpdated;
  for (const [name, ts] of created) signal.timeSeries.set(name, ts);
  signal.touch();
  if (binding?.autoSave) {
    // Series and catalog commit together; if that fails, the signal is as it was (a retry does not make #2).
    try {
      await commitSeries(binding.storage, binding.datasetName, created.map(([, ts]) => ({ signal, ts })), false, (c) => {
        c.signals[signal.name] = signalCatalogEntry(signal);
      });
    } catch (e) {
      for (const [name] of created) signal.timeSeries.delete(name);
      signal.lastUpdated = lastUpdated;
      throw e;
    }
  }
  return created.map(([name]) => name);
}
