interface AutomatonNode {
  /** Transitions; null on leaves, which are most nodes. */
  next: Map<number, AutomatonNode> | null;
  fail: AutomatonNode | null;
  /** The pattern that ends here, if any. */
  pattern: string | null;
  /** Nearest node on the failure chain that ends a pattern. */
  output: AutomatonNode | null;
}

function node(): AutomatonNode {
  return { next: null, fail: null, pattern: null, output: null };
}

/**
 * Aho-Corasick automaton over the `contains` patterns: one pass over a path finds every
 * pattern it contains, whatever their number. Owners (segment ids) per pattern are kept
 * incrementally; the automaton itself is rebuilt lazily, on the first lookup after a new
 * pattern arrived, in time linear in the total length of the patterns. A removed pattern
 * stays in the automaton until then but has no owners, so it reports nothing.
 */
export class ContainsAutomaton {
  private readonly owners = new Map<string, Set<string>>();
  private root: AutomatonNode = node();
  private stale = false;

  add(pattern: string, owner: string): void {
    let set = this.owners.get(pattern);
    if (!set) {
      set = new Set();
      this.owners.set(pattern, set);
      this.stale = true;
    }
    set.add(owner);
  }

  remove(pattern: string, owner: string): void {
    const set = this.owners.get(pattern);
    set?.delete(owner);
    if (set?.size === 0) this.owners.delete(pattern);
  }

  /** Number of distinct live patterns. */
  get patternCount(): number {
    return this.owners.size;
  }

  private insert(pattern: string): void {
    let current = this.root;
    for (let i = 0; i < pattern.length; i++) {
      const code = pattern.charCodeAt(i);
      current.next ??= new Map();
      let child = current.next.get(code);
      if (!child) {
        child = node();
        current.next.set(code, child);
      }
      current = child;
    }
    current.pattern = pattern;
  }

  private link(): void {
    const queue: AutomatonNode[] = [];
    for (const child of this.root.next?.values() ?? []) {
      child.fail = this.root;
      queue.push(child);
    }
    for (let head = 0; head < queue.length; head++) {
      const parent = queue[head]!;
      if (!parent.next) continue;
      for (const [code, child] of parent.next) {
        let fallback = parent.fail;
        while (fallback && !fallback.next?.has(code)) fallback = fallback.fail;
        child.fail = fallback?.next?.get(code) ?? this.root;
        child.output = child.fail.pattern !== null ? child.fail : child.fail.output;
        queue.push(child);
      }
    }
  }

  /** Rebuilds the automaton now if patterns were added since the last build. */
  build(): void {
    if (!this.stale) return;
    this.root = node();
    for (const pattern of this.owners.keys()) this.insert(pattern);
    this.link();
    this.stale = false;
  }

  private report(found: AutomatonNode, into: Set<string>): void {
    for (let hit: AutomatonNode | null = found; hit; hit = hit.output) {
      const owners = hit.pattern === null ? undefined : this.owners.get(hit.pattern);
      if (owners) for (const owner of owners) into.add(owner);
    }
  }

  /** Adds to `into` the owners of every pattern that occurs in `text`. */
  collect(text: string, into: Set<string>): void {
    if (this.owners.size === 0) return;
    this.build();
    let state = this.root;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      let next = state.next?.get(code);
      while (!next && state !== this.root) {
        state = state.fail!;
        next = state.next?.get(code);
      }
      state = next ?? this.root;
      if (state.pattern !== null || state.output) this.report(state, into);
    }
  }
}
