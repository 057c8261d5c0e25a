import { memo, useMemo } from 'react';
import type { Segment } from '../api/types';
import { summarizeCriteria } from '../lib/criteria-summary';
import { formatCount, formatDate, formatDateTime } from '../lib/format';
import { useLiveFacts, type LiveSegments } from '../lib/live-segments';
import { hrefOf } from '../lib/router';
import { SegmentStatus } from './segment-status';

interface SegmentRowProps {
  appId: string;
  segment: Segment;
  live: LiveSegments;
  onDelete: (segment: Segment) => void;
}

interface LiveCellProps {
  live: LiveSegments;
  segment: Segment;
}

/** The member count, re-rendered on its own when a poll changes it. */
function LiveCount({ live, segment }: LiveCellProps) {
  const facts = useLiveFacts(live, segment);

  return (
    <div role="cell" data-label="Members" className="count" data-testid="segment-count">
      {formatCount(facts.memberCount)}
    </div>
  );
}

function LiveStatus({ live, segment }: LiveCellProps) {
  const facts = useLiveFacts(live, segment);

  return (
    <div role="cell" data-label="Status">
      <SegmentStatus segment={facts} />
    </div>
  );
}

/** The day for the narrow column; the full time as its tooltip and on the Segment page. */
function dateAndTime(iso: string) {
  return { day: formatDate(iso), full: formatDateTime(iso) };
}

function Row({ appId, segment, live, onDelete }: SegmentRowProps) {
  const id = segment.id;
  const version = segment.version;
  // Polls bring new objects every few seconds while mostly the count changes; the summary and
  // dates are derived from what stays the same, so re-rendering a row stays cheap.
  const summary = useMemo(() => summarizeCriteria(segment), [id, version]);
  const created = useMemo(() => dateAndTime(segment.createdAt), [segment.createdAt]);
  const updated = useMemo(() => dateAndTime(segment.updatedAt), [segment.updatedAt]);

  return (
    <div role="row" className="segment-grid" data-testid="segment-row" data-segment-id={id}>
      <div role="rowheader" data-label="Name" className="name">
        <a href={hrefOf({ name: 'segment', appId, segmentId: id })} data-testid="segment-name">
          {segment.name}
        </a>
      </div>
      <div role="cell" data-label="Match">
        <span className="badge" title={segment.match === 'all' ? 'Must have' : 'May have'}>
          {segment.match.toUpperCase()}
        </span>
      </div>
      <div role="cell" data-label="Criteria" className="summary" data-testid="segment-summary">
        {summary}
      </div>
      <LiveCount live={live} segment={segment} />
      <LiveStatus live={live} segment={segment} />
      <div role="cell" data-label="Created">
        <time dateTime={segment.createdAt} title={created.full}>
          {created.day}
        </time>
      </div>
      <div role="cell" data-label="Updated">
        <time dateTime={segment.updatedAt} title={updated.full}>
          {updated.day}
        </time>
      </div>
      <div role="cell" className="row-actions">
        <a
          className="button small"
          href={hrefOf({ name: 'edit-segment', appId, segmentId: id })}
          aria-label={`Edit ${segment.name}`}
        >
          Edit
        </a>
        <button
          type="button"
          className="button small danger-text"
          onClick={() => onDelete(segment)}
          aria-label={`Delete ${segment.name}`}
        >
          Delete
        </button>
      </div>
    </div>
  );
}

/** Fields the row itself shows; counts and status update through their own cells. */
function sameRow(a: SegmentRowProps, b: SegmentRowProps): boolean {
  const x = a.segment;
  const y = b.segment;

  return (
    a.appId === b.appId &&
    a.onDelete === b.onDelete &&
    a.live === b.live &&
    x.id === y.id &&
    x.version === y.version &&
    x.name === y.name &&
    x.updatedAt === y.updatedAt
  );
}

/** One segment on the Segments page, re-rendered only when its definition changed. */
export const SegmentRow = memo(Row, sameRow);
