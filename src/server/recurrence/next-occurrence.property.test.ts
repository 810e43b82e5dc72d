import fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";
import { fuzzParameters } from "../../../test/helpers/fuzz-settings.js";
import { occurrenceInstant, oracleOccurrences, ruleContainsDate } from "../../../test/helpers/recurrence-oracle.js";
import { formatRule, frequencies, type ParsedRule, parseRule, weekdays } from "../../shared/recurrence.js";
import { nextOccurrence } from "./next-occurrence.js";
import { searchHorizon } from "./search-horizon.js";

/** Zones with each kind of clock: DST in either hemisphere, a 30-minute shift, none at all. */
const zones = ["America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Tokyo", "UTC"] as const;
/** How many occurrences each chain follows. */
const CHAIN = 20;
/** How far the oracle walks, in years: enough for 20 yearly occurrences and a bit. */
const ORACLE_YEARS = 24;

const weekday = fc.constantFrom(...weekdays);

/** BYDAY entries; ordinals in MONTHLY (±1..5) and YEARLY rules (±1..53, the year's edges often). */
function byDayArbitrary(freq: ParsedRule["freq"]): fc.Arbitrary<ParsedRule["byDay"]> {
  const plain = weekday.map((day) => ({ day }));
  if (freq === "DAILY" || freq === "WEEKLY") {
    return fc.uniqueArray(plain, { minLength: 1, maxLength: 5, selector: (d) => d.day });
  }
  const size =
    freq === "MONTHLY"
      ? fc.integer({ min: 1, max: 5 })
      : fc.oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 53 }), fc.constantFrom(52, 53));
  const ordinal = fc.tuple(size, fc.boolean()).map(([n, fromEnd]) => (fromEnd ? -n : n));
  const ordered = fc.record({ day: weekday, ordinal });
  return fc.uniqueArray(fc.oneof(plain, ordered), {
    minLength: 1,
    maxLength: 3,
    selector: (d) => `${"ordinal" in d ? d.ordinal : 0}${d.day}`,
  });
}

/** Days of the month, with the month's end (28 to 31, -1) often among them. */
const byMonthDayArbitrary = fc.uniqueArray(
  fc.oneof(
    fc.integer({ min: 1, max: 31 }),
    fc.integer({ min: 28, max: 31 }),
    fc.integer({ min: -31, max: -1 }),
    fc.constant(-1),
  ),
  { minLength: 1, maxLength: 3 },
);

/** Any rule of the contract's subset, COUNT and UNTIL aside, as parseRule reads its normalized text. */
const ruleArbitrary: fc.Arbitrary<ParsedRule> = fc
  .record({
    freq: fc.constantFrom(...frequencies),
    interval: fc.oneof(
      { weight: 6, arbitrary: fc.constant(1) },
      { weight: 3, arbitrary: fc.integer({ min: 2, max: 4 }) },
      { weight: 1, arbitrary: fc.integer({ min: 5, max: 13 }) },
    ),
    byMonth: fc.oneof(
      { weight: 3, arbitrary: fc.constant<number[]>([]) },
      { weight: 1, arbitrary: fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 4 }) },
    ),
    days: fc.constantFrom("none", "byDay", "byMonthDay"),
  })
  .chain(({ freq, interval, byMonth, days }) => {
    const monthly = freq === "MONTHLY" || freq === "YEARLY";
    const byDay: fc.Arbitrary<ParsedRule["byDay"]> = days === "byDay" ? byDayArbitrary(freq) : fc.constant([]);
    const byMonthDay: fc.Arbitrary<number[]> = days === "byMonthDay" && monthly ? byMonthDayArbitrary : fc.constant([]);
    return fc
      .record({ byDay, byMonthDay })
      .map(({ byDay, byMonthDay }) => normalize({ freq, interval, byMonth, byDay, byMonthDay }));
  });

/** The rule as the product stores it: its normalized text, read back. */
function normalize(rule: ParsedRule): ParsedRule {
  const parsed = parseRule(formatRule(rule));
  if (!parsed.ok)
    throw new Error(`the generator wrote a rule parseRule refuses: ${formatRule(rule)} (${parsed.message})`);
  return parsed.rule;
}

