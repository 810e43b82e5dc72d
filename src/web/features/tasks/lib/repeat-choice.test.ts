import { describe, expect, it } from "vitest";
import { buildRecurrence, type RepeatValues, repeatLabel, repeatValuesFrom } from "./repeat-choice.js";

const monday = "2026-03-16";
const none = repeatValuesFrom(null, monday);

function built(values: Partial<RepeatValues>, dueDay = monday) {
  return buildRecurrence({ ...none, ...values }, dueDay);
}

describe("the Repeat choice", () => {
  it("writes each common choice as the normalized RRULE the server stores", () => {
    expect(built({ kind: "none" })).toEqual({ ok: true, recurrence: null });
    const rules = {
      daily: "FREQ=DAILY",
      weekdays: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
      "monthly-day": "FREQ=MONTHLY;BYMONTHDAY=16",
      "monthly-last": "FREQ=MONTHLY;BYMONTHDAY=-1",
      yearly: "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=16",
    } as const;
    for (const [kind, rule] of Object.entries(rules)) {
      expect(built({ kind: kind as keyof typeof rules })).toEqual({ ok: true, recurrence: { rule, from: "due" } });
    }
  });

  it("writes chosen weekdays in calendar order, and refuses none", () => {
    expect(built({ kind: "weekly", days: ["WE", "MO"] })).toEqual({
      ok: true,
      recurrence: { rule: "FREQ=WEEKLY;BYDAY=MO,WE", from: "due" },
    });
    expect(built({ kind: "weekly", days: [] })).toEqual({ ok: false, error: "Pick at least one day of the week" });
  });

  it("writes a custom interval and counts from completion when asked", () => {
    expect(built({ kind: "custom", every: "3", unit: "DAILY", from: "completion" })).toEqual({
      ok: true,
      recurrence: { rule: "FREQ=DAILY;INTERVAL=3", from: "completion" },
    });
    for (const every of ["0", "", "1.5", "1001", "-2"]) {
      expect(built({ kind: "custom", every, unit: "WEEKLY" }).ok, every).toBe(false);
    }
  });

  it("needs a due date for every choice that repeats, without asking the server", () => {
    expect(built({ kind: "daily" }, "")).toEqual({
      ok: false,
      error: "A repeating task needs a due date: pick one above",
    });
    expect(built({ kind: "none" }, "")).toEqual({ ok: true, recurrence: null });
  });

  it("reads a stored rule back into the choice that wrote it", () => {
    const read = (rule: string, from: "due" | "completion" = "due") => repeatValuesFrom({ rule, from }, monday);
    expect(read("FREQ=DAILY").kind).toBe("daily");
    expect(read("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR").kind).toBe("weekdays");
    expect(read("FREQ=WEEKLY;BYDAY=MO,WE")).toMatchObject({ kind: "weekly", days: ["MO", "WE"] });
    expect(read("FREQ=MONTHLY;BYMONTHDAY=16").kind).toBe("monthly-day");
    expect(read("FREQ=MONTHLY;BYMONTHDAY=-1").kind).toBe("monthly-last");
    expect(read("FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=16").kind).toBe("yearly");
    expect(read("FREQ=MONTHLY;INTERVAL=2", "completion")).toMatchObject({
      kind: "custom",
      every: "2",
      unit: "MONTHLY",
      from: "completion",
    });
  });

  it("keeps a rule none of the choices can write, as it is, and names it in words", () => {
    for (const rule of ["FREQ=MONTHLY;BYDAY=2TU", "FREQ=DAILY;COUNT=5", "FREQ=MONTHLY;BYMONTHDAY=3"]) {
      const values = repeatValuesFrom({ rule, from: "due" }, monday);
      expect(values.kind, rule).toBe("keep");
      expect(buildRecurrence(values, monday)).toEqual({ ok: true, recurrence: { rule, from: "due" } });
    }
    expect(repeatLabel("keep", monday, { rule: "FREQ=MONTHLY;BYDAY=2TU", from: "due" })).toBe(
      "Monthly on the second Tuesday",
    );
  });

  it("labels the choices that follow the due day with that day", () => {
    expect(repeatLabel("monthly-day", "2026-01-31", null)).toBe("Monthly on the 31st");
    expect(repeatLabel("yearly", "2026-03-03", null)).toBe("Every year on March 3");
    expect(repeatLabel("monthly-day", "", null)).toBe("Monthly on the due day");
  });
});
