const DAY = 86_400_000;

function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/**
 * How a due date reads in a row: "Today", "Tomorrow", "Yesterday", or "Tue 3 Feb" (with the
 * year when it is not this year), plus the time when one was set; overdue once it has passed.
 *
 * @example
 *   describeDue("2026-02-03T22:59:59.999Z", new Date("2026-02-04T09:00:00Z")).overdue; // true
 */
export function describeDue(dueAt: string, now = new Date()): { label: string; overdue: boolean; dateTime: string } {
  const due = new Date(dueAt);
  const days = Math.round((startOfDay(due) - startOfDay(now)) / DAY);
  const named = days === 0 ? "Today" : days === 1 ? "Tomorrow" : days === -1 ? "Yesterday" : null;
  const date =
    named ??
    due.toLocaleDateString(undefined, {
      weekday: "short",
      day: "numeric",
      month: "short",
      ...(due.getFullYear() !== now.getFullYear() ? { year: "numeric" } : {}),
    });
  const time = isEndOfDay(due) ? "" : `, ${due.toLocaleTimeString(undefined, { hour: "numeric", minute: "2-digit" })}`;
  return { label: `${date}${time}`, overdue: due.getTime() < now.getTime(), dateTime: due.toISOString() };
}

/** A date picked without a time means "by the end of that day", in the user's time zone. */
function isEndOfDay(date: Date): boolean {
  return date.getHours() === 23 && date.getMinutes() === 59;
}

/** The value for an <input type="date">, in local time ("" when there is no due date). */
export function toDateInput(dueAt: string | null): string {
  if (!dueAt) return "";
  const d = new Date(dueAt);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The value for an <input type="time">: "" when there is no due date or it is a day's end. */
export function toTimeInput(dueAt: string | null): string {
  if (!dueAt) return "";
  const d = new Date(dueAt);
  if (isEndOfDay(d)) return "";
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

/**
 * The API's dueAt for a picked date: the end of that day where the user is, as an ISO date-time
 * with its offset (the server converts it to UTC). Keeps the original time when the day is
 * unchanged, so an API-set time survives an edit of something else.
 */
export function fromDateInput(value: string, previous: string | null): string | null {
  return fromDueInputs(value, previous && toDateInput(previous) === value ? toTimeInput(previous) : "", previous);
}

/**
 * The API's dueAt for a picked day and time ("" for no time: the end of that day), in local time.
 * When both are what `previous` shows, `previous` itself is kept (its seconds too).
 *
 * @example
 *   fromDueInputs("2026-05-12", "09:00", null); // 09:00 local on 12 May, as an ISO string
 */
export function fromDueInputs(day: string, time: string, previous: string | null): string | null {
  if (!day) return null;
  if (previous && toDateInput(previous) === day && toTimeInput(previous) === time) return previous;
  const [year, month, date] = day.split("-").map(Number);
  if (!year || !month || !date) return null;
  const [hours, minutes] = time ? time.split(":").map(Number) : [23, 59];
  const due = new Date(2000, 0, 1, hours ?? 23, minutes ?? 59, 0, 0);
  due.setFullYear(year, month - 1, date); // new Date(y, …) would read years below 100 as 19yy
  return due.toISOString();
}
