/**
 * Calendar arithmetic on ISO dates (`YYYY-MM-DD`) and instants (epoch ms), pure: time is an argument
 * (docs/architecture.md house rule 2). `Date.UTC` and `new Date(ms)` are used only as calendar
 * converters, never to read the host clock.
 *
 * One convention everywhere (our choice where the rules are silent, docs/registration.md):
 * a date "N months on" keeps its day number; when that day does not exist in the target month
 * (29 Feb in a common year, 31 Apr) it is the first day of the next month. So an 18th birthday on
 * 29 Feb falls on 1 Mar in a common year, and a 12-month period started on 29 Feb 2024 ends at the
 * start of 1 Mar 2025 (28 Feb 2025 is its last day). Periods are half-open: [start, end).
 */

export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;

export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a valid ISO date, or undefined (rejects 2023-02-29, 2024-13-01, …). */
export function dayNumber(date: string): number | undefined {
  const m = ISO_DATE.exec(date);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  return Date.UTC(y, mo - 1, d) / DAY_MS;
}

export function isIsoDate(date: string): boolean {
  return dayNumber(date) !== undefined;
}

function mustDay(date: IsoDate): number {
  const n = dayNumber(date);
  if (n === undefined) throw new RangeError(`not an ISO date: ${date}`);
  return n;
}

export function dateOfDay(day: number): IsoDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return dateOfDay(mustDay(date) + days);
}

/** `date` plus whole months, with the day-overflow convention above. */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  mustDay(date);
  const index = y * 12 + (m - 1) + months;
  const ty = Math.floor(index / 12);
  const tm = (index % 12) + 1;
  if (d <= daysInMonth(ty, tm)) return `${pad(ty, 4)}-${pad(tm, 2)}-${pad(d, 2)}`;
  return addDays(`${pad(ty, 4)}-${pad(tm, 2)}-01`, daysInMonth(ty, tm));
}

/** Whole days from `a` to `b` (negative when b is before a). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return mustDay(b) - mustDay(a);
}

export function compareDates(a: IsoDate, b: IsoDate): number {
  return mustDay(a) - mustDay(b);
}

/** The calendar date at `nowMs` in a zone `offsetMin` minutes east of UTC (fixed offsets only). */
export function localDate(nowMs: number, offsetMin: number): IsoDate {
  return new Date(nowMs + offsetMin * MINUTE_MS).toISOString().slice(0, 10);
}

/** 0 Sunday … 6 Saturday. */
export function weekday(date: IsoDate): number {
  return (((mustDay(date) + 4) % 7) + 7) % 7;
}

/** Monday to Friday (no public-holiday calendar: none is published per market). */
export function isBusinessDay(date: IsoDate): boolean {
  const w = weekday(date);
  return w !== 0 && w !== 6;
}

/** The n-th business day after `date` (n ≥ 1; `date` itself never counts). */
export function addBusinessDays(date: IsoDate, n: number): IsoDate {
  let day = mustDay(date);
  let left = n;
  while (left > 0) {
    day += 1;
    if (isBusinessDay(dateOfDay(day))) left -= 1;
  }
  return dateOfDay(day);
}

/** An instant plus whole calendar months in UTC, time of day kept (R-30 retention). */
export function addMonthsToInstant(atMs: number, months: number): number {
  const day = Math.floor(atMs / DAY_MS);
  const timeOfDay = atMs - day * DAY_MS;
  return (mustDay(addMonths(dateOfDay(day), months)) as number) * DAY_MS + timeOfDay;
}

export function isoInstant(atMs: number): string {
  return new Date(atMs).toISOString();
}

/** Milliseconds of an ISO instant with a zone (`2025-01-01T10:00:00Z`), or undefined. */
export function parseInstant(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const ms = new Date(text).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
