/**
 * Rolling median in O(n log w): two binary heaps of positions (a max-heap holding the
 * lower half of the window, a min-heap the upper half) with each position's slot
 * recorded, so a value leaving the window is deleted in O(log w) instead of the
 * O(w) shifts of a sorted buffer. The median is the lower top, or the mean of both
 * tops for an even count — pandas' `rolling().median()` (its skiplist gives the same
 * two middle values).
 */
class IndexedHeap {
  readonly ids: Int32Array;
  size = 0;
  constructor(capacity: number, private readonly v: Float64Array, private readonly slot: Int32Array, private readonly tag: Uint8Array, private readonly mark: number, private readonly isMax: boolean) {
    this.ids = new Int32Array(Math.max(1, capacity));
  }
  private above(a: number, b: number): boolean {
    return this.isMax ? this.v[a]! > this.v[b]! : this.v[a]! < this.v[b]!;
  }
  private put(k: number, id: number): void {
    this.ids[k] = id;
    this.slot[id] = k;
    this.tag[id] = this.mark;
  }
  top(): number {
    return this.ids[0]!;
  }
  push(id: number): void {
    this.put(this.size, id);
    this.up(this.size++);
  }
  /** Remove the id at heap slot k. */
  removeAt(k: number): number {
    const id = this.ids[k]!;
    const last = this.ids[--this.size]!;
    if (k < this.size) {
      this.put(k, last);
      if (!this.up(k)) this.down(k);
    }
    return id;
  }
  private up(k: number): boolean {
    const id = this.ids[k]!;
    const start = k;
    while (k > 0) {
      const p = (k - 1) >> 1;
      const pid = this.ids[p]!;
      if (!this.above(id, pid)) break;
      this.put(k, pid);
      k = p;
    }
    this.put(k, id);
    return k !== start;
  }
  private down(k: number): void {
    const id = this.ids[k]!;
    const n = this.size;
    for (;;) {
      let c = 2 * k + 1;
      if (c >= n) break;
      if (c + 1 < n && this.above(this.ids[c + 1]!, this.ids[c]!)) c++;
      const cid = this.ids[c]!;
      if (!this.above(cid, id)) break;
      this.put(k, cid);
      k = c;
    }
    this.put(k, id);
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
  const low = new IndexedHeap(widest, v, slot, tag, LOW, true);
  const high = new IndexedHeap(widest, v, slot, tag, HIGH, false);
  const rebalance = (): void => {
    if (low.size > high.size + 1) high.push(low.removeAt(0));
    else if (high.size > low.size) low.push(high.removeAt(0));
  };
  const add = (j: number): void => {
    const x = v[j]!;
    if (x !== x) return;
    if (low.size === 0 || x <= v[low.top()]!) low.push(j);
    else high.push(j);
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
    out[i] = m === 0 || m < minp ? Number.NaN : m % 2 === 1 ? v[low.top()]! : (v[low.top()]! + v[high.top()]!) / 2;
  }
  return out;
}
