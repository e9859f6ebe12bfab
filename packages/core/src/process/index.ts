export * from './outputs.js';
export type * from './transform.js';
export {
  findTransform, incrementalFor, lookupTransform, registeredTransforms, registerTransform, registerTransformFactory, requireTransform, type Incremental, type IncrementalSpec, type KernelCheckpoint, type RegisteredTransform,
  type RegisterFactoryOptions, type RegisterOptions,
} from './registry.js';
export { refreshSignal, type RefreshedSeries, type RefreshOptions, type RefreshReport } from './refresh.js';
