import { describe, expect, it } from "vitest";
import type { RecurrenceFrom } from "../../../../shared/recurrence.js";
import { describeRecurrence } from "./recurrence-words.js";

function words(rule: string, from: RecurrenceFrom = "due", timeZone = "UTC"): string {
  return describeRecurrence({ rule, from }, timeZone);
}

describe("a recurrence rule in words", () => {
  it("says daily and weekly rules", () => {
    expect(words("FREQ=DAILY")).toBe("Every day");
    expect(words("FREQ=DAILY;INTERVAL=2")).toBe("Every 2 days");
    expect(words("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR")).toBe("Every weekday");
    expect(words("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR")).toBe("Every weekday");
    expect(words("FREQ=WEEKLY;BYDAY=MO,WE")).toBe("Every Monday and Wednesday");
    expect(words("FREQ=WEEKLY;BYDAY=MO,WE,FR")).toBe("Every Monday, Wednesday and Friday");
    expect(words("FREQ=WEEKLY;INTERVAL=2;BYDAY=FR")).toBe("Every 2 weeks on Friday");
    expect(words("FREQ=WEEKLY")).toBe("Every week");
    expect(words("FREQ=WEEKLY;INTERVAL=3")).toBe("Every 3 weeks");
  });

  it("says monthly rules by day of the month and by nth weekday", () => {
    expect(words("FREQ=MONTHLY;BYMONTHDAY=15")).toBe("Monthly on the 15th");
    expect(words("FREQ=MONTHLY;BYMONTHDAY=1,22")).toBe("Monthly on the 1st and 22nd");
    expect(words("FREQ=MONTHLY;BYMONTHDAY=-1")).toBe("Monthly on the last day");
    expect(words("FREQ=MONTHLY;BYMONTHDAY=-2")).toBe("Monthly on the second-to-last day");
    expect(words("FREQ=MONTHLY;BYDAY=2TU")).toBe("Monthly on the second Tuesday");
    expect(words("FREQ=MONTHLY;BYDAY=-1FR")).toBe("Monthly on the last Friday");
    expect(words("FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=11")).toBe("Every 3 months on the 11th");
    expect(words("FREQ=MONTHLY")).toBe("Monthly");
  });

  it("says yearly rules", () => {
    expect(words("FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=3")).toBe("Every year on March 3");
    expect(words("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1")).toBe("Every year on the last day of February");
    expect(words("FREQ=YEARLY;BYMONTH=11;BYDAY=4TH")).toBe("Every year on the fourth Thursday of November");
    expect(words("FREQ=YEARLY;INTERVAL=2")).toBe("Every 2 years");
  });

  it("says when the next one counts from completion", () => {
    expect(words("FREQ=DAILY;INTERVAL=3", "completion")).toBe("Every 3 days after completion");
  });

  it("says how a series ends: a number of times, or a last day", () => {
    expect(words("FREQ=WEEKLY;BYDAY=MO,WE;COUNT=5")).toBe("Every Monday and Wednesday, 5 times");
    expect(words("FREQ=DAILY;COUNT=1")).toBe("Every day, once");
    expect(words("FREQ=MONTHLY;BYMONTHDAY=-1;UNTIL=20261231")).toBe("Monthly on the last day, until Dec 31, 2026");
    expect(words("FREQ=DAILY;INTERVAL=3;COUNT=4", "completion")).toBe("Every 3 days after completion, 4 times");
  });

  it("reads an UNTIL instant in the user's time zone, and a date alone as written", () => {
    expect(words("FREQ=DAILY;UNTIL=20261231T235959Z", "due", "UTC")).toBe("Every day, until Dec 31, 2026");
    expect(words("FREQ=DAILY;UNTIL=20261231T235959Z", "due", "Asia/Tokyo")).toBe("Every day, until Jan 1, 2027");
    expect(words("FREQ=DAILY;UNTIL=20261231", "due", "Pacific/Honolulu")).toBe("Every day, until Dec 31, 2026");
  });

  it("still says a task repeats when its rule cannot be read", () => {
    expect(words("FREQ=HOURLY")).toBe("Repeats");
  });
});
