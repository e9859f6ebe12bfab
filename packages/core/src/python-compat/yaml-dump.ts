import { invalidInput } from '../errors.js';
import { yamlFloatText } from './float.js';

/**
 * A YAML dumper that writes byte-for-byte what PyYAML's `yaml.dump(data)` writes with
 * its defaults (sorted keys, block style, indent 2, width 80, `allow_unicode=False`),
 * for plain data: mappings, sequences, strings, numbers, booleans and null. It is a
 * port of PyYAML's emitter (scalar analysis, style choice, implicit resolvers, line
 * folding) restricted to what meteaudata metadata contains, so files written here
 * diff cleanly against files written by Python.
 *
 * Integral JS numbers are written as YAML ints (`3`), others as PyYAML floats
 * (`0.5`, `1.0e-05`, `.nan`). Typed arrays become sequences; `undefined` is skipped.
 *
 * @example dumpYaml({ b: 'x: y', a: [1, 'yes'] }) // "a:\n- 1\n- 'yes'\nb: 'x: y'\n"
 */
export function dumpYaml(data: unknown, options: { sortKeys?: boolean } = {}): string {
  const e = new Emitter(options.sortKeys ?? true);
  e.node(data, 'root');
  e.writeIndent();
  return e.out;
}

type Ctx = 'root' | 'mapping' | 'sequence' | 'key';

// PyYAML's implicit resolvers (yaml/resolver.py), applied to decide whether a string
// would read back as something else and so must be quoted.
const RESOLVERS: [string, RegExp][] = [
  ['yYnNtTfFoO', /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/],
  ['-+0123456789.', /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/],
  ['-+0123456789', /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/],
  ['<', /^(?:<<)$/],
  ['~nN', /^(?:~|null|Null|NULL|)$/],
  ['0123456789', /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/],
  ['=', /^(?:=)$/],
  ['!&*', /^(?:!|&|\*)$/],
];

/** Whether PyYAML would read this plain text back as something other than a string. */
export function resolvesToNonString(value: string): boolean {
  if (value === '') return true;
  const first = value[0]!;
  // Python's `$` also matches before one trailing newline.
  const candidates = value.endsWith('\n') ? [value, value.slice(0, -1)] : [value];
  for (const [firsts, re] of RESOLVERS) {
    if (!firsts.includes(first)) continue;
    for (const v of candidates) if (re.test(v)) return true;
  }
  return false;
}

interface Analysis {
  empty: boolean;
  multiline: boolean;
  allowFlowPlain: boolean;
  allowBlockPlain: boolean;
  allowSingleQuoted: boolean;
}

const BREAKS = '\n\x85\u2028\u2029';
const WS = '\0 \t\r\n\x85\u2028\u2029';

function analyze(chars: string[]): Analysis {
  const len = chars.length;
  if (len === 0) return { empty: true, multiline: false, allowFlowPlain: false, allowBlockPlain: true, allowSingleQuoted: true };
  let blockInd = false, flowInd = false, lineBreaks = false, special = false;
  let leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false, breakSpace = false, spaceBreak = false;
  const text = chars.join('');
  if (text.startsWith('---') || text.startsWith('...')) { blockInd = true; flowInd = true; }
  let precededByWs = true;
  let followedByWs = len === 1 || WS.includes(chars[1]!);
  let prevSpace = false, prevBreak = false;
  for (let i = 0; i < len; i++) {
    const ch = chars[i]!;
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) { flowInd = true; blockInd = true; }
      if (ch === '?' || ch === ':') { flowInd = true; if (followedByWs) blockInd = true; }
      if (ch === '-' && followedByWs) { flowInd = true; blockInd = true; }
    } else {
      if (',?[]{}'.includes(ch)) flowInd = true;
      if (ch === ':') { flowInd = true; if (followedByWs) blockInd = true; }
      if (ch === '#' && precededByWs) { flowInd = true; blockInd = true; }
    }
    if (BREAKS.includes(ch)) lineBreaks = true;
    const cp = ch.codePointAt(0)!;
    if (!(ch === '\n' || (cp >= 0x20 && cp <= 0x7e))) {
      // allow_unicode=False: every non-ASCII character forces double quotes.
      special = true;
    }
    if (ch === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === len - 1) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true; prevBreak = false;
    } else if (BREAKS.includes(ch)) {
      if (i === 0) leadingBreak = true;
      if (i === len - 1) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false; prevBreak = true;
    } else { prevSpace = false; prevBreak = false; }
    precededByWs = WS.includes(ch);
    followedByWs = i + 2 >= len || WS.includes(chars[i + 2]!);
  }
  let flowPlain = true, blockPlain = true, single = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) flowPlain = blockPlain = false;
  if (breakSpace) flowPlain = blockPlain = single = false;
  if (spaceBreak || special) flowPlain = blockPlain = single = false;
  if (lineBreaks) flowPlain = blockPlain = false;
  if (flowInd) flowPlain = false;
  if (blockInd) blockPlain = false;
  return { empty: false, multiline: lineBreaks, allowFlowPlain: flowPlain, allowBlockPlain: blockPlain, allowSingleQuoted: single };
}

