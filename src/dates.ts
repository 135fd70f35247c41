/** Dates are `YYYY-MM-DD` strings naming UTC days (SPEC §1). Day arithmetic is done on day numbers. */

const MS_PER_DAY = 86_400_000;

/** The earliest date a file may hold (SPEC §2): nothing the policy governs happened before it. */
export const EARLIEST_DATE = '2000-01-01';

/**
 * True for a well-formed, real calendar date (no 2026-02-30) on or after 2000-01-01. Hot: called
 * for every date read.
 */
export function isIsoDate(s: string): boolean {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  for (const i of DIGIT_POSITIONS) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  const year = Number(s.slice(0, 4));
  if (year < 2000) return false;
  const month = Number(s.slice(5, 7));
  const day = Number(s.slice(8, 10));
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (month === 2 ? (leap ? 29 : 28) : DAYS_IN_MONTH[month - 1]);
}

const DIGIT_POSITIONS = [0, 1, 2, 3, 5, 6, 8, 9];
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Days since 1970-01-01 for a valid ISO date. `Date.UTC` would read years 0-99 as 1900-1999;
 * setting the year on its own does not.
 */
export function dayNumber(s: string): number {
  const d = new Date(0);
  d.setUTCFullYear(Number(s.slice(0, 4)), Number(s.slice(5, 7)) - 1, Number(s.slice(8, 10)));
  return d.getTime() / MS_PER_DAY;
}

export function fromDayNumber(n: number): string {
  return new Date(n * MS_PER_DAY).toISOString().slice(0, 10);
}

export function addDays(s: string, days: number): string {
  return fromDayNumber(dayNumber(s) + days);
}

/** Today as a UTC day. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}
