import { ProcessingType, type TimeSeries } from '@metaseries/core';

/** Plotly marker symbol names, as meteaudata uses them (rendered with the closest vega shape). */
export type MarkerSymbol = 'circle' | 'triangle-up' | 'square' | 'triangle-left' | 'triangle-right' | 'x' | 'cross' | 'star' | 'diamond';
export type TraceMode = 'lines+markers' | 'lines' | 'markers';

export interface TraceStyle {
  symbol: MarkerSymbol;
  mode: TraceMode;
}

/**
 * meteaudata's style by the type of a series' last step. EXPORT_RENAME is missing from
 * Python's map (a KeyError there); it is a rename, so it keeps the raw-data style.
 */
const STYLES: Record<ProcessingType, TraceStyle> = {
  [ProcessingType.SORTING]: { symbol: 'circle', mode: 'lines+markers' },
  [ProcessingType.REMOVE_DUPLICATES]: { symbol: 'circle', mode: 'lines+markers' },
  [ProcessingType.FILTERING]: { symbol: 'circle', mode: 'lines+markers' },
  [ProcessingType.RESAMPLING]: { symbol: 'circle', mode: 'lines+markers' },
  [ProcessingType.SMOOTHING]: { symbol: 'circle', mode: 'lines' },
  [ProcessingType.GAP_FILLING]: { symbol: 'triangle-up', mode: 'lines+markers' },
  [ProcessingType.PREDICTION]: { symbol: 'square', mode: 'lines+markers' },
  [ProcessingType.TRANSFORMATION]: { symbol: 'triangle-left', mode: 'lines+markers' },
  [ProcessingType.DIMENSIONALITY_REDUCTION]: { symbol: 'triangle-right', mode: 'lines+markers' },
  [ProcessingType.FAULT_DETECTION]: { symbol: 'x', mode: 'lines+markers' },
  [ProcessingType.FAULT_IDENTIFICATION]: { symbol: 'cross', mode: 'lines+markers' },
  [ProcessingType.FAULT_DIAGNOSIS]: { symbol: 'star', mode: 'lines+markers' },
  [ProcessingType.EXPORT_RENAME]: { symbol: 'diamond', mode: 'markers' },
  [ProcessingType.OTHER]: { symbol: 'diamond', mode: 'markers' },
};

/** Marker and mode for a series: from its last step's type; raw data (no steps) is OTHER. */
export function styleOf(ts: TimeSeries): TraceStyle {
  const last = ts.processingSteps[ts.processingSteps.length - 1];
  return STYLES[last?.type ?? ProcessingType.OTHER];
}

/** Plotly's default colourway, which meteaudata figures use. */
export const COLORWAY = ['#636efa', '#EF553B', '#00cc96', '#ab63fa', '#FFA15A', '#19d3f3', '#FF6692', '#B6E880', '#FF97FF', '#FECB52'] as const;
