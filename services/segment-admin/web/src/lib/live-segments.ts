import { useSyncExternalStore } from 'react';
import type { Segment } from '../api/types';

/** What changes on a segment between two polls without the segment being edited. */
export type LiveFacts = Pick<Segment, 'memberCount' | 'status' | 'progress'>;

function sameFacts(a: LiveFacts, b: LiveFacts): boolean {
  return a.memberCount === b.memberCount && a.status === b.status && a.progress === b.progress;
}

/**
 * The live facts of every segment on the page, outside React state. Each poll updates the store
 * and only the cells whose facts changed re-render, instead of every row of a long list.
 */
export class LiveSegments {
  private facts = new Map<string, LiveFacts>();
  private readonly listeners = new Set<() => void>();

  /** Replaces the facts with those of a fresh poll; unchanged entries keep their identity. */
  update(segments: readonly Segment[]): void {
    const next = new Map<string, LiveFacts>();
    for (const segment of segments) {
      const previous = this.facts.get(segment.id);
      const fresh = {
        memberCount: segment.memberCount,
        status: segment.status,
        progress: segment.progress,
      };
      next.set(segment.id, previous && sameFacts(previous, fresh) ? previous : fresh);
    }

    this.facts = next;
    for (const listener of this.listeners) listener();
  }

  get(segmentId: string): LiveFacts | undefined {
    return this.facts.get(segmentId);
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);

    return () => this.listeners.delete(listener);
  };
}

/** The live facts of one segment, re-rendering the caller only when they change. */
export function useLiveFacts(live: LiveSegments, segment: Segment): LiveFacts {
  return useSyncExternalStore(live.subscribe, () => live.get(segment.id) ?? segment);
}
