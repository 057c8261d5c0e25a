// Every node has both fields from birth (null when unused): one hidden class for all nodes
// keeps V8's property access monomorphic on the hot lookup path.
interface TrieNode {
  children: Map<number, TrieNode> | null;
  owners: Set<string> | null;
}

function trieNode(): TrieNode {
  return { children: null, owners: null };
}

/**
 * Patterns as a character trie, read front to back (`starts_with`) or back to front
 * (`ends_with`). Walking a path down the trie meets exactly the patterns that are its prefixes
 * (or suffixes), so a lookup costs the path's length whatever the number of patterns.
 */
export class PathTrie {
  private readonly root: TrieNode = trieNode();

  /** @param fromEnd read patterns and paths from their last character (suffix trie). */
  constructor(private readonly fromEnd: boolean) {}

  private code(text: string, index: number): number {
    return text.charCodeAt(this.fromEnd ? text.length - 1 - index : index);
  }

  add(pattern: string, owner: string): void {
    let node = this.root;
    for (let i = 0; i < pattern.length; i++) {
      const code = this.code(pattern, i);
      node.children ??= new Map();
      let child = node.children.get(code);
      if (!child) {
        child = trieNode();
        node.children.set(code, child);
      }
      node = child;
    }
    node.owners ??= new Set();
    node.owners.add(owner);
  }

  /** Removes one owner of a pattern and prunes the branch it leaves empty. */
  remove(pattern: string, owner: string): void {
    const trail: TrieNode[] = [this.root];
    for (let i = 0; i < pattern.length; i++) {
      const child = trail[i]!.children?.get(this.code(pattern, i));
      if (!child) return;
      trail.push(child);
    }
    const end = trail[trail.length - 1]!;
    end.owners?.delete(owner);
    if (end.owners?.size === 0) end.owners = null;
    for (let i = pattern.length; i > 0; i--) {
      const node = trail[i]!;
      if (node.owners || (node.children && node.children.size > 0)) break;
      trail[i - 1]!.children!.delete(this.code(pattern, i - 1));
    }
  }

  /** Adds to `into` the owners of every pattern that is a prefix (suffix) of `text`. */
  collect(text: string, into: Set<string>): void {
    let node: TrieNode | undefined = this.root;
    for (let i = 0; node !== undefined; i++) {
      if (node.owners !== null) for (const owner of node.owners) into.add(owner);
      if (i === text.length || node.children === null) break;
      node = node.children.get(this.code(text, i));
    }
  }
}