const ESCAPES: Record<string, string> = {
  '\0': '0', '\x07': 'a', '\x08': 'b', '\t': 't', '\n': 'n', '\x0b': 'v', '\x0c': 'f', '\r': 'r', '\x1b': 'e',
  '"': '"', '\\': '\\', '\x85': 'N', '\xa0': '_', '\u2028': 'L', '\u2029': 'P',
};

const WIDTH = 80;
const INDENT = 2;

class Emitter {
  constructor(private readonly sortKeys: boolean) {}
  out = '';
  column = 0;
  whitespace = true;
  indention = true;
  indent: number | null = null;
  private indents: (number | null)[] = [];

  private write(data: string): void {
    this.out += data;
    this.column += data.length;
  }

  private lineBreak(): void {
    this.out += '\n';
    this.whitespace = true;
    this.indention = true;
    this.column = 0;
  }

  writeIndent(): void {
    const indent = this.indent ?? 0;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.lineBreak();
    if (this.column < indent) {
      this.whitespace = true;
      this.out += ' '.repeat(indent - this.column);
      this.column = indent;
    }
  }

  private indicator(ind: string, needWs: boolean, whitespace = false, indention = false): void {
    const data = this.whitespace || !needWs ? ind : ` ${ind}`;
    this.whitespace = whitespace;
    this.indention = this.indention && indention;
    this.write(data);
  }

  private increaseIndent(flow: boolean, indentless = false): void {
    this.indents.push(this.indent);
    if (this.indent === null) this.indent = flow ? INDENT : 0;
    else if (!indentless) this.indent += INDENT;
  }

  private popIndent(): void {
    this.indent = this.indents.pop() ?? null;
  }

  node(value: unknown, ctx: Ctx): void {
    if (value instanceof Float64Array || value instanceof Uint8Array || value instanceof Int32Array) value = Array.from(value);
    if (Array.isArray(value)) return this.sequence(value, ctx);
    if (value !== null && typeof value === 'object' && !(value instanceof Date)) return this.mapping(value as Record<string, unknown>, ctx);
    this.scalar(value, ctx);
  }

  private sequence(items: readonly unknown[], ctx: Ctx): void {
    if (items.length === 0) {
      this.indicator('[', true, true);
      this.increaseIndent(true);
      this.popIndent();
      this.indicator(']', false);
      return;
    }
    this.increaseIndent(false, ctx === 'mapping' && !this.indention);
    for (const item of items) {
      this.writeIndent();
      this.indicator('-', true, false, true);
      this.node(item, 'sequence');
    }
    this.popIndent();
  }

  private mapping(map: Record<string, unknown>, ctx: Ctx): void {
    void ctx;
    const keys = Object.keys(map).filter((k) => map[k] !== undefined);
    // PyYAML sorts by default; `sort_keys=False` keeps insertion order.
    if (this.sortKeys) keys.sort(compareCodePoints);
    if (keys.length === 0) {
      this.indicator('{', true, true);
      this.increaseIndent(true);
      this.popIndent();
      this.indicator('}', false);
      return;
    }
    this.increaseIndent(false);
    for (const key of keys) {
      this.writeIndent();
      this.scalar(key, 'key');
      this.indicator(':', false);
      this.node(map[key], 'mapping');
    }
    this.popIndent();
  }

