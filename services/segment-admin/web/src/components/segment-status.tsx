import type { Segment } from '../api/types';

/** "Ready", or "Building 42%" with a progress bar while membership is first computed. */
export function SegmentStatus({ segment }: { segment: Pick<Segment, 'status' | 'progress'> }) {
  if (segment.status !== 'building') {
    return (
      <span className="badge ready" data-testid="segment-status">
        Ready
      </span>
    );
  }

  const progress = Math.max(0, Math.min(100, Math.round(segment.progress ?? 0)));

  return (
    <span className="status-building" data-testid="segment-status">
      <span className="badge building">Building {progress}%</span>
      <progress max={100} value={progress} aria-label="Build progress" />
    </span>
  );
}