/** A local date: anywhere in 2000–2040, or a few days around one of the zone's DST changes, or a month's end. */
function dateArbitrary(timeZone: string): fc.Arbitrary<Temporal.PlainDate> {
  const epoch = Temporal.PlainDate.from("2000-01-01");
  const anyDate = fc.integer({ min: 0, max: 41 * 365 }).map((days) => epoch.add({ days }));
  const nearChange = fc.tuple(anyDate, fc.integer({ min: -2, max: 2 })).map(([date, shift]) => {
    const change = date.toZonedDateTime({ timeZone }).getTimeZoneTransition("next");
    return (change ? change.toPlainDate() : date).add({ days: shift });
  });
  const nearMonthEnd = fc
    .tuple(anyDate, fc.integer({ min: 0, max: 3 }))
    .map(([date, back]) => date.with({ day: date.daysInMonth }).subtract({ days: back }));
  return fc.oneof(anyDate, nearChange, nearMonthEnd);
}

/** A time of day: often one a DST change skips or repeats somewhere (02:30, 01:30, Lord Howe's 02:15, 01:45). */
const timeArbitrary = fc.oneof(
  fc.constantFrom("02:30", "01:30", "02:15", "01:45", "00:00", "09:00", "23:30").map((t) => Temporal.PlainTime.from(t)),
  fc
    .record({ hour: fc.integer({ min: 0, max: 23 }), minute: fc.integer({ min: 0, max: 59 }) })
    .map((t) => Temporal.PlainTime.from(t)),
);

const startArbitrary = fc
  .constantFrom(...zones)
  .chain((timeZone) =>
    fc.record({ timeZone: fc.constant(timeZone), date: dateArbitrary(timeZone), time: timeArbitrary }),
  );

function wallClockOf(at: Date, timeZone: string): Temporal.PlainDateTime {
  return Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(timeZone).toPlainDateTime();
}

function shown(at: Date | null | undefined, timeZone: string): string {
  if (!at) return String(at);
  return Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(timeZone).toString();
}

/** Whether the zone's clock shows this local time on this date (not inside a spring-forward gap). */
function clockShows(date: Temporal.PlainDate, time: Temporal.PlainTime, timeZone: string): boolean {
  try {
    date.toPlainDateTime(time).toZonedDateTime(timeZone, { disambiguation: "reject" });
    return true;
  } catch {
    return false;
  }
}

/** The UNTIL bound, inclusive: a UTC instant, or the owner's local date. */
type Until = { kind: "instant"; at: Date } | { kind: "date"; date: Temporal.PlainDate };

function untilText(until: Until): string {
  if (until.kind === "date") return until.date.toString().replaceAll("-", "");
  return `${until.at.toISOString().slice(0, 19).replaceAll("-", "").replaceAll(":", "")}Z`;
}

function isWithinUntil(until: Until | undefined, at: Date, timeZone: string): boolean {
  if (until === undefined) return true;
  if (until.kind === "instant") return at.getTime() <= until.at.getTime();
  return Temporal.PlainDate.compare(wallClockOf(at, timeZone).toPlainDate(), until.date) <= 0;
}

/**
 * Follows a series the way completing each task on time does, from its first task at `start`,
 * and checks each next due time against the oracle's list of the rule's occurrences.
 */
function checkChain(rule: ParsedRule, firstDue: Temporal.PlainDateTime, timeZone: string, until?: Until): void {
  const seriesStart = occurrenceInstant(firstDue.toPlainDate(), firstDue.toPlainTime(), timeZone);
  // The series keeps the time its start is stored at: 02:30 on a spring-forward day is 03:30.
  const start = wallClockOf(seriesStart, timeZone);
  const stored = formatRule({ ...rule, ...(until ? { until: untilText(until) } : {}) });
  const walkEnd = start.toPlainDate().add({ years: ORACLE_YEARS });
  const expected = oracleOccurrences({ rule, start, timeZone, after: seriesStart, limit: CHAIN, lastDate: walkEnd });
  let dueAt = seriesStart;
  for (let occurrence = 1; occurrence <= CHAIN; occurrence++) {
    const context = `${stored} from ${start} in ${timeZone}, occurrence ${occurrence} after ${shown(dueAt, timeZone)}`;
    const actual = nextOccurrence({
      rule: stored,
      from: "due",
      timeZone,
      seriesStart,
      dueAt,
      completedAt: dueAt,
      occurrence,
    });
    const want = expected[occurrence - 1];
    const horizonEnd = searchHorizon(rule.freq, rule.interval, wallClockOf(dueAt, timeZone)).end;
    if (rule.count !== undefined && occurrence >= rule.count) {
      expect(actual, context).toBeNull();
      return;
    }
    if (want === undefined) {
      // The oracle walked ORACLE_YEARS without finding it: the engine may only answer past that.
      if (actual !== null) {
        const local = wallClockOf(actual, timeZone).toPlainDate();
        expect(Temporal.PlainDate.compare(local, walkEnd), context).toBeGreaterThan(0);
      }
      return;
    }
    const pastHorizon = Temporal.PlainDateTime.compare(wallClockOf(want, timeZone), horizonEnd) > 0;
    if (pastHorizon || !isWithinUntil(until, want, timeZone)) {
      expect(actual, context).toBeNull();
      return;
    }
    expect(shown(actual, timeZone), context).toBe(shown(want, timeZone));
    if (actual === null) return;
    expect(actual.getTime(), context).toBeGreaterThan(dueAt.getTime());
    const local = wallClockOf(actual, timeZone);
    if (clockShows(local.toPlainDate(), start.toPlainTime(), timeZone)) {
      expect(local.toPlainTime().toString(), context).toBe(start.toPlainTime().toString());
    }
    dueAt = actual;
  }
}

