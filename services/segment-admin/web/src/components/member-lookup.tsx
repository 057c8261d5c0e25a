import { useState, type FormEvent } from 'react';
import { useApi } from '../api/api-context';
import { ApiError } from '../api/api-error';

type Answer = { userId: string; member: boolean } | { error: string } | null;

/** Answers "is u-123 in this segment?" with one membership read. */
export function MemberLookup({ appId, segmentId }: { appId: string; segmentId: string }) {
  const api = useApi();
  const [userId, setUserId] = useState('');
  const [answer, setAnswer] = useState<Answer>(null);
  const [busy, setBusy] = useState(false);

  const check = async (event: FormEvent) => {
    event.preventDefault();
    const wanted = userId.trim();
    if (!wanted) {
      setAnswer({ error: 'Enter a user ID.' });
      return;
    }

    setBusy(true);
    try {
      setAnswer({ userId: wanted, member: await api.isMember(appId, segmentId, wanted) });
    } catch (failure) {
      setAnswer({ error: failure instanceof ApiError ? failure.message : 'The check failed.' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="lookup" onSubmit={check} noValidate>
      <label htmlFor="member-lookup">Is this user in the segment?</label>
      <div className="inline-row">
        <input
          id="member-lookup"
          className="mono"
          placeholder="u-123"
          value={userId}
          onChange={(event) => setUserId(event.target.value)}
        />
        <button type="submit" className="button" disabled={busy}>
          Check
        </button>
      </div>
      <p role="status" data-testid="member-lookup-result" className="lookup-result">
        {answer && 'error' in answer && answer.error}
        {answer && 'member' in answer && (
          <>
            <span className="mono">{answer.userId}</span>{' '}
            {answer.member ? 'is in this segment.' : 'is not in this segment.'}
          </>
        )}
      </p>
    </form>
  );
}
