/**
 * The wire (file/database) shapes of meteaudata's metadata: snake_case keys exactly
 * as Python's `model_dump()` writes them. Backends store and return these objects;
 * the model classes convert from and to them.
 */
export interface FunctionInfoDict {
  name: string;
  version: string;
  author: string;
  reference: string;
  source_code: string | null;
}

export interface ProcessingStepDict {
  type: string;
  description: string;
  run_datetime: string;
  requires_calibration: boolean;
  function_info: FunctionInfoDict;
  parameters: Record<string, unknown> | null;
  step_distance: number;
  suffix: string;
  input_series_names: string[];
}

export interface IndexMetadataDict {
  type: string;
  name: string | null;
  frequency: string | null;
  time_zone: string | null;
  closed: string | null;
  categories: unknown[] | null;
  ordered: boolean | null;
  start: number | null;
  end: number | null;
  step: number | null;
  dtype: string;
}

/** Per-series metadata: meteaudata's `TimeSeries.metadata_dict()`. */
export interface SeriesMetadata {
  processing_steps: ProcessingStepDict[];
  index_metadata: IndexMetadataDict | null;
  values_dtype: string;
  metadata_id: string | null;
  created_on: string;
  [extra: string]: unknown;
}

export interface DataProvenanceDict {
  source_repository: string | null;
  project: string | null;
  location: string | null;
  equipment: string | null;
  parameter: string | null;
  purpose: string | null;
  metadata_id: string | null;
}