describe("the recurrence oracle", () => {
  const on = (rule: string, start: string, date: string) => {
    const parsed = parseRule(rule);
    if (!parsed.ok) throw new Error(parsed.message);
    return ruleContainsDate(parsed.rule, Temporal.PlainDate.from(start), Temporal.PlainDate.from(date));
  };

  it("reads each part of a rule by its definition", () => {
    expect(on("FREQ=MONTHLY;BYMONTHDAY=31", "2026-01-31", "2026-02-28")).toBe(true);
    expect(on("FREQ=MONTHLY;BYMONTHDAY=31", "2026-01-31", "2026-02-27")).toBe(false);
    expect(on("FREQ=MONTHLY", "2026-01-30", "2026-02-28")).toBe(true);
    expect(on("FREQ=MONTHLY;BYMONTHDAY=-31", "2026-01-01", "2026-04-01")).toBe(false);
    expect(on("FREQ=MONTHLY;BYDAY=2TU", "2026-01-01", "2026-02-10")).toBe(true);
    expect(on("FREQ=MONTHLY;BYDAY=-1FR", "2026-01-01", "2026-02-27")).toBe(true);
    expect(on("FREQ=MONTHLY;BYDAY=-1FR", "2026-01-01", "2026-02-20")).toBe(false);
    expect(on("FREQ=YEARLY;BYDAY=20MO", "2025-01-01", "2025-05-19")).toBe(true);
    expect(on("FREQ=YEARLY;BYMONTH=2;BYDAY=5MO", "2026-01-01", "2044-02-29")).toBe(true);
    expect(on("FREQ=YEARLY", "2024-02-29", "2025-02-28")).toBe(true);
    // Weeks start on Monday: from a Sunday, the Monday after is already the next week.
    expect(on("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,SU", "2026-01-04", "2026-01-05")).toBe(false);
    expect(on("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,SU", "2026-01-04", "2026-01-12")).toBe(true);
    expect(on("FREQ=DAILY;INTERVAL=3", "2026-02-26", "2026-03-01")).toBe(true);
    expect(on("FREQ=DAILY;INTERVAL=3", "2026-02-26", "2026-03-02")).toBe(false);
  });
});

