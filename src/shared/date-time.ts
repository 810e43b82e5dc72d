const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * The years a date-time may fall in, once converted to UTC. Above 9999 there is no four-digit
 * form to answer with (and PostgreSQL refuses `+010000-…`); at the low end PostgreSQL refuses
 * year 0 and the database drivers misread years under 100 (`0001-03-04` comes back as 2004).
 * No task is due before the year 1000, so that is the floor: every accepted year is plain.
 */
export const MIN_YEAR = 1000;
export const MAX_YEAR = 9999;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Parses an ISO 8601 date-time with a time zone (`Z` or an offset) into a UTC Date, or returns
 * null. A date that is not on the calendar (`2030-02-30`) is refused, never rolled over, and a
 * time without a zone is refused as ambiguous, and so is a time outside the years MIN_YEAR to
 * MAX_YEAR in UTC. Precision beyond milliseconds is cut.
 *
 * @example
 *   parseDateTime("2026-01-02T05:04:05+02:00")?.toISOString(); // "2026-01-02T03:04:05.000Z"
 *   parseDateTime("2030-02-30T00:00:00Z"); // null
 */
export function parseDateTime(value: string): Date | null {
  const m = ISO_DATE_TIME.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s = "0", frac = "0", zone = "Z"] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (zone.toUpperCase() !== "Z") {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (zone.startsWith("-") ? -1 : 1) * (oh * 60 + om);
  }
  const millis = Number(frac.padEnd(3, "0").slice(0, 3));
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute - offsetMinutes, second, millis);
  const utcYear = utc.getUTCFullYear();
  return utcYear >= MIN_YEAR && utcYear <= MAX_YEAR ? utc : null;
}
