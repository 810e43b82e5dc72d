import { describe, expect, it } from "vitest";
import { describeDue, fromDateInput, toDateInput } from "./due-date.js";

describe("due dates", () => {
  const now = new Date(2026, 4, 10, 9, 0);

  it("read as today, tomorrow or yesterday when close", () => {
    expect(describeDue(new Date(2026, 4, 10, 23, 59).toISOString(), now).label).toBe("Today");
    expect(describeDue(new Date(2026, 4, 11, 23, 59).toISOString(), now).label).toBe("Tomorrow");
    expect(describeDue(new Date(2026, 4, 9, 23, 59).toISOString(), now)).toMatchObject({
      label: "Yesterday",
      overdue: true,
    });
  });

  it("are overdue once passed, and not before", () => {
    expect(describeDue(new Date(2026, 4, 10, 8, 0).toISOString(), now).overdue).toBe(true);
    expect(describeDue(new Date(2026, 4, 10, 23, 59).toISOString(), now).overdue).toBe(false);
  });

  it("picked as a day mean the end of that day, in the user's time zone", () => {
    const dueAt = fromDateInput("2026-05-12", null);
    expect(dueAt).toBe(new Date(2026, 4, 12, 23, 59).toISOString());
    expect(toDateInput(dueAt)).toBe("2026-05-12");
    expect(fromDateInput("", dueAt)).toBeNull();
  });
});
