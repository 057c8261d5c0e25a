import type { SegmentDefinition } from '@audience/engine';

/** `building` while a version's membership is first computed over existing users. */
export type SegmentStatus = 'building' | 'ready';

/** One version of a segment whose membership the workers keep current. */
export interface LiveVersion {
  version: number;
  definition: SegmentDefinition;
}

/**
 * A segment as stored in Redis. Editing a segment adds a version: the workers maintain every
 * live version, readers keep using `servingVersion` while the new one is built, and marking the
 * new version ready switches readers over and retires the old one.
 */
export interface StoredSegment {
  id: string;
  appId: string;
  /** The latest version; `definition` is its definition. */
  version: number;
  definition: SegmentDefinition;
  /** Status of the latest version. */
  status: SegmentStatus;
  /** The version whose membership reads use and whose changes are published. */
  servingVersion: number;
  /** Every version the workers write membership for, oldest first. */
  liveVersions: LiveVersion[];
  /** ISO-8601. */
  createdAt: string;
  updatedAt: string;
}

/** The notice published on every definition write. */
export interface DefinitionNotice {
  appId: string;
  segmentId: string;
}

/** Reads a notice; null for a message that is not one. */
export function parseNotice(message: string): DefinitionNotice | null {
  try {
    const value = JSON.parse(message) as Partial<DefinitionNotice>;
    if (typeof value.appId === 'string' && typeof value.segmentId === 'string') {
      return { appId: value.appId, segmentId: value.segmentId };
    }
  } catch {
    // Not JSON: not a notice of ours.
  }
  return null;
}
