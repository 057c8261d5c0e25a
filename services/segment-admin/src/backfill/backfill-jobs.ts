/** The jobs of the backfill queue. */
export type BackfillJob =
  | { kind: 'chunk'; appId: string; segmentId: string; version: number; buckets: number[] }
  | { kind: 'finalize'; appId: string; segmentId: string; version: number }
  | {
      kind: 'free';
      appId: string;
      segmentId: string;
      versions: number[];
      deleted: boolean;
      /** The version whose switch retired `versions` (absent when the segment was deleted). */
      replacedBy?: number;
    };

/** Consecutive bucket ranges of `size`, covering 0 to `count` - 1. */
export function chunkBuckets(count: number, size: number): number[][] {
  const chunks: number[][] = [];
  for (let first = 0; first < count; first += size) {
    const last = Math.min(first + size, count);
    chunks.push(Array.from({ length: last - first }, (_, offset) => first + offset));
  }
  return chunks;
}

/**
 * A job id that makes enqueueing the same work twice a no-op while the first is kept.
 * BullMQ ids may not contain `:`, which app ids never do and segment ids never do either.
 */
export function jobId(job: BackfillJob): string {
  const base = `${job.kind}-${job.appId}-${job.segmentId}`;
  if (job.kind === 'chunk') return `${base}-${job.version}-${job.buckets[0] ?? 0}`;
  if (job.kind === 'finalize') return `${base}-${job.version}`;
  // One switch retires its versions once, even when its completion is repeated.
  if (job.replacedBy !== undefined) return `${base}-${job.versions.join('.')}-to-${job.replacedBy}`;
  return `${base}-${job.versions.join('.')}-${Date.now()}`;
}
