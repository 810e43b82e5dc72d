import { Temporal } from "temporal-polyfill";

/**
 * The owner's wall clock: an instant as the date and time on a clock in `timeZone`.
 *
 * @example
 *   toWallClock(new Date("2026-07-01T13:00:00Z"), "America/New_York").toString(); // "2026-07-01T09:00:00"
 */
export function toWallClock(instant: Date, timeZone: string): Temporal.PlainDateTime {
  return Temporal.Instant.fromEpochMilliseconds(instant.getTime()).toZonedDateTimeISO(timeZone).toPlainDateTime();
}

/**
 * The instant a wall-clock date and time in `timeZone` stands for. A time that the clock skips
 * (02:30 on a spring-forward night in New York) is read with the offset from before the change,
 * which lands it as far past the gap as it was into it (03:30 EDT); a time the clock shows twice
 * (01:30 on a fall-back night) is the earlier of the two. This is Temporal's "compatible"
 * disambiguation, the one RFC 5545 prescribes for explicit local times (section 3.3.5), so a
 * task due at 02:30 every day still falls due on the night of the change instead of vanishing.
 *
 * @example
 *   fromWallClock(Temporal.PlainDateTime.from("2026-03-08T02:30"), "America/New_York").toISOString();
 *   // "2026-03-08T07:30:00.000Z" (03:30 EDT)
 */
export function fromWallClock(wallClock: Temporal.PlainDateTime, timeZone: string): Date {
  const zoned = wallClock.toZonedDateTime(timeZone, { disambiguation: "compatible" });
  return new Date(zoned.epochMilliseconds);
}
