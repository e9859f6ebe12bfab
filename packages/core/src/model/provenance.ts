import type { DataProvenanceDict } from '../wire.js';

export interface DataProvenanceInit {
  sourceRepository?: string | null;
  project?: string | null;
  location?: string | null;
  equipment?: string | null;
  parameter?: string | null;
  purpose?: string | null;
  metadataId?: string | null;
}

const FIELDS = ['sourceRepository', 'project', 'location', 'equipment', 'parameter', 'purpose', 'metadataId'] as const;
const WIRE: Record<(typeof FIELDS)[number], keyof DataProvenanceDict> = {
  sourceRepository: 'source_repository',
  project: 'project',
  location: 'location',
  equipment: 'equipment',
  parameter: 'parameter',
  purpose: 'purpose',
  metadataId: 'metadata_id',
};

/**
 * Where a signal's data came from (meteaudata's `DataProvenance`): seven optional strings.
 * @example new DataProvenance({ location: 'Primary clarifier effluent', parameter: 'Soluble COD' })
 */
export class DataProvenance {
  readonly sourceRepository: string | null;
  readonly project: string | null;
  readonly location: string | null;
  readonly equipment: string | null;
  readonly parameter: string | null;
  readonly purpose: string | null;
  readonly metadataId: string | null;

  constructor(init: DataProvenanceInit = {}) {
    this.sourceRepository = init.sourceRepository ?? null;
    this.project = init.project ?? null;
    this.location = init.location ?? null;
    this.equipment = init.equipment ?? null;
    this.parameter = init.parameter ?? null;
    this.purpose = init.purpose ?? null;
    this.metadataId = init.metadataId ?? null;
  }

  /** What a Signal gets when created without provenance: every field "unknown" (as Python). */
  static unknown(): DataProvenance {
    return new DataProvenance(Object.fromEntries(FIELDS.map((f) => [f, 'unknown'])));
  }

  toDict(): DataProvenanceDict {
    const out = {} as DataProvenanceDict;
    for (const f of FIELDS) out[WIRE[f]] = this[f];
    return out;
  }

  static fromDict(d: Partial<Record<string, unknown>> | null | undefined): DataProvenance {
    const init: DataProvenanceInit = {};
    for (const f of FIELDS) {
      const v = d?.[WIRE[f]];
      init[f] = v == null ? null : String(v);
    }
    return new DataProvenance(init);
  }

  with(changes: DataProvenanceInit): DataProvenance {
    return new DataProvenance({ ...this, ...changes });
  }

  equals(other: DataProvenance): boolean {
    return FIELDS.every((f) => this[f] === other[f]);
  }
}
