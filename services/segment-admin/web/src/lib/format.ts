const numberFormat = new Intl.NumberFormat('en');
const dateTimeFormat = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });
const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** 12,345 */
export function formatCount(value: number): string {
  return numberFormat.format(value);
}

/** "Dec 3, 2026, 4:05 PM" in the viewer's time zone. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);

  return Number.isNaN(date.getTime()) ? iso : dateTimeFormat.format(date);
}

const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 30],
  ['month', 12],
];

/** "5 minutes ago", relative to `now`. */
export function formatRelative(iso: string, now = Date.now()): string {
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return iso;

  let amount = Math.round((then - now) / 1000);
  for (const [unit, size] of STEPS) {
    if (Math.abs(amount) < size) return relativeFormat.format(amount, unit);
    amount = Math.round(amount / size);
  }

  return relativeFormat.format(amount, 'year');
}
