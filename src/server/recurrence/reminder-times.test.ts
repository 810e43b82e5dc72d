import { describe, expect, it } from "vitest";
import { reminderFireTime } from "./reminder-times.js";

const NEW_YORK = "America/New_York";
const HOUR = 3_600_000;

describe("reminderFireTime", () => {
  it("fires P1D before a 09:00 task at 09:00 the day before, across a spring-forward change (23 hours)", () => {
    // New York sprang forward at 02:00 on 8 March 2026: 09:00 that day is EDT, the day before EST.
    const dueAt = new Date("2026-03-08T13:00:00Z"); // 09:00 EDT
    const fireAt = reminderFireTime(dueAt, "P1D", NEW_YORK);
    expect(fireAt.toISOString()).toBe("2026-03-07T14:00:00.000Z"); // 09:00 EST
    expect(dueAt.getTime() - fireAt.getTime()).toBe(23 * HOUR);
  });

  it("fires P1D before at the same wall-clock time across a fall-back change (25 hours)", () => {
    const dueAt = new Date("2026-11-01T14:00:00Z"); // 09:00 EST, the day clocks fell back
    const fireAt = reminderFireTime(dueAt, "P1D", NEW_YORK);
    expect(fireAt.toISOString()).toBe("2026-10-31T13:00:00.000Z"); // 09:00 EDT
    expect(dueAt.getTime() - fireAt.getTime()).toBe(25 * HOUR);
  });

  it("takes the time part as exact time, even across the change", () => {
    // 03:10 EDT, 70 minutes after the clocks jumped from 02:00 to 03:00.
    const dueAt = new Date("2026-03-08T07:10:00Z");
    expect(reminderFireTime(dueAt, "PT15M", NEW_YORK).toISOString()).toBe("2026-03-08T06:55:00.000Z");
    expect(reminderFireTime(dueAt, "PT2H", NEW_YORK).toISOString()).toBe("2026-03-08T05:10:00.000Z"); // 00:10 EST
  });

  it("takes days on the calendar, then the time part exactly", () => {
    const dueAt = new Date("2026-03-08T13:00:00Z"); // 09:00 EDT
    // A day back is 09:00 EST on the 7th; 90 minutes before that is 07:30 EST.
    expect(reminderFireTime(dueAt, "P1DT1H30M", NEW_YORK).toISOString()).toBe("2026-03-07T12:30:00.000Z");
  });

  it("reads a week as seven calendar days and a zero duration as the due time itself", () => {
    const dueAt = new Date("2026-03-10T13:00:00Z"); // 09:00 EDT
    expect(reminderFireTime(dueAt, "P1W", NEW_YORK).toISOString()).toBe("2026-03-03T14:00:00.000Z"); // 09:00 EST
    expect(reminderFireTime(dueAt, "PT0S", NEW_YORK).toISOString()).toBe(dueAt.toISOString());
  });

  it("reads a wall-clock time the day before does not have an hour later", () => {
    // 02:30 on 9 March exists (EDT); 02:30 on 8 March was skipped, so P1D before is 03:30 EDT.
    const dueAt = new Date("2026-03-09T06:30:00Z");
    expect(reminderFireTime(dueAt, "P1D", NEW_YORK).toISOString()).toBe("2026-03-08T07:30:00.000Z");
  });

  it("is plain subtraction in a zone without daylight saving", () => {
    const dueAt = new Date("2026-06-01T00:00:00Z"); // 09:00 in Tokyo
    expect(reminderFireTime(dueAt, "P2DT30M", "Asia/Tokyo").toISOString()).toBe("2026-05-29T23:30:00.000Z");
  });

  it("refuses a duration that is not a normalized reminder", () => {
    expect(() => reminderFireTime(new Date(), "P1M", "UTC")).toThrow(/not valid/);
  });
});
