import { Temporal } from "temporal-polyfill";
import { type ParsedRule, parseRule, type RecurrenceFrom } from "../../shared/recurrence.js";
import { buildRuleSet, nextInRuleSet } from "./rule-set.js";
import { searchHorizon } from "./search-horizon.js";
import { fromWallClock, toWallClock } from "./wall-clock.js";

export interface NextOccurrenceInput {
  /** The normalized RRULE (tasks.recurrence_rule). */
  rule: string;
  from: RecurrenceFrom;
  /** The owner's IANA time zone: the rule's dates and times of day are on its clock. */
  timeZone: string;
  /** The series' DTSTART (tasks.series_start); used when `from` is "due". */
  seriesStart: Date;
  dueAt: Date;
  /** When the task was completed; used when `from` is "completion". */
  completedAt: Date;
  /** This task's place in its series, 1 for the first (tasks.occurrence). */
  occurrence: number;
}

/**
 * How far before `after`'s wall-clock time the search begins. An occurrence at a wall-clock
 * time earlier than `after`'s can still be the later instant when the offset changes between
 * them (a time in a spring-forward gap is read an hour later); no zone's offset has ever moved
 * by more than a day at once.
 */
const LOOK_BACK = { days: 2 } as const;
/** Occurrences at most one a day, so the look-back holds at most three that are not after it. */
const MAX_CANDIDATES = 8;

/** The first occurrence of `rule`, with DTSTART at the wall-clock `start`, strictly after `after`. */
function firstOccurrenceAfter(
  rule: ParsedRule,
  start: Temporal.PlainDateTime,
  after: Date,
  timeZone: string,
): { wallClock: Temporal.PlainDateTime; at: Date } | null {
  const afterWallClock = toWallClock(after, timeZone);
  const horizon = searchHorizon(rule.freq, rule.interval, afterWallClock);
  const ruleSet = buildRuleSet(rule, start, horizon);
  let cursor = afterWallClock.subtract(LOOK_BACK);
  for (let i = 0; i < MAX_CANDIDATES; i++) {
    const wallClock = nextInRuleSet(ruleSet, cursor, horizon);
    if (wallClock === null) return null;
    const at = fromWallClock(wallClock, timeZone);
    if (at.getTime() > after.getTime()) return { wallClock, at };
    cursor = wallClock;
  }
  return null;
}

/** UNTIL is inclusive: a UTC date-time bounds the instant, a date bounds the owner's local date. */
function isWithinUntil(until: string | undefined, wallClock: Temporal.PlainDateTime, at: Date): boolean {
  if (until === undefined) return true;
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z)?$/.exec(until);
  if (!m) throw new Error(`UNTIL=${until} is not in the form parseRule accepts`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (m[4] === undefined) {
    return Temporal.PlainDate.compare(wallClock.toPlainDate(), { year, month, day }) <= 0;
  }
  return at.getTime() <= Date.UTC(year, month - 1, day, Number(m[4]), Number(m[5]), Number(m[6]));
}

/**
 * The due time of the occurrence after this task in its series, or null when COUNT or UNTIL has
 * ended the series (or nothing falls within the search horizon, see search-horizon.ts).
 *
 * - from "due": the rule's first occurrence, DTSTART = seriesStart, strictly after dueAt.
 * - from "completion": DTSTART is the anchor, the local date of completedAt at the local time of
 *   day of dueAt; the answer is the rule's first occurrence strictly after the anchor.
 *
 * Occurrences keep DTSTART's wall-clock time of day across daylight-saving changes; for a time
 * the clock skips or shows twice, see fromWallClock. Pure and bounded: no I/O, at most a few
 * milliseconds even for a rule whose dates never come.
 *
 * @example
 *   nextOccurrence({
 *     rule: "FREQ=MONTHLY;BYMONTHDAY=31", from: "due", timeZone: "Europe/Berlin", occurrence: 1,
 *     seriesStart: new Date("2026-01-31T08:00:00Z"), dueAt: new Date("2026-01-31T08:00:00Z"),
 *     completedAt: new Date("2026-01-31T10:00:00Z"),
 *   })?.toISOString(); // "2026-02-28T08:00:00.000Z" (09:00 in Berlin on February's last day)
 */
export function nextOccurrence(input: NextOccurrenceInput): Date | null {
  const parsed = parseRule(input.rule);
  if (!parsed.ok) throw new Error(`The stored recurrence rule is not valid: ${parsed.message}`);
  const rule = parsed.rule;
  if (rule.count !== undefined && input.occurrence >= rule.count) return null;

  let start: Temporal.PlainDateTime;
  let after: Date;
  if (input.from === "due") {
    start = toWallClock(input.seriesStart, input.timeZone);
    after = input.dueAt;
  } else {
    const completionDate = toWallClock(input.completedAt, input.timeZone).toPlainDate();
    start = completionDate.toPlainDateTime(toWallClock(input.dueAt, input.timeZone).toPlainTime());
    after = fromWallClock(start, input.timeZone);
  }

  const next = firstOccurrenceAfter(rule, start, after, input.timeZone);
  if (next === null || !isWithinUntil(rule.until, next.wallClock, next.at)) return null;
  return next.at;
}
