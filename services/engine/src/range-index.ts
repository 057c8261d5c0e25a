/** First index in a sorted array whose value is >= `key`. */
function lowerBound(keys: number[], key: number): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (keys[middle]! < key) low = middle + 1;
    else high = middle;
  }

  return low;
}

/**
 * Owners keyed by a number (a day, a window length), answering "every owner whose key lies in
 * [low, high]" by binary search. Kept as a sorted array that is re-sorted lazily on the first
 * lookup after a change; definitions change rarely and lookups happen on every event.
 */
export class RangeIndex {
  private readonly entries = new Map<string, number[]>();
  private keys: number[] = [];
  private owners: string[] = [];
  private stale = false;

  add(owner: string, key: number): void {
    const keys = this.entries.get(owner);
    if (keys) keys.push(key);
    else this.entries.set(owner, [key]);
    this.stale = true;
  }

  removeOwner(owner: string): void {
    if (this.entries.delete(owner)) this.stale = true;
  }

  private sort(): void {
    const pairs: Array<[number, string]> = [];
    for (const [owner, keys] of this.entries) for (const key of keys) pairs.push([key, owner]);
    pairs.sort((a, b) => a[0] - b[0]);
    this.keys = pairs.map((pair) => pair[0]);
    this.owners = pairs.map((pair) => pair[1]);
    this.stale = false;
  }

  /** Adds to `into` every owner with a key in [low, high]; infinite bounds are allowed. */
  collect(low: number, high: number, into: Set<string>): void {
    if (low > high || this.entries.size === 0) return;
    if (this.stale) this.sort();
    for (let i = lowerBound(this.keys, low); i < this.keys.length; i++) {
      if (this.keys[i]! > high) break;
      into.add(this.owners[i]!);
    }
  }
}

interface Interval {
  from: number;
  to: number;
  owner: string;
}

/**
 * Owners of closed intervals [from, to], answering "every interval that contains day d" in
 * O(log n + hits). An interval tree laid over an array sorted by `from` (the middle of each
 * range is the subtree's root), with the largest `to` of each subtree; built lazily.
 */
export class IntervalIndex {
  private readonly entries = new Map<string, Interval[]>();
  private sorted: Interval[] = [];
  private maxTo: number[] = [];
  private stale = false;

  add(owner: string, from: number, to: number): void {
    const list = this.entries.get(owner) ?? [];
    list.push({ from, to, owner });
    this.entries.set(owner, list);
    this.stale = true;
  }

  removeOwner(owner: string): void {
    if (this.entries.delete(owner)) this.stale = true;
  }

  private fill(low: number, high: number): number {
    if (low >= high) return -Infinity;
    const middle = (low + high) >>> 1;
    const max = Math.max(
      this.sorted[middle]!.to,
      this.fill(low, middle),
      this.fill(middle + 1, high),
    );
    this.maxTo[middle] = max;

    return max;
  }

  private build(): void {
    this.sorted = [...this.entries.values()].flat().sort((a, b) => a.from - b.from);
    this.maxTo = new Array<number>(this.sorted.length);
    this.fill(0, this.sorted.length);
    this.stale = false;
  }

  private search(low: number, high: number, day: number, into: Set<string>): void {
    if (low >= high) return;
    const middle = (low + high) >>> 1;
    if (this.maxTo[middle]! < day) return;

    this.search(low, middle, day, into);
    const interval = this.sorted[middle]!;
    if (interval.from > day) return;
    if (interval.to >= day) into.add(interval.owner);
    this.search(middle + 1, high, day, into);
  }

  /** Adds to `into` the owner of every interval that contains `day`. */
  collect(day: number, into: Set<string>): void {
    if (this.entries.size === 0) return;
    if (this.stale) this.build();
    this.search(0, this.sorted.length, day, into);
  }
}
