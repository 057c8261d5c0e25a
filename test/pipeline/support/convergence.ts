import type { UserEvent } from '@audience/engine';
import type { MembershipChange, StoredSegment } from '@audience/platform';
import {
  membershipDiff,
  oracleMembership,
  type Membership,
  type PipelineFixture,
} from './pipeline-fixture';
import { waitFor } from './stack-env';

/**
 * Waits until the stored membership of `segments` equals the oracle's for `events` (every
 * user's state written too), and returns the differences left at the deadline (empty when it
 * converged).
 */
export async function awaitOracle(
  fixture: PipelineFixture,
  appId: string,
  events: UserEvent[],
  segments: StoredSegment[],
  timeoutMs = 180_000,
): Promise<string[]> {
  const users = new Set(events.map((event) => event.userId)).size;
  let diff: string[] = ['not compared yet'];
  await waitFor(
    async () => {
      const stored = await fixture.storedUserCount(appId);
      if (stored < users) {
        diff = [`${stored} of ${users} users stored`];
        return false;
      }
      const expected = oracleMembership(events, segments, Date.now());
      diff = membershipDiff(expected, await fixture.storedMembership(appId, segments));
      return diff.length === 0;
    },
    timeoutMs,
    500,
  );
  return diff;
}

/**
 * The membership the change topic describes: for each (segment, user), the change with the
 * highest sequence wins, as a consumer dropping repeats would see it.
 */
export function membershipFromChanges(
  changes: MembershipChange[],
  appId: string,
  segments: StoredSegment[],
): Membership {
  const latest = new Map<string, MembershipChange>();
  for (const change of changes) {
    if (change.appId !== appId) continue;
    const key = `${change.segmentId}\u0000${change.userId}`;
    const seen = latest.get(key);
    if (!seen || Number(change.sequence) > Number(seen.sequence)) latest.set(key, change);
  }
  const result: Membership = new Map(segments.map((segment) => [segment.id, new Set<string>()]));
  for (const change of latest.values()) {
    if (change.change === 'ENTERED') result.get(change.segmentId)?.add(change.userId);
  }
  return result;
}

/** Waits until the change topic describes `expected`; returns the differences left. */
export async function awaitChanges(
  fixture: PipelineFixture,
  appId: string,
  segments: StoredSegment[],
  expected: Membership,
  timeoutMs = 30_000,
): Promise<string[]> {
  let diff: string[] = [];
  await waitFor(
    () => {
      diff = membershipDiff(expected, membershipFromChanges(fixture.changes, appId, segments));
      return diff.length === 0;
    },
    timeoutMs,
    250,
  );
  return diff;
}