describe("nextOccurrence against the oracle", () => {
  it("follows a series without skipping, doubling or drifting, for any rule, zone and start", () => {
    fc.assert(
      fc.property(ruleArbitrary, startArbitrary, (rule, { timeZone, date, time }) => {
        checkChain(rule, date.toPlainDateTime(time), timeZone);
      }),
      fuzzParameters(150),
    );
  });

  it("ends the series at COUNT and at an inclusive UNTIL", () => {
    const endArbitrary = fc.oneof(
      fc.record({ count: fc.integer({ min: 1, max: CHAIN }) }),
      fc.record({
        until: fc.constantFrom("local date", "at an occurrence", "just before one"),
        index: fc.integer({ min: 0, max: CHAIN - 1 }),
        days: fc.integer({ min: 0, max: 400 }),
      }),
    );
    fc.assert(
      fc.property(ruleArbitrary, startArbitrary, endArbitrary, (rule, { timeZone, date, time }, end) => {
        const firstDue = date.toPlainDateTime(time);
        if ("count" in end) return checkChain({ ...rule, count: end.count }, firstDue, timeZone);
        // An UNTIL exactly at an occurrence keeps it; one a second earlier does not.
        const after = occurrenceInstant(date, time, timeZone);
        const start = wallClockOf(after, timeZone);
        const lastDate = date.add({ years: ORACLE_YEARS });
        const occurrence = oracleOccurrences({ rule, start, timeZone, after, limit: end.index + 1, lastDate })[
          end.index
        ];
        const until: Until =
          end.until === "local date" || occurrence === undefined
            ? { kind: "date", date: date.add({ days: end.days }) }
            : { kind: "instant", at: new Date(occurrence.getTime() - (end.until === "just before one" ? 1000 : 0)) };
        checkChain(rule, firstDue, timeZone, until);
      }),
      fuzzParameters(100),
    );
  });

  it("finds the next date of a series that started decades before the task", () => {
    const yearsBefore = fc.integer({ min: 1, max: 60 });
    fc.assert(
      fc.property(ruleArbitrary, startArbitrary, yearsBefore, (rule, { timeZone, date, time }, years) => {
        const stored = formatRule(rule);
        const dueAt = occurrenceInstant(date, time, timeZone);
        const seriesStart = occurrenceInstant(date.subtract({ years }), time, timeZone);
        const start = wallClockOf(seriesStart, timeZone);
        const lastDate = date.add({ years: ORACLE_YEARS });
        const [want] = oracleOccurrences({ rule, start, timeZone, after: dueAt, limit: 1, lastDate });
        const horizonEnd = searchHorizon(rule.freq, rule.interval, wallClockOf(dueAt, timeZone)).end;
        const context = `${stored} from ${start} in ${timeZone}, after ${shown(dueAt, timeZone)}`;
        const actual = nextOccurrence({
          rule: stored,
          from: "due",
          timeZone,
          seriesStart,
          dueAt,
          completedAt: dueAt,
          occurrence: 2,
        });
        if (want === undefined) {
          if (actual !== null) {
            const local = wallClockOf(actual, timeZone).toPlainDate();
            expect(Temporal.PlainDate.compare(local, lastDate), context).toBeGreaterThan(0);
          }
          return;
        }
        const pastHorizon = Temporal.PlainDateTime.compare(wallClockOf(want, timeZone), horizonEnd) > 0;
        expect(shown(actual, timeZone), context).toBe(pastHorizon ? "null" : shown(want, timeZone));
      }),
      fuzzParameters(150),
    );
  });

  it("counts from the completion's local date at the due time of day", () => {
    fc.assert(
      fc.property(
        ruleArbitrary,
        startArbitrary,
        fc.integer({ min: -3 * 24 * 60, max: 60 * 24 * 60 }),
        (rule, { timeZone, date, time }, completedAfterMinutes) => {
          const stored = formatRule(rule);
          const dueAt = occurrenceInstant(date, time, timeZone);
          const completedAt = new Date(dueAt.getTime() + completedAfterMinutes * 60_000);
          const completionDate = wallClockOf(completedAt, timeZone).toPlainDate();
          const dueTime = wallClockOf(dueAt, timeZone).toPlainTime();
          const anchor = completionDate.toPlainDateTime(dueTime);
          const anchorAt = occurrenceInstant(completionDate, dueTime, timeZone);
          const horizonEnd = searchHorizon(rule.freq, rule.interval, wallClockOf(anchorAt, timeZone)).end;
          const lastDate = completionDate.add({ years: ORACLE_YEARS });
          const [want] = oracleOccurrences({ rule, start: anchor, timeZone, after: anchorAt, limit: 1, lastDate });
          const context = `${stored} due ${shown(dueAt, timeZone)}, completed ${shown(completedAt, timeZone)}`;
          const actual = nextOccurrence({
            rule: stored,
            from: "completion",
            timeZone,
            seriesStart: dueAt,
            dueAt,
            completedAt,
            occurrence: 1,
          });
          if (want === undefined) {
            if (actual !== null)
              expect(
                Temporal.PlainDate.compare(wallClockOf(actual, timeZone).toPlainDate(), lastDate),
                context,
              ).toBeGreaterThan(0);
            return;
          }
          if (Temporal.PlainDateTime.compare(wallClockOf(want, timeZone), horizonEnd) > 0) {
            expect(actual, context).toBeNull();
            return;
          }
          expect(shown(actual, timeZone), context).toBe(shown(want, timeZone));
          if (actual === null) return;
          const local = wallClockOf(actual, timeZone);
          expect(Temporal.PlainDate.compare(local.toPlainDate(), completionDate), context).toBeGreaterThan(0);
          if (clockShows(local.toPlainDate(), dueTime, timeZone)) {
            expect(local.toPlainTime().toString(), context).toBe(dueTime.toString());
          }
        },
      ),
      fuzzParameters(150),
    );
  });
});
