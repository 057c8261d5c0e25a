/** Finds the app of a write key; null when the key is unknown. */
export type WriteKeyResolver = (writeKey: string) => Promise<string | null>;

export interface WriteKeyCacheOptions {
  /** How long a known key's app is remembered. */
  hitTtlMs?: number;
  /** How long an unknown key is remembered as unknown, so a bad SDK cannot flood Redis. */
  missTtlMs?: number;
  /** Entries kept at most; the oldest go first. */
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  appId: string | null;
  expiresAt: number;
}

/**
 * An in-memory cache in front of the write-key lookup in Redis. Known keys are kept for a short
 * while and unknown keys for shorter, so a newly created app works within `missTtlMs`. Keys
 * are never revoked today; when revocation comes, a revoked key keeps working for at most
 * `hitTtlMs`. Concurrent lookups of one key share one Redis call.
 */
export class WriteKeyCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<string | null>>();
  private readonly hitTtlMs: number;
  private readonly missTtlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(
    private readonly resolve: WriteKeyResolver,
    options: WriteKeyCacheOptions = {},
  ) {
    this.hitTtlMs = options.hitTtlMs ?? 30_000;
    this.missTtlMs = options.missTtlMs ?? 2_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** The app id of `writeKey`, or null when it is unknown. Rejects when Redis fails. */
  appFor(writeKey: string): Promise<string | null> {
    const entry = this.entries.get(writeKey);
    if (entry && entry.expiresAt > this.now()) return Promise.resolve(entry.appId);

    const pending = this.inFlight.get(writeKey);
    if (pending) return pending;

    const lookup = this.lookUp(writeKey);
    this.inFlight.set(writeKey, lookup);
    return lookup;
  }

  private async lookUp(writeKey: string): Promise<string | null> {
    try {
      const appId = await this.resolve(writeKey);
      this.remember(writeKey, appId);
      return appId;
    } finally {
      this.inFlight.delete(writeKey);
    }
  }

  private remember(writeKey: string, appId: string | null): void {
    const ttl = appId === null ? this.missTtlMs : this.hitTtlMs;
    this.entries.delete(writeKey);
    this.entries.set(writeKey, { appId, expiresAt: this.now() + ttl });

    // A Map iterates in insertion order, so the first key is the oldest entry.
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}
