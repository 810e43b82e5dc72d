import { RRuleTemporal } from "rrule-temporal";
import { Temporal } from "temporal-polyfill";
import type { ParsedRule } from "../../shared/recurrence.js";
import type { SearchHorizon } from "./search-horizon.js";

/**
 * A rule of the contract as rrule-temporal rules whose occurrences, merged, are the contract's.
 *
 * The rules run on the wall clock alone: DTSTART is the local date and time read as if in UTC, so
 * the library never meets a daylight-saving change, and the caller places each wall-clock result
 * in the owner's zone. RFC 5545 drops an occurrence whose local time falls in a DST gap, and
 * rrule-temporal does (a daily 02:30 task would skip the spring-forward day); the contract keeps
 * the task at its wall-clock time instead, so the zone is applied afterwards (see wall-clock.ts).
 *
 * Two differences from RFC 5545 are written into the rules here:
 * - BYMONTHDAY=d past a month's end means that month's last day (RFC 5545 skips the month). The
 *   rule keeps BYMONTHDAY=d, which the library evaluates as the RFC says, and a second rule adds
 *   BYMONTHDAY=-1 in the months shorter than some such d (the 31st: February, April, June,
 *   September, November). BYMONTHDAY cannot be combined with BYDAY (parseRule refuses it), so no
 *   weekday or ordinal is changed by the added BYMONTH. A negative day past the month's start
 *   (-31 in April) is skipped, as RFC 5545 says: the contract clamps only days past the end.
 * - A MONTHLY rule with neither BYMONTHDAY nor BYDAY, and a YEARLY one with none of BYMONTH,
 *   BYMONTHDAY, BYDAY (or only BYMONTH), repeat on DTSTART's day (and month); the RFC implies the
 *   same, but the day is written out here so that it clamps like an explicit one (Jan 31 monthly
 *   → Feb 28; Feb 29 yearly → Feb 28 in other years).
 */
export type RuleSet = readonly RRuleTemporal[];

const FLOATING_ZONE = "UTC";

/** The months with fewer than `day` days (in some year): the ones a BYMONTHDAY=day clamps in. */
function monthsShorterThan(day: number): number[] {
  if (day > 30) return [2, 4, 6, 9, 11];
  if (day > 28) return [2];
  return [];
}

interface CalendarParts {
  byMonth: number[];
  byMonthDay: number[];
}

/** The BYMONTH and BYMONTHDAY a rule has once DTSTART's day (and month) fill in what it leaves out. */
function calendarParts(rule: ParsedRule, start: Temporal.PlainDate): CalendarParts {
  const noDays = rule.byMonthDay.length === 0 && rule.byDay.length === 0;
  if (rule.freq === "MONTHLY" && noDays) return { byMonth: rule.byMonth, byMonthDay: [start.day] };
  if (rule.freq === "YEARLY" && noDays) {
    return { byMonth: rule.byMonth.length > 0 ? rule.byMonth : [start.month], byMonthDay: [start.day] };
  }
  return { byMonth: rule.byMonth, byMonthDay: rule.byMonthDay };
}

/** The months in which the last day stands in for a BYMONTHDAY past the month's end. */
function clampMonths({ byMonth, byMonthDay }: CalendarParts): number[] {
  const short = new Set(byMonthDay.flatMap(monthsShorterThan));
  const months = byMonth.length > 0 ? byMonth : [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  return months.filter((month) => short.has(month));
}

/**
 * The library rules for `rule` with DTSTART at the wall-clock `start`. COUNT and UNTIL are left
 * out: the caller enforces them (COUNT through the task's occurrence number, UNTIL on the
 * zoned result), since neither means the same once DTSTART moves to a completion date.
 */
export function buildRuleSet(rule: ParsedRule, start: Temporal.PlainDateTime, horizon: SearchHorizon): RuleSet {
  const parts = calendarParts(rule, start.toPlainDate());
  const common = {
    freq: rule.freq,
    interval: rule.interval,
    dtstart: start.toZonedDateTime(FLOATING_ZONE),
    maxIterations: horizon.maxIterations,
    cache: false,
    temporal: Temporal,
  };
  const main = new RRuleTemporal({
    ...common,
    ...(rule.byDay.length > 0 ? { byDay: rule.byDay.map((d) => `${d.ordinal ?? ""}${d.day}`) } : {}),
    ...(parts.byMonth.length > 0 ? { byMonth: parts.byMonth } : {}),
    ...(parts.byMonthDay.length > 0 ? { byMonthDay: parts.byMonthDay } : {}),
  });
  const lastDayMonths = clampMonths(parts);
  if (lastDayMonths.length === 0) return [main];
  return [main, new RRuleTemporal({ ...common, byMonth: lastDayMonths, byMonthDay: [-1] })];
}

/** rrule-temporal's only way to say that its iteration cap ran out before an occurrence came. */
function isIterationCapError(error: unknown): boolean {
  return error instanceof Error && /^Maximum iterations \(\d+\) exceeded/.test(error.message);
}

/**
 * The first occurrence of the set strictly after the wall-clock `after` and no later than the
 * horizon's end, or null. The set's rules may yield the same date (the 29th in a leap February,
 * from both rules): the earliest wins, so duplicates collapse.
 */
export function nextInRuleSet(
  set: RuleSet,
  after: Temporal.PlainDateTime,
  horizon: SearchHorizon,
): Temporal.PlainDateTime | null {
  let earliest: Temporal.PlainDateTime | null = null;
  for (const rule of set) {
    let found: Temporal.ZonedDateTime | null;
    try {
      found = rule.next(after.toZonedDateTime(FLOATING_ZONE));
    } catch (error) {
      if (!isIterationCapError(error)) throw error;
      found = null;
    }
    const wallClock = found?.toPlainDateTime() ?? null;
    if (wallClock === null || Temporal.PlainDateTime.compare(wallClock, horizon.end) > 0) continue;
    if (earliest === null || Temporal.PlainDateTime.compare(wallClock, earliest) < 0) earliest = wallClock;
  }
  return earliest;
}
