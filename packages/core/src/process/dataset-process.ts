import { MetaseriesError, invalidInput, show } from '../errors.js';
import { makeTsName, maxNumbers, nextNumber, parseSignalName, parseTsName } from '../naming.js';
import type { Dataset } from '../model/dataset.js';
import { Signal } from '../model/signal.js';
import { TimeSeries } from '../model/time-series.js';
import { checkCount, checkCustomNames, dedupeSteps } from './outputs.js';
import type { DatasetProcessOptions, DatasetTransform } from './transform.js';

/** A copy of a signal sharing its (immutable) series, so a transform cannot change the dataset. */
function cloneSignal(signal: Signal): Signal {
  const copy = new Signal({ name: signal.name, units: signal.units, provenance: signal.provenance, data: [], createdOn: signal.createdOn, lastUpdated: signal.lastUpdated });
  for (const [name, ts] of signal.timeSeries) copy.timeSeries.set(name, ts);
  return copy;
}

/**
 * `dataset.process`: one signal copy per input name (as Python), run the transform,
 * validate every output (counts, names, types) and only then add the numbered output
 * signals, each series carrying the inputs' history plus its own steps.
 */
export async function processDataset<P>(dataset: Dataset, inputTsNames: readonly string[], transform: DatasetTransform<P>, params: P, options: DatasetProcessOptions): Promise<Signal[]> {
  if (!Array.isArray(inputTsNames) || inputTsNames.length === 0) throw invalidInput(`process needs a non-empty array of input series names, got ${show(inputTsNames)}`);
  if (typeof transform !== 'function') throw invalidInput(`process needs a transform function, got ${show(transform)}`);
  const inputs = inputTsNames.map((name) => {
    const signal = dataset.signals.get(parseTsName(name).signal);
    const ts = signal?.timeSeries.get(name);
    if (!signal || !ts) {
      const available = [...dataset.signals.values()].flatMap((s) => s.allTimeSeries);
      throw invalidInput(`Input series ${show(name)} not found in dataset ${show(dataset.name)}. Available series are [${available.join(', ')}]`);
    }
    return { signal, ts };
  });
  const signalNames = checkCustomNames(options.outputSignalNames, 'outputSignalNames');
  const tsNames = checkCustomNames(options.outputTsNames, 'outputTsNames');
  await Promise.all(inputs.map(({ ts }) => ts.load()));

  const result = await transform(inputs.map(({ signal }) => cloneSignal(signal)), [...inputTsNames], params);
  if (!Array.isArray(result) || !result.every((s) => s instanceof Signal)) {
    throw invalidInput(`Dataset transform ${show(transform.name || 'anonymous')} must return an array of Signals, got ${show(result)}`);
  }
  checkCount(signalNames, result.length, 'outputSignalNames');
  for (const out of result) {
    if (tsNames !== undefined && tsNames.length !== out.timeSeries.size) {
      throw invalidInput(`outputTsNames has ${tsNames.length} names but output signal ${show(out.name)} has ${out.timeSeries.size} series`);
    }
  }

  const numbers = maxNumbers(dataset.signals.keys(), parseSignalName);
  const history = inputs.flatMap(({ ts }) => ts.processingSteps);
  const finalNames = new Set<string>();
  const created: Signal[] = [];
  for (const [i, out] of result.entries()) {
    const base = signalNames?.[i] ?? parseSignalName(out.name).base;
    const n = nextNumber(numbers, base, options.overwrite ?? false);
    numbers.set(base, Math.max(numbers.get(base) ?? 0, n));
    const finalName = `${base}#${n}`;
    if (finalNames.has(finalName)) throw new MetaseriesError('CONFLICT', `Two output signals would both be named ${show(finalName)}`);
    finalNames.add(finalName);
    const signal = new Signal({ name: finalName, units: out.units, provenance: out.provenance, data: [], createdOn: out.createdOn });
    let j = 0;
    for (const ts of out.timeSeries.values()) {
      const parts = parseTsName(ts.name);
      const name = makeTsName(finalName, tsNames?.[j] ?? parts.base, parts.number);
      const series = await ts.load();
      const fresh = new TimeSeries({ series: series.rename(name), processingSteps: dedupeSteps([...history, ...ts.processingSteps]) });
      signal.timeSeries.set(name, fresh);
      j++;
    }
    created.push(signal);
  }
  for (const signal of created) dataset.signals.set(signal.name, signal);
  return created;
}
