import { describe, expect, it } from "vitest";
import { customReminder, describeReminder, reminderPresets } from "./reminder-choice.js";

describe("reminders in the dialog", () => {
  it("say each preset in words", () => {
    expect(reminderPresets.map(describeReminder)).toEqual([
      "At the due time",
      "5 minutes before",
      "15 minutes before",
      "30 minutes before",
      "1 hour before",
      "1 day before",
    ]);
    expect(describeReminder("P2DT1H30M")).toBe("2 days 1 hour 30 minutes before");
    expect(describeReminder("PT15S")).toBe("15 seconds before");
  });

  it("turn a custom amount into the duration the server stores", () => {
    expect(customReminder("90", "minutes")).toEqual({ ok: true, before: "PT1H30M" });
    expect(customReminder("2", "hours")).toEqual({ ok: true, before: "PT2H" });
    expect(customReminder("30", "days")).toEqual({ ok: true, before: "P30D" });
    expect(customReminder("0", "minutes")).toEqual({ ok: true, before: "PT0S" });
  });

  it("refuse a custom amount past 30 days or not a whole number", () => {
    expect(customReminder("31", "days")).toEqual({
      ok: false,
      error: "Remind me must be a whole number of days from 0 to 30 (30 days)",
    });
    for (const amount of ["", "1.5", "-1", "721"]) {
      expect(customReminder(amount, amount === "721" ? "hours" : "minutes").ok, amount).toBe(false);
    }
  });
});
