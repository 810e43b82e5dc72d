import { Temporal } from "temporal-polyfill";
import { MAX_YEAR } from "../../shared/date-time.js";
import type { Frequency } from "../../shared/recurrence.js";

/** How far past its starting point the search for a next occurrence looks, in years. */
export const HORIZON_YEARS = 100;
/**
 * How many of the rule's periods (INTERVAL days, weeks, months or years) it looks at, at most. A
 * rule whose dates never come (FREQ=DAILY;INTERVAL=7;BYDAY=TU from a Monday) costs one step of
 * the library per period, about 3 µs; this keeps such a rule to a few milliseconds of the event
 * loop. Every other rule of the subset recurs well within it: the sparsest daily one, Feb 29,
 * recurs within 8 years (5,000 days is 13).
 */
export const HORIZON_PERIODS = 5000;

const unitOf: Record<Frequency, "days" | "weeks" | "months" | "years"> = {
  DAILY: "days",
  WEEKLY: "weeks",
  MONTHLY: "months",
  YEARLY: "years",
};

/** At least as many units as HORIZON_YEARS hold, whatever the years. */
const unitsInHorizonYears = {
  days: HORIZON_YEARS * 366,
  weeks: HORIZON_YEARS * 53,
  months: HORIZON_YEARS * 12,
  years: HORIZON_YEARS,
};

const lastWallClock = Temporal.PlainDateTime.from({ year: MAX_YEAR, month: 12, day: 31 }).with({
  hour: 23,
  minute: 59,
  second: 59,
  millisecond: 999,
});

export interface SearchHorizon {
  /** The last wall-clock time an occurrence may have; past it the search answers null. */
  end: Temporal.PlainDateTime;
  /**
   * The library's iteration cap: enough periods to reach `end`, with room for the search's two
   * days of look-back and for the library aligning its start to a period boundary.
   */
  maxIterations: number;
}

/**
 * Where the search for an occurrence after `from` stops: HORIZON_YEARS or HORIZON_PERIODS
 * periods later, whichever is sooner, and never past the last year a task can be due in.
 */
export function searchHorizon(freq: Frequency, interval: number, from: Temporal.PlainDateTime): SearchHorizon {
  const unit = unitOf[freq];
  let end = from.add({ years: HORIZON_YEARS });
  // Compared before adding: 5,000 periods of 1,000 years would leave Temporal's range.
  if (HORIZON_PERIODS * interval <= unitsInHorizonYears[unit]) {
    const byPeriods = from.add({ [unit]: HORIZON_PERIODS * interval });
    if (Temporal.PlainDateTime.compare(byPeriods, end) < 0) end = byPeriods;
  }
  if (Temporal.PlainDateTime.compare(end, lastWallClock) > 0) end = lastWallClock;
  const periodsToEnd = Math.ceil(from.until(end, { largestUnit: unit })[unit] / interval);
  return { end, maxIterations: Math.max(0, periodsToEnd) + 8 };
}
