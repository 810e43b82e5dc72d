import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";
import { type NextOccurrenceInput, nextOccurrence } from "./next-occurrence.js";

/** An instant given as a wall-clock time in a zone ("2026-01-31T09:00"), read as the engine reads it. */
function local(wallClock: string, timeZone: string): Date {
  const zoned = Temporal.PlainDateTime.from(wallClock).toZonedDateTime(timeZone, { disambiguation: "compatible" });
  return new Date(zoned.epochMilliseconds);
}

/** An instant as the owner sees it: "2026-03-09T09:00-04:00". */
function shown(at: Date | null, timeZone: string): string | null {
  if (at === null) return null;
  const zoned = Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(timeZone);
  return `${zoned.toPlainDateTime().toString({ smallestUnit: "minute" })}${zoned.offset}`;
}

/** The next `count` due times of a series completed on time, from its first task due at `start`. */
function series(rule: string, start: string, count: number, timeZone = "UTC"): (string | null)[] {
  const seriesStart = local(start, timeZone);
  const out: (string | null)[] = [];
  let dueAt: Date | null = seriesStart;
  for (let occurrence = 1; occurrence <= count && dueAt !== null; occurrence++) {
    dueAt = nextOccurrence({ rule, from: "due", timeZone, seriesStart, dueAt, completedAt: dueAt, occurrence });
    out.push(shown(dueAt, timeZone));
  }
  return out;
}

/** The next due time of a task completed at `completed`, counting from completion. */
function afterCompletion(rule: string, due: string, completed: string, timeZone = "UTC"): string | null {
  const dueAt = local(due, timeZone);
  const input: NextOccurrenceInput = {
    rule,
    from: "completion",
    timeZone,
    seriesStart: dueAt,
    dueAt,
    completedAt: local(completed, timeZone),
    occurrence: 1,
  };
  return shown(nextOccurrence(input), timeZone);
}

