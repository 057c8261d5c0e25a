import { memo, useMemo } from 'react';
import type { Segment } from '../api/types';
import { summarizeCriteria } from '../lib/criteria-summary';
import { formatCount, formatDateTime } from '../lib/format';
import { hrefOf } from '../lib/router';
import { SegmentStatus } from './segment-status';

interface SegmentRowProps {
  appId: string;
  segment: Segment;
  onDelete: (segment: Segment) => void;
}

function Row({ appId, segment, onDelete }: SegmentRowProps) {
  const id = segment.id;
  const version = segment.version;
  // Polls bring new objects every few seconds while mostly the count changes; the summary and
  // dates are derived from what stays the same, so re-rendering a row stays cheap.
  const summary = useMemo(() => summarizeCriteria(segment), [id, version]);
  const created = useMemo(() => formatDateTime(segment.createdAt), [segment.createdAt]);
  const updated = useMemo(() => formatDateTime(segment.updatedAt), [segment.updatedAt]);

  return (
    <tr data-testid="segment-row" data-segment-id={id}>
      <th scope="row" data-label="Name">
        <a href={hrefOf({ name: 'segment', appId, segmentId: id })} data-testid="segment-name">
          {segment.name}
        </a>
      </th>
      <td data-label="Match">
        <span className="badge" title={segment.match === 'all' ? 'Must have' : 'May have'}>
          {segment.match.toUpperCase()}
        </span>
      </td>
      <td data-label="Criteria" className="summary" data-testid="segment-summary">
        {summary}
      </td>
      <td data-label="Members" className="count" data-testid="segment-count">
        {formatCount(segment.memberCount)}
      </td>
      <td data-label="Status">
        <SegmentStatus segment={segment} />
      </td>
      <td data-label="Created">
        <time dateTime={segment.createdAt}>{created}</time>
      </td>
      <td data-label="Updated">
        <time dateTime={segment.updatedAt}>{updated}</time>
      </td>
      <td className="row-actions">
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
      </td>
    </tr>
  );
}

/** Fields a row shows; a poll that changed none of them leaves the row alone. */
function sameRow(a: SegmentRowProps, b: SegmentRowProps): boolean {
  const x = a.segment;
  const y = b.segment;

  return (
    a.appId === b.appId &&
    a.onDelete === b.onDelete &&
    x.id === y.id &&
    x.version === y.version &&
    x.name === y.name &&
    x.memberCount === y.memberCount &&
    x.status === y.status &&
    x.progress === y.progress &&
    x.updatedAt === y.updatedAt
  );
}

/** One segment on the Segments page, re-rendered only when something it shows changed. */
export const SegmentRow = memo(Row, sameRow);
