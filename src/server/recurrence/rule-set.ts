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
 * Two differences from RFC 5545 are written into the rules here (and two library bugs worked
 * around, see weekdayGroups):
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
export type RuleSet = readonly MemberRule[];

interface MemberRule {
  rule: RRuleTemporal;
  /** A check on each date the library yields, where it yields some the rule does not contain. */
  accepts?: (date: Temporal.PlainDate) => boolean;
}

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
  const calendar = {
    ...(parts.byMonth.length > 0 ? { byMonth: parts.byMonth } : {}),
    ...(parts.byMonthDay.length > 0 ? { byMonthDay: parts.byMonthDay } : {}),
  };
  const members: MemberRule[] = weekdayGroups(rule, parts.byMonth).map(({ byDay, accepts }) => ({
    rule: new RRuleTemporal({ ...common, ...calendar, ...(byDay.length > 0 ? { byDay } : {}) }),
    ...(accepts ? { accepts } : {}),
  }));
  const lastDayMonths = clampMonths(parts);
  if (lastDayMonths.length > 0) {
    members.push({ rule: new RRuleTemporal({ ...common, byMonth: lastDayMonths, byMonthDay: [-1] }) });
  }
  return members;
}

interface WeekdayGroup {
  byDay: string[];
  accepts?: (date: Temporal.PlainDate) => boolean;
}

/**
 * BYDAY as the library is given it, split where rrule-temporal 2.2.8 gets a YEARLY rule without
 * BYMONTH wrong. BYDAY's entries are alternatives, and no BYMONTHDAY or BYSETPOS narrows them
 * (parseRule refuses both with BYDAY), so the union of the groups' rules is the rule.
 * - Weekdays with and without an ordinal go in separate rules: mixed, the library drops the plain
 *   ones (BYDAY=MO,1MO yields only each year's first Monday).
 * - The 53rd (or -53rd) weekday of a year it computes as the first (last) plus 52 weeks even in a
 *   year with 52 of them, yielding a date in the next (previous) year. A 53rd weekday falls on the
 *   year's day 365 or 366, a -53rd on its day 1 or 2, so each ±53 goes in a rule of its own that
 *   keeps only those dates. (With BYMONTH the ordinals count within a month and are right.)
 */
function weekdayGroups(rule: ParsedRule, byMonth: number[]): WeekdayGroup[] {
  const text = (d: ParsedRule["byDay"][number]) => `${d.ordinal ?? ""}${d.day}`;
  const countsInYear = rule.freq === "YEARLY" && byMonth.length === 0;
  const isYearEdge = (d: ParsedRule["byDay"][number]) => countsInYear && Math.abs(d.ordinal ?? 0) === 53;
  const plain = rule.byDay.filter((d) => d.ordinal === undefined).map(text);
  const ordinal = rule.byDay.filter((d) => d.ordinal !== undefined && !isYearEdge(d)).map(text);
  const groups: WeekdayGroup[] = [plain, ordinal].filter((days) => days.length > 0).map((byDay) => ({ byDay }));
  for (const edge of rule.byDay.filter(isYearEdge)) {
    const accepts =
      (edge.ordinal ?? 0) > 0
        ? (date: Temporal.PlainDate) => date.dayOfYear >= 365
        : (date: Temporal.PlainDate) => date.dayOfYear <= 2;
    groups.push({ byDay: [text(edge)], accepts });
  }
  return groups.length > 0 ? groups : [{ byDay: [] }];
}

/** rrule-temporal's only way to say that its iteration cap ran out before an occurrence came. */
function isIterationCapError(error: unknown): boolean {
  return error instanceof Error && /^Maximum iterations \(\d+\) exceeded/.test(error.message);
}

/** The library's next date after `after`, or null when none comes within its iteration cap. */
function libraryNext(rule: RRuleTemporal, after: Temporal.PlainDateTime): Temporal.PlainDateTime | null {
  try {
    return rule.next(after.toZonedDateTime(FLOATING_ZONE))?.toPlainDateTime() ?? null;
  } catch (error) {
    if (!isIterationCapError(error)) throw error;
    return null;
  }
}

/**
 * How many dates a member rule's check may turn down in one search. Each date turned down by a
 * ±53rd weekday's check lies in a later year, so the horizon ends the search within about a
 * hundred; this bound only guards against a check that never accepts.
 */
const MAX_TURNED_DOWN = 200;

/** A member rule's first accepted date strictly after `after` and within the horizon, or null. */
function nextOfMember(
  member: MemberRule,
  after: Temporal.PlainDateTime,
  horizon: SearchHorizon,
): Temporal.PlainDateTime | null {
  let cursor = after;
  for (let turnedDown = 0; turnedDown <= MAX_TURNED_DOWN; turnedDown++) {
    const found = libraryNext(member.rule, cursor);
    if (found === null || Temporal.PlainDateTime.compare(found, horizon.end) > 0) return null;
    if (!member.accepts || member.accepts(found.toPlainDate())) return found;
    cursor = found;
  }
  return null;
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
  for (const member of set) {
    const found = nextOfMember(member, after, horizon);
    if (found !== null && (earliest === null || Temporal.PlainDateTime.compare(found, earliest) < 0)) earliest = found;
  }
  return earliest;
}
