import { useState } from 'react';
import { useApi } from '../api/api-context';
import { ApiError } from '../api/api-error';
import type { HistoryPoint, Segment } from '../api/types';
import { ConfirmDelete } from '../components/confirm-delete';
import { ExportButton } from '../components/export-button';
import { MemberChart } from '../components/member-chart';
import { MemberList } from '../components/member-list';
import { MemberLookup } from '../components/member-lookup';
import { SegmentStatus } from '../components/segment-status';
import { describeCriterion, describeMatch } from '../lib/criteria-summary';
import { formatCount, formatDateTime } from '../lib/format';
import { hrefOf, navigate } from '../lib/router';
import { usePolling } from '../lib/use-polling';

const SEGMENT_POLL_MS = 2500;
/** History has a point every few minutes, so it is read far less often than the count. */
const HISTORY_POLL_MS = 60_000;

interface SegmentPageProps {
  appId: string;
  segmentId: string;
}

function useSegment({ appId, segmentId }: SegmentPageProps) {
  const api = useApi();
  const [segment, setSegment] = useState<Segment | null>(null);
  const [history, setHistory] = useState<HistoryPoint[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  usePolling(
    async (signal) => {
      try {
        setSegment(await api.getSegment(appId, segmentId, signal));
        setError(null);
      } catch (failure) {
        if (signal.aborted) return;
        setError(failure instanceof ApiError ? failure.message : 'Segment could not be loaded.');
      }
    },
    SEGMENT_POLL_MS,
    [api, appId, segmentId],
  );
  usePolling(
    async (signal) => setHistory(await api.history(appId, segmentId, signal)),
    HISTORY_POLL_MS,
    [api, appId, segmentId],
  );

  return { segment, history, error };
}

/** One segment: its definition, count over 24 hours, members, lookup and CSV export. */
export function SegmentPage(props: SegmentPageProps) {
  const { appId, segmentId } = props;
  const api = useApi();
  const { segment, history, error } = useSegment(props);
  const [deleting, setDeleting] = useState(false);

  if (!segment) {
    return error ? (
      <p className="error-banner" role="alert">
        {error}
      </p>
    ) : (
      <p className="muted">Loading segment…</p>
    );
  }

  const remove = async () => {
    await api.deleteSegment(appId, segmentId);
    navigate({ name: 'segments', appId });
  };

  return (
    <article className="segment-page" aria-labelledby="segment-title">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <a href={hrefOf({ name: 'segments', appId })}>Segments</a> / <span>{segment.name}</span>
      </nav>
      <div className="page-header">
        <h1 id="segment-title">{segment.name}</h1>
        <div className="header-actions">
          <a className="button" href={hrefOf({ name: 'edit-segment', appId, segmentId })}>
            Edit
          </a>
          <ExportButton appId={appId} segmentId={segmentId} segmentName={segment.name} />
          <button type="button" className="button danger-text" onClick={() => setDeleting(true)}>
            Delete
          </button>
        </div>
      </div>
      {error && (
        <p className="error-banner" role="alert">
          {error}
        </p>
      )}
      <SegmentFacts segment={segment} />
      <section className="card" aria-labelledby="definition-title">
        <h2 id="definition-title">Definition</h2>
        <p>
          Match: <strong>{describeMatch(segment.match)}</strong>
        </p>
        <ol className="definition" data-testid="segment-definition">
          {segment.criteria.map((criterion, index) => (
            <li key={index}>{describeCriterion(criterion)}</li>
          ))}
        </ol>
      </section>
      <section className="card" aria-labelledby="history-title">
        <h2 id="history-title">Members over the last 24 hours</h2>
        {history ? <MemberChart points={history} /> : <p className="muted">Loading history…</p>}
      </section>
      <section className="card" aria-labelledby="members-title">
        <h2 id="members-title">Members</h2>
        <MemberLookup appId={appId} segmentId={segmentId} />
        <MemberList key={segment.version} appId={appId} segmentId={segmentId} />
      </section>
      {deleting && (
        <ConfirmDelete
          segmentName={segment.name}
          onConfirm={remove}
          onClose={() => setDeleting(false)}
        />
      )}
    </article>
  );
}

function SegmentFacts({ segment }: { segment: Segment }) {
  return (
    <dl className="facts card">
      <div>
        <dt>Members</dt>
        <dd className="big-count" data-testid="segment-count">
          {formatCount(segment.memberCount)}
        </dd>
      </div>
      <div>
        <dt>Status</dt>
        <dd>
          <SegmentStatus segment={segment} />
        </dd>
      </div>
      <div>
        <dt>Version</dt>
        <dd>{segment.version}</dd>
      </div>
      <div>
        <dt>Created</dt>
        <dd>{formatDateTime(segment.createdAt)}</dd>
      </div>
      <div>
        <dt>Updated</dt>
        <dd>{formatDateTime(segment.updatedAt)}</dd>
      </div>
    </dl>
  );
}
