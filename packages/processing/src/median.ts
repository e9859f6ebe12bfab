/**
 * Rolling median in O(n log w): two binary heaps of positions (a max-heap holding the
 * lower half of the window, a min-heap the upper half) with each position's slot
 * recorded, so a value leaving the window is deleted in O(log w) instead of the
 * O(w) shifts of a sorted buffer. The median is the lower top, or the mean of both
 * tops for an even count — pandas' `rolling().median()` (its skiplist gives the same
 * two middle values).
 */
class IndexedHeap {
  /** Position (in the series) held at each heap slot, and its value (kept here to save an indirection). */
  readonly ids: Int32Array;
  readonly vals: Float64Array;
  size = 0;
  constructor(capacity: number, private readonly slot: Int32Array, private readonly tag: Uint8Array, private readonly mark: number, private readonly sign: number) {
    this.ids = new Int32Array(Math.max(1, capacity));
    this.vals = new Float64Array(Math.max(1, capacity));
  }
  /** Value at the top (largest of a max-heap, smallest of a min-heap). */
  topValue(): number {
    return this.vals[0]!;
  }
  push(id: number, x: number): void {
    this.up(this.size++, id, x);
  }
  /** Remove the entry at heap slot k; returns its position. */
  removeAt(k: number): number {
    const id = this.ids[k]!;
    const n = --this.size;
    if (k < n) {
      const lid = this.ids[n]!, lx = this.vals[n]!;
      if (k > 0 && this.sign * lx > this.sign * this.vals[(k - 1) >> 1]!) this.up(k, lid, lx);
      else this.down(k, lid, lx);
    }
    return id;
  }
  /** Sift (id, x) up from slot k. `sign` turns the min-heap into a max-heap on −x. */
  private up(k: number, id: number, x: number): void {
    const sx = this.sign * x;
    const ids = this.ids, vals = this.vals, slot = this.slot;
    while (k > 0) {
      const p = (k - 1) >> 1;
      if (!(sx > this.sign * vals[p]!)) break;
      ids[k] = ids[p]!; vals[k] = vals[p]!; slot[ids[k]!] = k;
      k = p;
    }
    ids[k] = id; vals[k] = x; slot[id] = k; this.tag[id] = this.mark;
  }
  private down(k: number, id: number, x: number): void {
    const sx = this.sign * x, sign = this.sign;
    const ids = this.ids, vals = this.vals, slot = this.slot, n = this.size;
    for (;;) {
      let c = 2 * k + 1;
      if (c >= n) break;
      if (c + 1 < n && sign * vals[c + 1]! > sign * vals[c]!) c++;
      if (!(sign * vals[c]! > sx)) break;
      ids[k] = ids[c]!; vals[k] = vals[c]!; slot[ids[k]!] = k;
      k = c;
    }
    ids[k] = id; vals[k] = x; slot[id] = k; this.tag[id] = this.mark;
  }
}

const LOW = 1, HIGH = 2;

export function rollingMedianKernel(v: Float64Array, start: Int32Array, end: Int32Array, minp: number): Float64Array {
  const n = start.length;
  const out = new Float64Array(n);
  let widest = 0;
  for (let i = 0; i < n; i++) widest = Math.max(widest, end[i]! - start[i]!);
  const slot = new Int32Array(v.length);
  const tag = new Uint8Array(v.length);
  const low = new IndexedHeap(widest, slot, tag, LOW, 1);
  const high = new IndexedHeap(widest, slot, tag, HIGH, -1);
  const rebalance = (): void => {
    if (low.size > high.size + 1) { const x = low.topValue(); high.push(low.removeAt(0), x); }
    else if (high.size > low.size) { const x = high.topValue(); low.push(high.removeAt(0), x); }
  };
  const add = (j: number): void => {
    const x = v[j]!;
    if (x !== x) return;
    if (low.size === 0 || x <= low.topValue()) low.push(j, x);
    else high.push(j, x);
    rebalance();
  };
  const remove = (j: number): void => {
    const t = tag[j]!;
    if (t === 0) return; // NaN, never added
    if (t === LOW) low.removeAt(slot[j]!);
    else high.removeAt(slot[j]!);
    tag[j] = 0;
    rebalance();
  };
  let added = 0, removed = 0;
  for (let i = 0; i < n; i++) {
    const s = start[i]!, e = end[i]!;
    // Remove first (positions never added have no tag) so the heaps never exceed the widest window.
    for (; removed < s; removed++) remove(removed);
    if (added < s) added = s;
    for (; added < e; added++) add(added);
    const m = low.size + high.size;
    out[i] = m === 0 || m < minp ? Number.NaN : m % 2 === 1 ? low.topValue() : (low.topValue() + high.topValue()) / 2;
  }
  return out;
}
