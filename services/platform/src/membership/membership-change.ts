/** ENTERED or EXITED, as on the change topic. */
export type ChangeKind = 'ENTERED' | 'EXITED';

/**
 * One membership change as recorded in a bucket's outbox and published on
 * `segment-membership-changes`. `sequence` grows with every change of the user's bucket, so
 * it grows along the changes of each (segment, user) pair: a consumer drops a record whose
 * sequence is not above the last one it saw for that pair.
 */
export interface MembershipChange {
  appId: string;
  segmentId: string;
  segmentVersion: number;
  userId: string;
  change: ChangeKind;
  at: number;
  sequence: number;
}

/** A change plus where it sits in the outbox, so it can be removed once published. */
export interface OutboxChange extends MembershipChange {
  bucket: number;
  /** The outbox entry exactly as stored (the zset member). */
  entry: string;
}

/**
 * Reads an outbox entry written by apply-users.lua:
 * `<sequence>\t<segmentId>\t<version>\t<E|X>\t<at>\t<userId>`.
 */
export function parseOutboxEntry(appId: string, bucket: number, entry: string): OutboxChange {
  const [sequence, segmentId, version, kind, at, ...rest] = entry.split('\t');

  return {
    appId,
    bucket,
    entry,
    segmentId: segmentId ?? '',
    segmentVersion: Number(version),
    userId: rest.join('\t'),
    change: kind === 'E' ? 'ENTERED' : 'EXITED',
    at: Number(at),
    sequence: Number(sequence),
  };
}
