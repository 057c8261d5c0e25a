import { useCallback, useDeferredValue, useMemo, useState } from 'react';
import { useApi } from '../api/api-context';
import { ApiError } from '../api/api-error';
import type { Segment } from '../api/types';
import { ConfirmDelete } from '../components/confirm-delete';
import { PlusIcon } from '../components/icons';
import { SegmentRow } from '../components/segment-row';
import { LiveSegments } from '../lib/live-segments';
import { hrefOf } from '../lib/router';
import { usePolling } from '../lib/use-polling';

/** Member counts move with live traffic; 2.5 s feels live without loading the server. */
const POLL_MS = 2500;

function useSegments(appId: string) {
  const api = useApi();
  const [segments, setSegments] = useState<Segment[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [live] = useState(() => new LiveSegments());

  usePolling(
    async (signal) => {
      try {
        const fresh = await api.listSegments(appId, signal);
        live.update(fresh);
        setSegments(fresh);
        setError(null);
      } catch (failure) {
        if (signal.aborted) return;
        setError(failure instanceof ApiError ? failure.message : 'Segments could not be loaded.');
      }
    },
    POLL_MS,
    [api, appId],
  );

  return { segments, setSegments, error, live };
}

function matchesFilter(segment: Segment, needle: string): boolean {
  return !needle || segment.name.toLowerCase().includes(needle);
}

/** Every segment of the app with live member counts, plus edit and delete. */
export function SegmentsPage({ appId }: { appId: string }) {
  const api = useApi();
  const { segments, setSegments, error, live } = useSegments(appId);
  const [filter, setFilter] = useState('');
  const needle = useDeferredValue(filter.trim().toLowerCase());
  const [deleting, setDeleting] = useState<Segment | null>(null);

  const visible = useMemo(
    () => (segments ?? []).filter((segment) => matchesFilter(segment, needle)),
    [segments, needle],
  );
  const askDelete = useCallback((segment: Segment) => setDeleting(segment), []);

  const remove = async (segment: Segment) => {
    await api.deleteSegment(appId, segment.id);
    setSegments((list) => list?.filter((item) => item.id !== segment.id) ?? null);
  };

  return (
    <section aria-labelledby="segments-title">
      <div className="page-header">
        <h1 id="segments-title">Segments</h1>
        <a
          className="button primary"
          href={hrefOf({ name: 'new-segment', appId })}
          data-testid="create-segment"
        >
          <PlusIcon /> Create Segment
        </a>
      </div>
      {error && (
        <p className="error-banner" role="alert">
          {error}
        </p>
      )}
      {segments === null && !error && <p className="muted">Loading segments…</p>}
      {segments?.length === 0 && <EmptySegments appId={appId} />}
      {segments && segments.length > 0 && (
        <>
          <div className="toolbar">
            <label htmlFor="segment-filter">Filter by name</label>
            <input
              id="segment-filter"
              type="search"
              value={filter}
              onChange={(event) => setFilter(event.target.value)}
            />
            <span className="muted" aria-live="polite">
              {visible.length} of {segments.length} segments
            </span>
          </div>
          <div className="table-wrap">
            <SegmentTable appId={appId} segments={visible} live={live} onDelete={askDelete} />
          </div>
        </>
      )}
      {deleting && (
        <ConfirmDelete
          segmentName={deleting.name}
          onConfirm={() => remove(deleting)}
          onClose={() => setDeleting(null)}
        />
      )}
    </section>
  );
}

interface SegmentTableProps {
  appId: string;
  segments: Segment[];
  live: LiveSegments;
  onDelete: (segment: Segment) => void;
}

/**
 * A grid with table roles rather than a <table>: rows are blocks, so `content-visibility` can
 * skip laying out the ones off screen, and a poll that changes counts re-lays out only what is
 * visible even with 500 segments.
 */
function SegmentTable({ appId, segments, live, onDelete }: SegmentTableProps) {
  return (
    <div
      role="table"
      className="segments-table"
      aria-label="Segments"
      aria-describedby="segments-table-note"
      aria-rowcount={segments.length + 1}
      data-testid="segments-table"
    >
      <p id="segments-table-note" className="visually-hidden">
        Member counts update every few seconds.
      </p>
      <div role="rowgroup">
        <div role="row" className="segment-grid header-row">
          <span role="columnheader">Name</span>
          <span role="columnheader">Match</span>
          <span role="columnheader">Criteria</span>
          <span role="columnheader" className="count">
            Members
          </span>
          <span role="columnheader">Status</span>
          <span role="columnheader">Created</span>
          <span role="columnheader">Updated</span>
          <span role="columnheader">
            <span className="visually-hidden">Actions</span>
          </span>
        </div>
      </div>
      <div role="rowgroup">
        {segments.map((segment) => (
          <SegmentRow
            key={segment.id}
            appId={appId}
            segment={segment}
            live={live}
            onDelete={onDelete}
          />
        ))}
      </div>
    </div>
  );
}

function EmptySegments({ appId }: { appId: string }) {
  return (
    <div className="empty-state" data-testid="segments-empty">
      <h2>No segments yet</h2>
      <p>
        A segment groups users by device language, app sessions and pages visited, and keeps its
        member list current as events arrive.
      </p>
      <a className="button primary" href={hrefOf({ name: 'new-segment', appId })}>
        <PlusIcon /> Create your first segment
      </a>
    </div>
  );
}
