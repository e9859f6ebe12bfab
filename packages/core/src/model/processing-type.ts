/** meteaudata's `ProcessingType`: the kind of operation a step performed (its value string is what files hold). */
export const ProcessingType = {
  SORTING: 'sorting',
  REMOVE_DUPLICATES: 'remove_duplicates',
  SMOOTHING: 'smoothing',
  FILTERING: 'filtering',
  RESAMPLING: 'resampling',
  GAP_FILLING: 'gap_filling',
  PREDICTION: 'prediction',
  TRANSFORMATION: 'transformation',
  DIMENSIONALITY_REDUCTION: 'dimensionality_reduction',
  FAULT_DETECTION: 'fault_detection',
  FAULT_IDENTIFICATION: 'fault_identification',
  FAULT_DIAGNOSIS: 'fault_diagnosis',
  EXPORT_RENAME: 'export_rename',
  OTHER: 'other',
} as const;

export type ProcessingType = (typeof ProcessingType)[keyof typeof ProcessingType];

const VALUES = new Set<string>(Object.values(ProcessingType));

export function isProcessingType(value: unknown): value is ProcessingType {
  return typeof value === 'string' && VALUES.has(value);
}