describe("nextOccurrence from the due date", () => {
  it("repeats weekly on the named weekdays", () => {
    // 2026-06-01 is a Monday.
    expect(series("FREQ=WEEKLY;BYDAY=MO,WE", "2026-06-01T07:00", 4)).toEqual([
      "2026-06-03T07:00+00:00",
      "2026-06-08T07:00+00:00",
      "2026-06-10T07:00+00:00",
      "2026-06-15T07:00+00:00",
    ]);
  });

  it("repeats every weekday, skipping the weekend", () => {
    expect(series("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "2026-06-04T09:00", 4)).toEqual([
      "2026-06-05T09:00+00:00",
      "2026-06-08T09:00+00:00",
      "2026-06-09T09:00+00:00",
      "2026-06-10T09:00+00:00",
    ]);
  });

  it("puts the 31st on each shorter month's last day, February's included, in common and leap years", () => {
    expect(series("FREQ=MONTHLY;BYMONTHDAY=31", "2026-01-31T09:00", 4)).toEqual([
      "2026-02-28T09:00+00:00",
      "2026-03-31T09:00+00:00",
      "2026-04-30T09:00+00:00",
      "2026-05-31T09:00+00:00",
    ]);
    expect(series("FREQ=MONTHLY;BYMONTHDAY=31", "2028-01-31T09:00", 3)).toEqual([
      "2028-02-29T09:00+00:00",
      "2028-03-31T09:00+00:00",
      "2028-04-30T09:00+00:00",
    ]);
  });

  it("clamps the 30th only where the month is shorter, and keeps other days as they are", () => {
    expect(series("FREQ=MONTHLY;BYMONTHDAY=15,30", "2027-01-30T09:00", 5)).toEqual([
      "2027-02-15T09:00+00:00",
      "2027-02-28T09:00+00:00",
      "2027-03-15T09:00+00:00",
      "2027-03-30T09:00+00:00",
      "2027-04-15T09:00+00:00",
    ]);
  });

  it("takes the first task's day of the month when the rule names none, with the same clamp", () => {
    expect(series("FREQ=MONTHLY", "2026-01-31T09:00", 3)).toEqual([
      "2026-02-28T09:00+00:00",
      "2026-03-31T09:00+00:00",
      "2026-04-30T09:00+00:00",
    ]);
    expect(series("FREQ=MONTHLY;INTERVAL=2", "2026-03-15T09:00", 2)).toEqual([
      "2026-05-15T09:00+00:00",
      "2026-07-15T09:00+00:00",
    ]);
  });

  it("reads BYMONTHDAY=-1 as each month's last day", () => {
    expect(series("FREQ=MONTHLY;BYMONTHDAY=-1", "2026-01-31T18:00", 3)).toEqual([
      "2026-02-28T18:00+00:00",
      "2026-03-31T18:00+00:00",
      "2026-04-30T18:00+00:00",
    ]);
  });

  it("finds the second Tuesday and the last Friday of each month", () => {
    expect(series("FREQ=MONTHLY;BYDAY=2TU", "2026-01-13T09:00", 3)).toEqual([
      "2026-02-10T09:00+00:00",
      "2026-03-10T09:00+00:00",
      "2026-04-14T09:00+00:00",
    ]);
    expect(series("FREQ=MONTHLY;BYDAY=-1FR", "2026-01-30T09:00", 3)).toEqual([
      "2026-02-27T09:00+00:00",
      "2026-03-27T09:00+00:00",
      "2026-04-24T09:00+00:00",
    ]);
  });

  it("repeats yearly in the named months on the first task's day, and on Feb 28 for a Feb 29 start", () => {
    expect(series("FREQ=YEARLY;BYMONTH=3,9", "2026-03-20T09:00", 3)).toEqual([
      "2026-09-20T09:00+00:00",
      "2027-03-20T09:00+00:00",
      "2027-09-20T09:00+00:00",
    ]);
    expect(series("FREQ=YEARLY", "2024-02-29T09:00", 4)).toEqual([
      "2025-02-28T09:00+00:00",
      "2026-02-28T09:00+00:00",
      "2027-02-28T09:00+00:00",
      "2028-02-29T09:00+00:00",
    ]);
    expect(series("FREQ=YEARLY;BYMONTH=2,4;BYMONTHDAY=31", "2026-01-01T09:00", 3)).toEqual([
      "2026-02-28T09:00+00:00",
      "2026-04-30T09:00+00:00",
      "2027-02-28T09:00+00:00",
    ]);
  });

  it("repeats every third day", () => {
    expect(series("FREQ=DAILY;INTERVAL=3", "2026-02-26T09:00", 3)).toEqual([
      "2026-03-01T09:00+00:00",
      "2026-03-04T09:00+00:00",
      "2026-03-07T09:00+00:00",
    ]);
  });

  it("ends a COUNT=3 series with its third task", () => {
    expect(series("FREQ=DAILY;COUNT=3", "2026-06-01T09:00", 5)).toEqual([
      "2026-06-02T09:00+00:00",
      "2026-06-03T09:00+00:00",
      null,
    ]);
  });

  it("keeps an occurrence that falls exactly on UNTIL, and on UNTIL's local date", () => {
    expect(series("FREQ=DAILY;UNTIL=20260603T090000Z", "2026-06-01T09:00", 4)).toEqual([
      "2026-06-02T09:00+00:00",
      "2026-06-03T09:00+00:00",
      null,
    ]);
    expect(series("FREQ=DAILY;UNTIL=20260603T085959Z", "2026-06-01T09:00", 4)).toEqual([
      "2026-06-02T09:00+00:00",
      null,
    ]);
    // A date UNTIL is the owner's local day: 23:30 in Tokyo on the 3rd is still the 3rd.
    expect(series("FREQ=DAILY;UNTIL=20260603", "2026-06-01T23:30", 4, "Asia/Tokyo")).toEqual([
      "2026-06-02T23:30+09:00",
      "2026-06-03T23:30+09:00",
      null,
    ]);
  });

  it("follows the schedule from the series' start when a task's due date was moved", () => {
    const timeZone = "UTC";
    const seriesStart = local("2026-06-01T09:00", timeZone); // a Monday; every Monday
    const dueAt = local("2026-06-10T15:00", timeZone); // this task was moved to a Wednesday
    const next = nextOccurrence({
      rule: "FREQ=WEEKLY",
      from: "due",
      timeZone,
      seriesStart,
      dueAt,
      completedAt: dueAt,
      occurrence: 2,
    });
    expect(shown(next, timeZone)).toBe("2026-06-15T09:00+00:00");
  });
});

describe("nextOccurrence from completion", () => {
  it("counts every 3 days from the completion date, at the due time of day", () => {
    expect(afterCompletion("FREQ=DAILY;INTERVAL=3", "2026-06-01T08:00", "2026-06-05T21:40")).toBe(
      "2026-06-08T08:00+00:00",
    );
  });

  it("goes to the next Monday at the due time after a completion on a Thursday", () => {
    // 2026-06-04 is a Thursday.
    expect(afterCompletion("FREQ=WEEKLY;BYDAY=MO", "2026-06-01T07:30", "2026-06-04T12:00")).toBe(
      "2026-06-08T07:30+00:00",
    );
    // A plain weekly rule repeats on the completion's weekday.
    expect(afterCompletion("FREQ=WEEKLY", "2026-06-01T07:30", "2026-06-04T12:00")).toBe("2026-06-11T07:30+00:00");
  });

  it("uses the completion's local date in the owner's zone, not UTC's", () => {
    // 23:30 on 4 June in New York is already 5 June in UTC.
    expect(afterCompletion("FREQ=DAILY", "2026-06-01T09:00", "2026-06-04T23:30", "America/New_York")).toBe(
      "2026-06-05T09:00-04:00",
    );
  });

  it("still ends the series at COUNT", () => {
    const dueAt = local("2026-06-01T09:00", "UTC");
    const task = {
      rule: "FREQ=DAILY;COUNT=2",
      from: "completion",
      timeZone: "UTC",
      seriesStart: dueAt,
      dueAt,
    } as const;
    expect(nextOccurrence({ ...task, completedAt: dueAt, occurrence: 1 })).toEqual(local("2026-06-02T09:00", "UTC"));
    expect(nextOccurrence({ ...task, completedAt: dueAt, occurrence: 2 })).toBeNull();
  });
});

