import { useMemo } from 'react';
import type { HistoryPoint } from '../api/types';
import { formatCount, formatDateTime } from '../lib/format';

const WIDTH = 640;
const HEIGHT = 200;
const PAD = { top: 12, right: 12, bottom: 28, left: 56 };

interface Scaled {
  line: string;
  area: string;
  min: number;
  max: number;
  first: HistoryPoint;
  last: HistoryPoint;
}

/** Projects the points onto the SVG box: time on x, member count on y from 0 up. */
function scale(points: HistoryPoint[]): Scaled | null {
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) return null;

  const times = points.map((p) => new Date(p.at).getTime());
  const start = times[0] ?? 0;
  const span = Math.max(1, (times[times.length - 1] ?? 0) - start);
  const counts = points.map((p) => p.memberCount);
  const max = Math.max(1, ...counts);
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const xy = points.map((p, i) => {
    const x = PAD.left + (((times[i] ?? start) - start) / span) * innerW;
    const y = PAD.top + innerH - (p.memberCount / max) * innerH;

    return `${x.toFixed(1)},${y.toFixed(1)}`;
  });
  const line = `M${xy.join('L')}`;
  const baseline = PAD.top + innerH;
  const area = `${line}L${WIDTH - PAD.right},${baseline}L${PAD.left},${baseline}Z`;

  return { line, area, min: Math.min(...counts), max, first, last };
}

/** The member count over the last 24 hours as an inline SVG area chart. */
export function MemberChart({ points }: { points: HistoryPoint[] }) {
  const scaled = useMemo(() => scale(points), [points]);
  if (!scaled) return <p className="muted">No history yet: points appear every few minutes.</p>;

  const { first, last, min, max } = scaled;
  const description =
    `Member count from ${formatDateTime(first.at)} to ${formatDateTime(last.at)}: ` +
    `${formatCount(first.memberCount)} at the start, ${formatCount(last.memberCount)} now, ` +
    `between ${formatCount(min)} and ${formatCount(max)}.`;

  return (
    <figure className="chart" data-testid="member-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={description}>
        <Axes max={max} />
        <path d={scaled.area} className="chart-area" />
        <path d={scaled.line} className="chart-line" />
        <text x={PAD.left} y={HEIGHT - 8} className="chart-label">
          {formatDateTime(first.at)}
        </text>
        <text x={WIDTH - PAD.right} y={HEIGHT - 8} className="chart-label" textAnchor="end">
          {formatDateTime(last.at)}
        </text>
      </svg>
      <figcaption className="muted">{description}</figcaption>
    </figure>
  );
}

function Axes({ max }: { max: number }) {
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const ticks = [0, 0.5, 1];

  return (
    <g aria-hidden="true">
      {ticks.map((share) => {
        const y = PAD.top + innerH - share * innerH;

        return (
          <g key={share}>
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y} y2={y} className="chart-grid" />
            <text x={PAD.left - 6} y={y + 4} className="chart-label" textAnchor="end">
              {formatCount(Math.round(max * share))}
            </text>
          </g>
        );
      })}
    </g>
  );
}
