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
  top: number;
  first: HistoryPoint;
  last: HistoryPoint;
}

/** The smallest of 1, 2, 2.5 or 5 times a power of ten at or above `value`, and at least 2. */
export function niceCeiling(value: number): number {
  if (value <= 2) return 2;

  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((factor) => factor * power >= value) ?? 10;

  return step * power;
}

/** Projects the points onto the SVG box: time on x, member count on y from 0 up. */
function scale(points: HistoryPoint[]): Scaled | null {
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) return null;

  // A single point still draws as a flat line across the chart.
  const drawn = points.length === 1 ? [first, { ...first, at: new Date().toISOString() }] : points;
  const times = drawn.map((p) => new Date(p.at).getTime());
  const start = times[0] ?? 0;
  const span = Math.max(1, (times[times.length - 1] ?? 0) - start);
  const counts = points.map((p) => p.memberCount);
  const top = niceCeiling(Math.max(...counts));
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const xy = drawn.map((p, i) => {
    const x = PAD.left + (((times[i] ?? start) - start) / span) * innerW;
    const y = PAD.top + innerH - (p.memberCount / top) * innerH;

    return `${x.toFixed(1)},${y.toFixed(1)}`;
  });
  const line = `M${xy.join('L')}`;
  const baseline = PAD.top + innerH;
  const area = `${line}L${WIDTH - PAD.right},${baseline}L${PAD.left},${baseline}Z`;

  return { line, area, min: Math.min(...counts), max: Math.max(...counts), top, first, last };
}

/** The member count over the last 24 hours as an inline SVG area chart. */
export function MemberChart({ points }: { points: HistoryPoint[] }) {
  const scaled = useMemo(() => scale(points), [points]);
  if (!scaled) return <p className="muted">No history yet: points appear every few minutes.</p>;

  const { first, last, min, max, top } = scaled;
  const description =
    `Member count from ${formatDateTime(first.at)} to ${formatDateTime(last.at)}: ` +
    `${formatCount(first.memberCount)} at the start, ${formatCount(last.memberCount)} now, ` +
    `between ${formatCount(min)} and ${formatCount(max)}.`;

  return (
    <figure className="chart" data-testid="member-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={description}>
        <Axes top={top} />
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

function Axes({ top }: { top: number }) {
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
              {formatCount(top * share)}
            </text>
          </g>
        );
      })}
    </g>
  );
}
