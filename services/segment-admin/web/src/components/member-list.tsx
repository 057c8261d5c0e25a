import { useEffect, useState } from 'react';
import { useApi } from '../api/api-context';
import { ApiError } from '../api/api-error';
import type { MembersPage } from '../api/types';

const PAGE_SIZE = 50;

interface MemberListProps {
  appId: string;
  segmentId: string;
}

/**
 * Members a page at a time. The API pages forward only, so the cursors of the pages already
 * seen are kept to step back.
 */
export function MemberList({ appId, segmentId }: MemberListProps) {
  const api = useApi();
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState<MembersPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);
  const cursor = cursors[cursors.length - 1] ?? null;

  useEffect(() => {
    let current = true;
    setPage(null);
    setError(null);
    api
      .members(appId, segmentId, PAGE_SIZE, cursor)
      .then((result) => current && setPage(result))
      .catch((failure: unknown) => {
        if (!current) return;
        setError(failure instanceof ApiError ? failure.message : 'Members could not be loaded.');
      });

    return () => {
      current = false;
    };
  }, [api, appId, segmentId, cursor, reloads]);

  const next = () => page?.nextCursor && setCursors((list) => [...list, page.nextCursor]);
  const previous = () => setCursors((list) => (list.length > 1 ? list.slice(0, -1) : list));
  const firstPage = () => {
    setCursors([null]);
    setReloads((count) => count + 1);
  };

  return (
    <div className="member-list" data-testid="member-list">
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {!page && !error && <p className="muted">Loading members…</p>}
      {page && page.members.length === 0 && (
        <p className="muted">
          {cursors.length === 1 ? 'This segment has no members yet.' : 'No members on this page.'}
        </p>
      )}
      {page && page.members.length > 0 && (
        <ul className="members" aria-label={`Members, page ${cursors.length}`}>
          {page.members.map((userId) => (
            <li key={userId} className="mono" data-testid="member">
              {userId}
            </li>
          ))}
        </ul>
      )}
      <div className="pager">
        <button type="button" className="button" onClick={previous} disabled={cursors.length < 2}>
          Previous
        </button>
        <span className="muted">Page {cursors.length}</span>
        <button type="button" className="button" onClick={next} disabled={!page?.nextCursor}>
          Next
        </button>
        <button type="button" className="button subtle" onClick={firstPage}>
          Reload from the start
        </button>
      </div>
    </div>
  );
}
