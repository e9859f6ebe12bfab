import { invalidInput, show } from '../errors.js';
import { canonicalJson } from './canonical.js';
import { nowIso, toIso } from './datetime.js';
import { FunctionInfo } from './function-info.js';
import { Parameters } from './parameters.js';
import { isProcessingType, type ProcessingType } from './processing-type.js';
import type { ProcessingStepDict } from '../wire.js';

export interface ProcessingStepInit {
  type: ProcessingType;
  description: string;
  functionInfo: FunctionInfo;
  suffix: string;
  /** Defaults to now (UTC wall time, ISO text). */
  runDatetime?: string | Date;
  requiresCalibration?: boolean;
  parameters?: Parameters | Record<string, unknown> | null;
  stepDistance?: number;
  inputSeriesNames?: readonly string[];
}

/**
 * One operation in a series' history (meteaudata's `ProcessingStep`).
 * @example
 * new ProcessingStep({ type: ProcessingType.SMOOTHING, description: 'rolling mean', suffix: 'SMOOTH',
 *   functionInfo: new FunctionInfo({ name: 'smooth', version: '1', author: 'me', reference: '-', fn: smooth }),
 *   parameters: { window: 5 }, inputSeriesNames: ['A#1_RAW#1'] })
 */
export class ProcessingStep {
  readonly type: ProcessingType;
  readonly description: string;
  readonly runDatetime: string;
  readonly requiresCalibration: boolean;
  readonly functionInfo: FunctionInfo;
  readonly parameters: Parameters | null;
  readonly stepDistance: number;
  readonly suffix: string;
  readonly inputSeriesNames: readonly string[];

  constructor(init: ProcessingStepInit) {
    if (!isProcessingType(init.type)) throw invalidInput(`Unknown processing type ${show(init.type)}; use a value of ProcessingType`);
    if (typeof init.suffix !== 'string' || init.suffix === '' || init.suffix.includes('_')) {
      throw invalidInput(`Processing step suffix ${show(init.suffix)} must be a non-empty string without "_" (it becomes part of series names)`);
    }
    if (!(init.functionInfo instanceof FunctionInfo)) throw invalidInput('ProcessingStep.functionInfo must be a FunctionInfo');
    const distance = init.stepDistance ?? 0;
    if (!Number.isInteger(distance)) throw invalidInput(`stepDistance must be an integer, got ${show(distance)}`);
    this.type = init.type;
    this.description = String(init.description);
    this.runDatetime = init.runDatetime === undefined ? nowIso() : toIso(init.runDatetime, 'run_datetime');
    this.requiresCalibration = init.requiresCalibration ?? false;
    this.functionInfo = init.functionInfo;
    this.parameters = init.parameters == null ? (init.parameters === null ? null : new Parameters()) : init.parameters instanceof Parameters ? init.parameters : new Parameters(init.parameters);
    this.stepDistance = distance;
    this.suffix = init.suffix;
    this.inputSeriesNames = Object.freeze([...(init.inputSeriesNames ?? [])]);
  }

  /** A copy with some fields changed. */
  with(changes: Partial<ProcessingStepInit>): ProcessingStep {
    return new ProcessingStep({ ...this, ...changes });
  }

  toDict(): ProcessingStepDict {
    return {
      type: this.type,
      description: this.description,
      run_datetime: this.runDatetime,
      requires_calibration: this.requiresCalibration,
      function_info: this.functionInfo.toDict(),
      parameters: this.parameters === null ? null : this.parameters.toDict(),
      step_distance: this.stepDistance,
      suffix: this.suffix,
      input_series_names: [...this.inputSeriesNames],
    };
  }

  /** Read a step as Python wrote it (lenient: `parameters` null or {}, `step_distance` missing). */
  static fromDict(d: Partial<ProcessingStepDict> | null | undefined): ProcessingStep {
    if (!d || typeof d !== 'object') throw invalidInput(`A processing step must be a mapping, got ${show(d)}`);
    return new ProcessingStep({
      type: d.type as ProcessingType,
      description: String(d.description ?? ''),
      runDatetime: d.run_datetime ?? undefined,
      requiresCalibration: Boolean(d.requires_calibration),
      functionInfo: FunctionInfo.fromDict(d.function_info),
      parameters: d.parameters == null ? null : Parameters.fromDict(d.parameters),
      stepDistance: Number(d.step_distance ?? 0),
      suffix: String(d.suffix ?? ''),
      inputSeriesNames: (d.input_series_names ?? []).map(String),
    });
  }

  /** Field-for-field equality (as pydantic's), used to de-duplicate shared history. */
  equals(other: ProcessingStep): boolean {
    return this === other || canonicalJson(this.toDict()) === canonicalJson(other.toDict());
  }

  toString(): string {
    return `Processed [${this.inputSeriesNames.join(', ')}] on ${this.runDatetime.slice(0, 19).replace('T', ' ')} using function \`${this.functionInfo.name}\`. Result has suffix ${this.suffix}`;
  }
}
