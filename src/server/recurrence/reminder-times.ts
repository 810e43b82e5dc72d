import { Temporal } from "temporal-polyfill";
import { parseDuration } from "../../shared/recurrence.js";

/**
 * When a reminder `before` (a normalized ISO 8601 duration) ahead of `dueAt` fires: dueAt minus
 * the duration on the owner's clock in `timeZone`. The days part counts calendar days, so "P1D"
 * before a 09:00 task is 09:00 the day before even when a daylight-saving change lies between
 * (23 or 25 hours); the time part is exact, so "PT15M" is always 15 minutes. When the day before
 * has no such wall-clock time (a spring-forward gap), it is read as fromWallClock reads it (one
 * hour later). This is Temporal's ZonedDateTime arithmetic: days on the wall clock, then time.
 *
 * @example
 *   // Clocks in New York sprang forward at 02:00 on 8 March 2026.
 *   reminderFireTime(new Date("2026-03-08T13:00:00Z"), "P1D", "America/New_York").toISOString();
 *   // "2026-03-07T14:00:00.000Z": 09:00 EST the day before 09:00 EDT, 23 hours earlier
 */
export function reminderFireTime(dueAt: Date, before: string, timeZone: string): Date {
  const duration = parseDuration(before);
  if (duration === null) throw new Error(`The reminder duration "${before}" is not valid`);
  const due = Temporal.Instant.fromEpochMilliseconds(dueAt.getTime()).toZonedDateTimeISO(timeZone);
  const fireAt = due.subtract(duration);
  return new Date(fireAt.epochMilliseconds);
}
