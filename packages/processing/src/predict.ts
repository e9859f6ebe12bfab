import { ProcessingType, type Transform } from '@metaseries/core';
import { makeStep, outputName, requireDatetime } from './common.js';

/**
 * meteaudata's `predict_from_previous_point`: the value at t predicts t+1, so the data is
 * returned unchanged and the step records `step_distance` 1 (PREDICTION, suffix `PREV-PRED`).
 * @example await signal.process(['A#1_RAW#1'], predictFromPreviousPoint())   // A#1_PREV-PRED#1
 */
export function predictFromPreviousPoint(): Transform<unknown> {
  return (inputs) => {
    const step = makeStep({
      type: ProcessingType.PREDICTION,
      description: 'A simple processing function that predicts the next point in a series using the last point',
      suffix: 'PREV-PRED',
      name: 'Previous point prediction',
      fn: predictFromPreviousPoint,
      parameters: {},
      stepDistance: 1,
      inputs,
    });
    return inputs.map((s) => {
      requireDatetime(s, 'predictFromPreviousPoint');
      return { series: s.rename(outputName(s, step.suffix)), steps: [step] };
    });
  };
}
