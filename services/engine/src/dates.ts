/** Milliseconds in one UTC calendar day (the contract's "N x 24 hours"). */
export const DAY_MS = 86_400_000;

const DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** UTC day number (days since 1970-01-01) of an epoch-millisecond instant. */
export function dayOf(timestamp: number): number {
  return Math.floor(timestamp / DAY_MS);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;

  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date, by plain arithmetic so that years
 * before 100 (which `Date.UTC` maps to 19xx) are exact too.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const shiftedMonth = month > 2 ? month - 3 : month + 9;
  const dayOfYear = Math.floor((153 * shiftedMonth + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;

  return era * 146_097 + dayOfEra - 719_468;
}

/** Day number of a `YYYY-MM-DD` calendar date, or null when it is no real date. */
export function parseCalendarDay(text: string): number | null {
  const parts = DATE_SHAPE.exec(text);
  if (!parts) return null;

  const year = Number(parts[1]);
  const month = Number(parts[2]);
  const day = Number(parts[3]);
  if (year < 1 || month < 1 || month > 12) return null;
  if (day < 1 || day > daysInMonth(year, month)) return null;

  return daysFromCivil(year, month, day);
}
