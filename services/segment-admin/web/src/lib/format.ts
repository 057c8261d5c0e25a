const numberFormat = new Intl.NumberFormat('en');
const dateTimeFormat = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });
const dateFormat = new Intl.DateTimeFormat('en', { dateStyle: 'medium' });

/** 12,345 */
export function formatCount(value: number): string {
  return numberFormat.format(value);
}

/** "Dec 3, 2026, 4:05 PM" in the viewer's time zone. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);

  return Number.isNaN(date.getTime()) ? iso : dateTimeFormat.format(date);
}

/** "Dec 3, 2026" in the viewer's time zone. */
export function formatDate(iso: string): string {
  const date = new Date(iso);

  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
}
