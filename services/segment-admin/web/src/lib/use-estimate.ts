import { useEffect, useMemo, useState } from 'react';
import { useApi } from '../api/api-context';
import { ApiError, isAbort } from '../api/api-error';
import type { AudienceEstimate } from '../api/types';
import { definitionFromDraft, isEstimable, type SegmentDraft } from './segment-draft';

export type EstimateState =
  | { kind: 'incomplete' }
  | { kind: 'loading'; last: AudienceEstimate | null }
  | { kind: 'ready'; estimate: AudienceEstimate }
  | { kind: 'invalid'; message: string }
  | { kind: 'failed'; message: string };

/** Waits for typing to pause before asking the server, so each keystroke is not a request. */
const DEBOUNCE_MS = 400;

/**
 * The estimated audience of the draft from the preview endpoint, refreshed while it is edited.
 * The name does not change the audience, so a placeholder stands in while it is still empty.
 */
export function useEstimate(appId: string, draft: SegmentDraft): EstimateState {
  const api = useApi();
  const [state, setState] = useState<EstimateState>({ kind: 'incomplete' });
  const estimable = isEstimable(draft);
  const body = useMemo(() => {
    const definition = definitionFromDraft(draft);

    return JSON.stringify({ ...definition, name: definition.name || 'Untitled segment' });
  }, [draft]);

  useEffect(() => {
    if (!estimable) {
      setState({ kind: 'incomplete' });
      return;
    }

    const controller = new AbortController();
    setState((previous) => ({ kind: 'loading', last: lastEstimate(previous) }));
    const timer = setTimeout(() => {
      api
        .previewSegment(appId, JSON.parse(body), controller.signal)
        .then((estimate) => setState({ kind: 'ready', estimate }))
        .catch((failure: unknown) => {
          if (!isAbort(failure)) setState(failedState(failure));
        });
    }, DEBOUNCE_MS);

    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [api, appId, body, estimable]);

  return state;
}

function lastEstimate(state: EstimateState): AudienceEstimate | null {
  if (state.kind === 'ready') return state.estimate;
  if (state.kind === 'loading') return state.last;

  return null;
}

function failedState(failure: unknown): EstimateState {
  if (failure instanceof ApiError && failure.code === 'invalid_segment') {
    const first = failure.details[0]?.message ?? failure.message;

    return { kind: 'invalid', message: first };
  }
  const message = failure instanceof ApiError ? failure.message : 'No estimate right now.';

  return { kind: 'failed', message };
}
