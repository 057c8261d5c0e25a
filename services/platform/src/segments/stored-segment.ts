import type { SegmentDefinition } from '@audience/engine';

/** `building` while a version's membership is first computed over existing users. */
export type SegmentStatus = 'building' | 'ready';

/** One version of a segment whose membership the workers keep current. */
export interface LiveVersion {
  version: number;
  definition: SegmentDefinition;
}

/**
 * A version switch that is written but not finished: `toVersion` serves already, and the
 * differences from `fromVersion` are still to be announced (unless `announced`), the retired
 * versions still to be freed. Set in the same write that makes `toVersion` serve, so a switch
 * interrupted by a failure is completed by whoever finds it (the retried job, or the next one).
 */
export interface PendingSwitch {
  fromVersion: number;
  toVersion: number;
  /** Versions that stopped being maintained with this switch; their membership is freed. */
  retired: number[];
  /** True once the differences are recorded and published. */
  announced: boolean;
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
  /** Present from the moment an edited version serves until its switch is complete. */
  pendingSwitch?: PendingSwitch;
  /** ISO-8601. */
  createdAt: string;
  updatedAt: string;
}

/** The notice published on every definition write. */
export interface DefinitionNotice {
  appId: string;
  segmentId: string;
  /**
   * The definitions revision of the write (see `RedisKeys.definitionRevision`); absent in the
   * notices of versions before revisions existed, which readers answer with a full reload.
   */
  revision?: number;
}

/** Reads a notice; null for a message that is not one. */
export function parseNotice(message: string): DefinitionNotice | null {
  try {
    const value = JSON.parse(message) as Partial<DefinitionNotice>;
    if (typeof value.appId === 'string' && typeof value.segmentId === 'string') {
      const notice: DefinitionNotice = { appId: value.appId, segmentId: value.segmentId };
      if (Number.isSafeInteger(value.revision)) notice.revision = value.revision;
      return notice;
    }
  } catch {
    // Not JSON: not a notice of ours.
  }
  return null;
}
