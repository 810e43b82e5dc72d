import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration, parseRule, recurrenceSchema, remindersSchema } from "./recurrence.js";

function normalized(rule: string): string {
  const parsed = recurrenceSchema.safeParse({ rule, from: "due" });
  if (!parsed.success) throw new Error(parsed.error.issues[0]?.message);
  return parsed.data.rule;
}

function failure(rule: string): { part: string; message: string } {
  const parsed = parseRule(rule);
  if (parsed.ok) throw new Error(`${rule} was accepted`);
  return parsed;
}

describe("parseRule", () => {
  it("reads every part of the subset and writes it back in one normalized form", () => {
    expect(normalized("freq=weekly;byday=we,mo")).toBe("FREQ=WEEKLY;BYDAY=MO,WE");
    expect(normalized("RRULE:FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=-1")).toBe("FREQ=MONTHLY;BYMONTHDAY=-1");
    expect(normalized("FREQ=MONTHLY;BYDAY=-1FR,2TU")).toBe("FREQ=MONTHLY;BYDAY=-1FR,2TU");
    expect(normalized("FREQ=YEARLY;BYMONTH=12,3;BYMONTHDAY=31;COUNT=3")).toBe(
      "FREQ=YEARLY;BYMONTH=3,12;BYMONTHDAY=31;COUNT=3",
    );
    expect(normalized("FREQ=DAILY;INTERVAL=3;UNTIL=20261231T235959Z")).toBe(
      "FREQ=DAILY;INTERVAL=3;UNTIL=20261231T235959Z",
    );
    expect(normalized("FREQ=WEEKLY;BYDAY=MO,MO,TU")).toBe("FREQ=WEEKLY;BYDAY=MO,TU");
  });

  it("names the part at fault", () => {
    expect(failure("FREQ=DAILY;BYHOUR=9").part).toBe("BYHOUR");
    expect(failure("FREQ=HOURLY").part).toBe("FREQ");
    expect(failure("INTERVAL=2").part).toBe("FREQ");
    expect(failure("").part).toBe("FREQ");
    expect(failure("FREQ=DAILY;INTERVAL=0").part).toBe("INTERVAL");
    expect(failure("FREQ=DAILY;INTERVAL=1001").part).toBe("INTERVAL");
    expect(failure("FREQ=WEEKLY;BYDAY=1MO").part).toBe("BYDAY");
    expect(failure("FREQ=MONTHLY;BYDAY=6MO").part).toBe("BYDAY");
    expect(failure("FREQ=MONTHLY;BYDAY=0MO").part).toBe("BYDAY");
    expect(failure("FREQ=MONTHLY;BYDAY=XX").part).toBe("BYDAY");
    expect(failure("FREQ=WEEKLY;BYMONTHDAY=1").part).toBe("BYMONTHDAY");
    expect(failure("FREQ=MONTHLY;BYMONTHDAY=0").part).toBe("BYMONTHDAY");
    expect(failure("FREQ=MONTHLY;BYMONTHDAY=32").part).toBe("BYMONTHDAY");
    expect(failure("FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13").part).toBe("BYMONTHDAY");
    expect(failure("FREQ=YEARLY;BYMONTH=13").part).toBe("BYMONTH");
    expect(failure("FREQ=DAILY;COUNT=0").part).toBe("COUNT");
    expect(failure("FREQ=DAILY;COUNT=2;UNTIL=20270101").part).toBe("UNTIL");
    expect(failure("FREQ=DAILY;UNTIL=20270230").part).toBe("UNTIL");
    expect(failure("FREQ=DAILY;UNTIL=20270101T000000").part).toBe("UNTIL");
    expect(failure("FREQ=DAILY;FREQ=WEEKLY").part).toBe("FREQ");
    expect(failure("FREQ=DAILY;WKST=MO").part).toBe("WKST");
    expect(failure("FREQ=DAILY;;").message).toContain("NAME=VALUE");
  });

  it("refuses a rule that is too long before parsing it", () => {
    const parsed = recurrenceSchema.safeParse({ rule: `FREQ=DAILY;BYMONTH=${"1,".repeat(300)}1`, from: "due" });
    expect(parsed.success).toBe(false);
  });

  it("defaults from to due and refuses anything but due or completion", () => {
    expect(recurrenceSchema.parse({ rule: "FREQ=DAILY" })).toEqual({ rule: "FREQ=DAILY", from: "due" });
    expect(recurrenceSchema.safeParse({ rule: "FREQ=DAILY", from: "start" }).success).toBe(false);
    expect(recurrenceSchema.safeParse({ rule: "FREQ=DAILY", extra: 1 }).success).toBe(false);
  });
});

describe("reminder durations", () => {
  it("normalizes weeks, days and time, and keeps days apart from hours", () => {
    const write = (text: string) => {
      const d = parseDuration(text);
      return d && formatDuration(d);
    };
    expect(write("PT15M")).toBe("PT15M");
    expect(write("PT90M")).toBe("PT1H30M");
    expect(write("PT24H")).toBe("PT24H");
    expect(write("P1D")).toBe("P1D");
    expect(write("P1W")).toBe("P7D");
    expect(write("PT0S")).toBe("PT0S");
    expect(write("P0D")).toBe("PT0S");
    expect(write("p1dt2h")).toBe("P1DT2H");
    expect(write("P30D")).toBe("P30D");
  });

  it("refuses months, years, more than 30 days, negatives and malformed text", () => {
    for (const bad of ["P1M", "P1Y", "P31D", "P30DT1S", "PT721H", "-PT15M", "P", "PT", "15M", "PT1.5H", "P5W", ""]) {
      expect(parseDuration(bad), bad).toBeNull();
    }
  });

  it("keeps at most five distinct reminders, in the order given", () => {
    const parsed = remindersSchema.parse([{ before: "PT60M" }, { before: "PT1H" }, { before: "P1D" }]);
    expect(parsed).toEqual([{ before: "PT1H" }, { before: "P1D" }]);
    const six = ["PT1M", "PT2M", "PT3M", "PT4M", "PT5M", "PT6M"].map((before) => ({ before }));
    expect(remindersSchema.safeParse(six).success).toBe(false);
    expect(remindersSchema.safeParse([{ before: "PT1M" }, { before: "P31D" }]).success).toBe(false);
  });
});
