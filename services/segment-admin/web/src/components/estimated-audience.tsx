import { formatCount } from '../lib/format';
import type { EstimateState } from '../lib/use-estimate';

/** The audience the draft would reach today, as the preview endpoint estimates it. */
export function EstimatedAudience({ state }: { state: EstimateState }) {
  return (
    <aside className="card estimate" aria-labelledby="estimate-title" data-testid="estimate">
      <h2 id="estimate-title">Estimated audience</h2>
      <div aria-live="polite" aria-atomic="true">
        <EstimateBody state={state} />
      </div>
    </aside>
  );
}

function EstimateBody({ state }: { state: EstimateState }) {
  switch (state.kind) {
    case 'incomplete':
      return <p className="muted">Complete the criteria to see how many users match.</p>;
    case 'invalid':
      return <p className="muted">Not yet: {state.message}</p>;
    case 'failed':
      return <p className="muted">{state.message}</p>;
    case 'loading':
      return state.last ? (
        <EstimateFigure count={state.last.estimatedCount} note="Updating…" />
      ) : (
        <p className="muted">Estimating…</p>
      );
    case 'ready': {
      const { estimatedCount, exact, sampledUsers } = state.estimate;
      const note = exact
        ? 'Exact count over all users.'
        : `Estimated from a sample of ${formatCount(sampledUsers)} users.`;

      return <EstimateFigure count={estimatedCount} note={note} approximate={!exact} />;
    }
  }
}

interface FigureProps {
  count: number;
  note: string;
  approximate?: boolean;
}

function EstimateFigure({ count, note, approximate }: FigureProps) {
  return (
    <>
      <p className="estimate-count" data-testid="estimate-count">
        {approximate ? '≈ ' : ''}
        {formatCount(count)} <span className="unit">users</span>
      </p>
      <p className="muted">{note}</p>
    </>
  );
}