  private scalar(value: unknown, ctx: Ctx): void {
    let text: string;
    let isString = false;
    if (value === null || value === undefined) text = 'null';
    else if (typeof value === 'boolean') text = value ? 'true' : 'false';
    else if (typeof value === 'number') text = Number.isSafeInteger(value) && !Object.is(value, -0) ? String(value) : yamlFloatText(value);
    else if (typeof value === 'bigint') text = value.toString();
    else if (typeof value === 'string') { text = value; isString = true; }
    else if (value instanceof Date) { text = value.toISOString(); isString = true; }
    else throw invalidInput(`Cannot write ${typeof value} to YAML`);
    const simpleKey = ctx === 'key';
    this.increaseIndent(true);
    const chars = Array.from(text);
    const a = analyze(chars);
    // Non-strings are always written plain; strings only when they cannot be misread.
    const implicit = !isString || !resolvesToNonString(text);
    let style: '' | "'" | '"' = '"';
    if (implicit && !(simpleKey && (a.empty || a.multiline)) && a.allowBlockPlain) style = '';
    else if (a.allowSingleQuoted && !(simpleKey && a.multiline)) style = "'";
    const split = !simpleKey;
    if (style === '') this.writePlain(chars, split);
    else if (style === "'") this.writeSingle(chars, split);
    else this.writeDouble(chars, split);
    this.popIndent();
  }

  private writePlain(chars: string[], split: boolean): void {
    if (chars.length === 0) return;
    if (!this.whitespace) this.write(' ');
    this.whitespace = false;
    this.indention = false;
    let spaces = false;
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? chars[end]! : null;
      if (spaces) {
        if (ch !== ' ') {
          if (start + 1 === end && this.column > WIDTH && split) {
            this.writeIndent();
            this.whitespace = false;
            this.indention = false;
          } else this.write(chars.slice(start, end).join(''));
          start = end;
        }
      } else if (ch === null || ' \n\x85\u2028\u2029'.includes(ch)) {
        this.write(chars.slice(start, end).join(''));
        start = end;
      }
      if (ch !== null) spaces = ch === ' ';
    }
  }

  private writeSingle(chars: string[], split: boolean): void {
    this.indicator("'", true);
    let spaces = false, breaks = false;
    let start = 0;
    const len = chars.length;
    for (let end = 0; end <= len; end++) {
      const ch = end < len ? chars[end]! : null;
      if (spaces) {
        if (ch === null || ch !== ' ') {
          if (start + 1 === end && this.column > WIDTH && split && start !== 0 && end !== len) this.writeIndent();
          else this.write(chars.slice(start, end).join(''));
          start = end;
        }
      } else if (breaks) {
        if (ch === null || !BREAKS.includes(ch)) {
          if (chars[start] === '\n') this.lineBreak();
          for (const br of chars.slice(start, end)) {
            if (br === '\n') this.lineBreak();
            else { this.out += br; this.whitespace = true; this.indention = true; this.column = 0; }
          }
          this.writeIndent();
          start = end;
        }
      } else if (ch === null || ' \n\x85\u2028\u2029'.includes(ch) || ch === "'") {
        if (start < end) { this.write(chars.slice(start, end).join('')); start = end; }
      }
      if (ch === "'") { this.write("''"); start = end + 1; }
      if (ch !== null) { spaces = ch === ' '; breaks = BREAKS.includes(ch); }
    }
    this.indicator("'", false);
  }

  private writeDouble(chars: string[], split: boolean): void {
    this.indicator('"', true);
    let start = 0;
    const len = chars.length;
    for (let end = 0; end <= len; end++) {
      const ch = end < len ? chars[end]! : null;
      if (ch === null || '"\\\x85\u2028\u2029\ufeff'.includes(ch) || !(ch >= ' ' && ch <= '~')) {
        if (start < end) { this.write(chars.slice(start, end).join('')); start = end; }
        if (ch !== null) {
          const cp = ch.codePointAt(0)!;
          const esc = ESCAPES[ch];
          const data = esc !== undefined ? `\\${esc}`
            : cp <= 0xff ? `\\x${hex(cp, 2)}`
            : cp <= 0xffff ? `\\u${hex(cp, 4)}`
            : `\\U${hex(cp, 8)}`;
          this.write(data);
          start = end + 1;
        }
      }
      if (end > 0 && end < len - 1 && (ch === ' ' || start >= end) && this.column + (end - start) > WIDTH && split) {
        const data = `${chars.slice(start, end).join('')}\\`;
        if (start < end) start = end;
        this.write(data);
        this.writeIndent();
        this.whitespace = false;
        this.indention = false;
        if (chars[start] === ' ') this.write('\\');
      }
    }
    this.indicator('"', false);
  }
}

function hex(cp: number, width: number): string {
  return cp.toString(16).toUpperCase().padStart(width, '0');
}

/** Python's `sorted()` order for strings: by code point. */
function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const ai = a[Symbol.iterator](), bi = b[Symbol.iterator]();
  for (;;) {
    const x = ai.next(), y = bi.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const cx = x.value.codePointAt(0)!, cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx - cy;
  }
}
