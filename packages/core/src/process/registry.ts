import { MetaseriesError, invalidInput, show } from '../errors.js';
import type { ProcessingStep } from '../model/processing-step.js';
import type { Series } from '../series/series.js';
import type { Transform } from './transform.js';

/**
 * The transform registry (issue 17): a recorded `ProcessingStep` names its function
 * (`FunctionInfo` name + version) and parameters; a registered transform can rebuild
 * itself from them, so `refresh` can run the step again on new input. A step whose
 * function is not registered is reported by name and version — never guessed.
 */

/**
 * How much input history a new output point needs, so `refresh` can recompute only the
 * tail. Every key is in stored units (epoch µs for datetime indexes); the functions
 * receive the parameters the step recorded.
 * - `pointwise`: output at t depends only on input at t (subset by time, replace ranges).
 * - `bins`: the output is per bin and left-labelled at fixed widths: recompute from the
 *   last stored bin (it may have been open). `width(params)` in µs; null = not incremental.
 * - `lookback`: output at t depends on input in (t − window, t] — `points(params)`
 *   previous points and/or `duration(params)` µs (rolling windows).
 * - `lastValid`: output between two valid input points depends on both (interpolation):
 *   recompute from the last valid input point (`after: true`: from the point after it,
 *   for outputs defined relative to the previous valid point, such as gap flags).
 * - `resumable`: a running kernel whose result depends on every point before it (pandas'
 *   rolling sums): `resume` continues from a saved kernel state (a checkpoint) and returns
 *   new checkpoints, which refresh keeps in the series' refresh record.
 * - `full`: recompute everything (the default).
 */
export type Incremental<P = Record<string, unknown> | null> =
  | { kind: 'resumable'; resume: (params: P, input: Series, from: KernelCheckpoint | null) => { series: Series; checkpoints: KernelCheckpoint[] } }
  | { kind: 'pointwise' }
  | { kind: 'bins'; width: (params: P) => number | null }
  | { kind: 'lookback'; points?: (params: P) => number; duration?: (params: P) => number }
  | { kind: 'lastValid'; after?: boolean }
  | { kind: 'full' };

/**
 * A saved kernel state: to continue after the output point at `at_us`, read the input
 * from `from_us`; that point is at `offset` in what was read; `state` is the kernel's
 * own encoding (opaque to refresh). `resume(params, input, checkpoint)` returns the
 * outputs after that point; with `null`, all outputs of `input`.
 */
export interface KernelCheckpoint {
  at_us: number;
  from_us: number;
  offset: number;
  state: string;
}

/** An incremental spec, or one chosen from the step's parameters (a centred window is not causal: `full`). */
export type IncrementalSpec = Incremental | ((parameters: Record<string, unknown> | null) => Incremental);

export interface RegisteredTransform {
  name: string;
  version: string;
  /** Rebuild the transform a step ran, from the parameters it recorded. */
  fromParameters: (parameters: Record<string, unknown> | null) => { transform: Transform<unknown>; params: unknown };
  incremental: IncrementalSpec;
}

const registry = new Map<string, RegisteredTransform>();
const id = (name: string, version: string): string => `${name}\u0000${version}`;

export interface RegisterOptions<P> {
  name: string;
  version: string;
  incremental?: Incremental<P>;
}

/**
 * Register a user transform by its `FunctionInfo` name and version. On replay it is
 * called with the step's recorded `parameters` as its params — so a transform that
 * takes params must record them in its step.
 *
 * @example
 * registerTransform(double, { name: 'double', version: '1', incremental: { kind: 'pointwise' } });
 */
export function registerTransform<P>(fn: Transform<P>, options: RegisterOptions<P>): void {
  if (typeof fn !== 'function') throw invalidInput(`registerTransform needs a transform function, got ${show(fn)}`);
  registerTransformFactory({ ...options, fromParameters: (parameters) => ({ transform: fn as Transform<unknown>, params: parameters as unknown }) } as RegisterFactoryOptions);
}

export interface RegisterFactoryOptions {
  name: string;
  version: string;
  fromParameters: (parameters: Record<string, unknown> | null) => { transform: Transform<unknown>; params: unknown };
  incremental?: IncrementalSpec;
}

/**
 * Register a transform made by a factory (`resample('5min')`): `fromParameters` turns a
 * step's recorded parameters back into the transform. Used by `@metaseries/processing`
 * for its built-ins. Registering the same name and version again replaces the entry.
 */
export function registerTransformFactory(options: RegisterFactoryOptions): void {
  if (typeof options?.name !== 'string' || options.name === '' || typeof options.version !== 'string') {
    throw invalidInput(`A registered transform needs a name and a version (FunctionInfo's), got ${show({ name: options?.name, version: options?.version })}`);
  }
  registry.set(id(options.name, options.version), {
    name: options.name, version: options.version, fromParameters: options.fromParameters, incremental: options.incremental ?? { kind: 'full' },
  });
}

/** The incremental spec that applies to a step with these parameters. */
export function incrementalFor(reg: RegisteredTransform, parameters: Record<string, unknown> | null): Incremental {
  return typeof reg.incremental === 'function' ? reg.incremental(parameters) : reg.incremental;
}

/** A registered transform by FunctionInfo name and version, or undefined. */
export function lookupTransform(name: string, version: string): RegisteredTransform | undefined {
  return registry.get(id(name, version));
}

/** The registered transform that made `step`, or undefined. */
export function findTransform(step: ProcessingStep): RegisteredTransform | undefined {
  return registry.get(id(step.functionInfo.name, step.functionInfo.version));
}

/** The registered transform that made `step`; NOT_FOUND naming function and version otherwise. */
export function requireTransform(step: ProcessingStep, seriesName: string): RegisteredTransform {
  const found = findTransform(step);
  if (!found) {
    throw new MetaseriesError('NOT_FOUND', `Cannot replay the step that made ${show(seriesName)}: no transform ${show(step.functionInfo.name)} version ${show(step.functionInfo.version)} is registered (registerTransform)`);
  }
  return found;
}

/** Names and versions of every registered transform, sorted. */
export function registeredTransforms(): Array<{ name: string; version: string }> {
  return [...registry.values()].map(({ name, version }) => ({ name, version })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : 1));
}