describe("nextOccurrence across time zones and daylight-saving changes", () => {
  it("keeps 09:00 in New York across the March and November changes", () => {
    // Clocks sprang forward on 8 March 2026 and fell back on 1 November 2026.
    expect(series("FREQ=DAILY", "2026-03-07T09:00", 3, "America/New_York")).toEqual([
      "2026-03-08T09:00-04:00",
      "2026-03-09T09:00-04:00",
      "2026-03-10T09:00-04:00",
    ]);
    expect(series("FREQ=WEEKLY;BYDAY=SA", "2026-10-24T09:00", 2, "America/New_York")).toEqual([
      "2026-10-31T09:00-04:00",
      "2026-11-07T09:00-05:00",
    ]);
  });

  it("keeps the wall-clock time across Lord Howe Island's 30-minute shift", () => {
    // Australia/Lord_Howe: +10:30 until 02:00 on 4 October 2026, then +11:00.
    expect(series("FREQ=DAILY", "2026-10-03T08:00", 2, "Australia/Lord_Howe")).toEqual([
      "2026-10-04T08:00+11:00",
      "2026-10-05T08:00+11:00",
    ]);
    // 02:15 does not exist on 4 October there: it is read 30 minutes on, at 02:45.
    expect(series("FREQ=DAILY", "2026-10-03T02:15", 2, "Australia/Lord_Howe")).toEqual([
      "2026-10-04T02:45+11:00",
      "2026-10-05T02:15+11:00",
    ]);
  });

  it("keeps the offset and the time in a zone without daylight saving", () => {
    expect(series("FREQ=MONTHLY;BYMONTHDAY=-1", "2026-02-28T21:00", 2, "Asia/Tokyo")).toEqual([
      "2026-03-31T21:00+09:00",
      "2026-04-30T21:00+09:00",
    ]);
  });

  it("moves 02:30 on a spring-forward day to 03:30, and keeps 02:30 on the days around it", () => {
    expect(series("FREQ=DAILY", "2026-03-07T02:30", 3, "America/New_York")).toEqual([
      "2026-03-08T03:30-04:00",
      "2026-03-09T02:30-04:00",
      "2026-03-10T02:30-04:00",
    ]);
  });

  it("puts 01:30 on a fall-back day at its first, daylight-saving occurrence", () => {
    expect(series("FREQ=DAILY", "2026-10-31T01:30", 2, "America/New_York")).toEqual([
      "2026-11-01T01:30-04:00",
      "2026-11-02T01:30-05:00",
    ]);
  });

  it("does not repeat an occurrence for a task due in the second 01:30 of a fall-back night", () => {
    const timeZone = "America/New_York";
    const seriesStart = local("2026-10-31T01:30", timeZone);
    const dueAt = new Date("2026-11-01T06:30:00Z"); // 01:30 EST, after the EDT one
    const next = nextOccurrence({
      rule: "FREQ=DAILY",
      from: "due",
      timeZone,
      seriesStart,
      dueAt,
      completedAt: dueAt,
      occurrence: 2,
    });
    expect(shown(next, timeZone)).toBe("2026-11-02T01:30-05:00");
  });
});

describe("nextOccurrence's search bound", () => {
  it("finds a rare but legal date decades away", () => {
    // The fifth Monday of February: only in a leap year whose February starts on a Monday.
    expect(series("FREQ=YEARLY;BYMONTH=2;BYDAY=5MO", "2026-01-01T09:00", 2)).toEqual([
      "2044-02-29T09:00+00:00",
      "2072-02-29T09:00+00:00",
    ]);
  });

  it("answers null for a rule whose dates never come", () => {
    // Every 7th day from a Monday is never a Tuesday; every 4th year from 2026 is never a leap year.
    expect(series("FREQ=DAILY;INTERVAL=7;BYDAY=TU", "2026-06-01T09:00", 1)).toEqual([null]);
    expect(series("FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYDAY=5MO", "2026-01-01T09:00", 1)).toEqual([null]);
  });

  it("looks 100 years ahead and never past the year 9999", () => {
    expect(series("FREQ=YEARLY;INTERVAL=100", "2026-06-01T09:00", 1)).toEqual(["2126-06-01T09:00+00:00"]);
    expect(series("FREQ=YEARLY;INTERVAL=101", "2026-06-01T09:00", 1)).toEqual([null]);
    expect(series("FREQ=YEARLY", "9999-06-01T09:00", 1)).toEqual([null]);
    expect(series("FREQ=DAILY", "9999-12-30T09:00", 2)).toEqual(["9999-12-31T09:00+00:00", null]);
  });
});
