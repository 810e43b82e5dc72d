import { Temporal } from "temporal-polyfill";
import { type ParsedRule, weekdays } from "../../src/shared/recurrence.js";

/**
 * An independent statement of what a recurrence rule means, for the property tests of
 * src/server/recurrence: instead of generating dates as the engine does (rrule-temporal, rules
 * rewritten for the month-end clamp, on a floating clock), it walks the calendar one day at a
 * time and asks of each date whether the rule, read by its definition in RFC 5545 and the
 * contract, contains it. Slow and obvious on purpose.
 */

/** Temporal numbers weekdays 1 (Monday) to 7 (Sunday); `weekdays` lists MO..SU. */
function weekdayNumber(day: (typeof weekdays)[number]): number {
  return weekdays.indexOf(day) + 1;
}

/** Days since 1970-01-01: plain arithmetic on day numbers, cheaper than Temporal's `until`. */
function dayNumber(date: Temporal.PlainDate): number {
  return Date.UTC(date.year, date.month - 1, date.day) / 86_400_000;
}

/** The date's position in its period counted from DTSTART's: days, weeks (from Monday), months or years. */
function periodIndex(freq: ParsedRule["freq"], start: Temporal.PlainDate, date: Temporal.PlainDate): number {
  switch (freq) {
    case "DAILY":
      return dayNumber(date) - dayNumber(start);
    case "WEEKLY": {
      const mondayOf = (d: Temporal.PlainDate) => dayNumber(d) - (d.dayOfWeek - 1);
      return (mondayOf(date) - mondayOf(start)) / 7;
    }
    case "MONTHLY":
      return (date.year - start.year) * 12 + (date.month - start.month);
    case "YEARLY":
      return date.year - start.year;
  }
}

/** The day-of-month and month lists after DTSTART fills in what the rule leaves out (the contract). */
function effectiveDays(rule: ParsedRule, start: Temporal.PlainDate): { byMonth: number[]; byMonthDay: number[] } {
  const noDays = rule.byMonthDay.length === 0 && rule.byDay.length === 0;
  if (rule.freq === "MONTHLY" && noDays) return { byMonth: rule.byMonth, byMonthDay: [start.day] };
  if (rule.freq === "YEARLY" && noDays) {
    return { byMonth: rule.byMonth.length > 0 ? rule.byMonth : [start.month], byMonthDay: [start.day] };
  }
  return { byMonth: rule.byMonth, byMonthDay: rule.byMonthDay };
}

/** BYMONTHDAY: a positive day past the month's end is its last day; a negative one counts back from the end. */
function matchesMonthDay(date: Temporal.PlainDate, day: number): boolean {
  if (day > 0) return date.day === Math.min(day, date.daysInMonth);
  return date.day === date.daysInMonth + day + 1;
}

/** BYDAY: the weekday, and for an ordinal the n-th (from the end when negative) in the month or year. */
function matchesWeekday(date: Temporal.PlainDate, entry: ParsedRule["byDay"][number], withinMonth: boolean): boolean {
  if (date.dayOfWeek !== weekdayNumber(entry.day)) return false;
  if (entry.ordinal === undefined) return true;
  const position = withinMonth ? date.day : date.dayOfYear;
  const length = withinMonth ? date.daysInMonth : date.daysInYear;
  const nth = entry.ordinal > 0 ? Math.ceil(position / 7) : -Math.ceil((length - position + 1) / 7);
  return nth === entry.ordinal;
}

/** Whether the date is one of the rule's dates, with DTSTART on `start` (COUNT and UNTIL aside). */
export function ruleContainsDate(rule: ParsedRule, start: Temporal.PlainDate, date: Temporal.PlainDate): boolean {
  if (Temporal.PlainDate.compare(date, start) < 0) return false;
  const { byMonth, byMonthDay } = effectiveDays(rule, start);
  if (byMonth.length > 0 && !byMonth.includes(date.month)) return false;
  if (byMonthDay.length > 0 && !byMonthDay.some((day) => matchesMonthDay(date, day))) return false;
  const byDay =
    rule.freq === "WEEKLY" && rule.byDay.length === 0 ? [{ day: weekdays[start.dayOfWeek - 1] ?? "MO" }] : rule.byDay;
  // An ordinal counts within the month in a MONTHLY rule, and in a YEARLY one that names months.
  const withinMonth = rule.freq === "MONTHLY" || byMonth.length > 0;
  if (byDay.length > 0 && !byDay.some((entry) => matchesWeekday(date, entry, withinMonth))) return false;
  return periodIndex(rule.freq, start, date) % rule.interval === 0;
}

/** The instant a date at DTSTART's time of day is in the zone: a skipped time moves on, a doubled one is the first. */
export function occurrenceInstant(date: Temporal.PlainDate, time: Temporal.PlainTime, timeZone: string): Date {
  const zoned = date.toPlainDateTime(time).toZonedDateTime(timeZone, { disambiguation: "compatible" });
  return new Date(zoned.epochMilliseconds);
}

export interface OracleWalk {
  rule: ParsedRule;
  /** DTSTART on the owner's wall clock. */
  start: Temporal.PlainDateTime;
  timeZone: string;
  /** Occurrences strictly after this instant are listed. */
  after: Date;
  /** How many to list at most. */
  limit: number;
  /** The last local date the walk looks at. */
  lastDate: Temporal.PlainDate;
}

/**
 * The rule's occurrences strictly after `after`, in order, at most `limit` of them and none on a
 * local date past `lastDate` (COUNT and UNTIL are the caller's to apply).
 */
export function oracleOccurrences(walk: OracleWalk): Date[] {
  const found: Date[] = [];
  const time = walk.start.toPlainTime();
  const startDate = walk.start.toPlainDate();
  const afterDate = Temporal.Instant.fromEpochMilliseconds(walk.after.getTime())
    .toZonedDateTimeISO(walk.timeZone)
    .toPlainDate();
  // A date before `after`'s own can still hold a later instant when the offset moves a day.
  let date = afterDate.subtract({ days: 2 });
  if (Temporal.PlainDate.compare(date, startDate) < 0) date = startDate;
  const { byMonth } = effectiveDays(walk.rule, startDate);
  while (found.length < walk.limit && Temporal.PlainDate.compare(date, walk.lastDate) <= 0) {
    if (byMonth.length > 0 && !byMonth.includes(date.month)) {
      // No day of a month the rule leaves out can match: on to the next month's first day.
      date = date.with({ day: 1 }).add({ months: 1 });
      continue;
    }
    if (ruleContainsDate(walk.rule, startDate, date)) {
      const at = occurrenceInstant(date, time, walk.timeZone);
      if (at.getTime() > walk.after.getTime()) found.push(at);
    }
    date = date.add({ days: 1 });
  }
  return found;
}
