import { invalidInput, show } from '../errors.js';
import type { FunctionInfoDict } from '../wire.js';

export interface FunctionInfoInit {
  name: string;
  version: string;
  author: string;
  reference: string;
  /** Source text; when omitted it is captured from `fn`. */
  sourceCode?: string | null;
  /** The transform whose source to capture (`Function.prototype.toString()`). */
  fn?: (...args: never[]) => unknown;
}

/**
 * Which function made a step (meteaudata's `FunctionInfo`), with its source text.
 * @example new FunctionInfo({ name: 'despike', version: '1.0', author: 'me', reference: 'lab notes', fn: despike })
 */
export class FunctionInfo {
  readonly name: string;
  readonly version: string;
  readonly author: string;
  readonly reference: string;
  readonly sourceCode: string | null;

  constructor(init: FunctionInfoInit) {
    for (const field of ['name', 'version', 'author', 'reference'] as const) {
      if (typeof init[field] !== 'string') throw invalidInput(`FunctionInfo.${field} must be a string, got ${show(init[field])}`);
    }
    this.name = init.name;
    this.version = init.version;
    this.author = init.author;
    this.reference = init.reference;
    this.sourceCode = init.sourceCode !== undefined ? init.sourceCode : init.fn ? init.fn.toString() : 'Could not determine the function source.';
  }

  toDict(): FunctionInfoDict {
    return { name: this.name, version: this.version, author: this.author, reference: this.reference, source_code: this.sourceCode };
  }

  static fromDict(d: Partial<FunctionInfoDict> | null | undefined): FunctionInfo {
    if (!d || typeof d !== 'object') throw invalidInput(`function_info must be a mapping, got ${show(d)}`);
    return new FunctionInfo({
      name: String(d.name ?? ''),
      version: String(d.version ?? ''),
      author: String(d.author ?? ''),
      reference: String(d.reference ?? ''),
      sourceCode: d.source_code == null ? null : String(d.source_code),
    });
  }
}
