import { MAX_REMINDER_SECONDS, parseDuration, reminderSchema } from "../../../../shared/recurrence.js";

/** The reminders most people want, offered first; anything else is a custom one. */
export const reminderPresets = ["PT0S", "PT5M", "PT15M", "PT30M", "PT1H", "P1D"] as const;

export const customUnits = ["minutes", "hours", "days"] as const;
export type CustomUnit = (typeof customUnits)[number];

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

/**
 * A reminder's `before` in words: "At the due time", "15 minutes before", "1 day 2 hours before".
 *
 * @example
 *   describeReminder("PT1H30M"); // "1 hour 30 minutes before"
 */
export function describeReminder(before: string): string {
  const d = parseDuration(before);
  if (!d) return `${before} before`;
  const parts = [
    d.days ? plural(d.days, "day") : "",
    d.hours ? plural(d.hours, "hour") : "",
    d.minutes ? plural(d.minutes, "minute") : "",
    d.seconds ? plural(d.seconds, "second") : "",
  ].filter(Boolean);
  return parts.length === 0 ? "At the due time" : `${parts.join(" ")} before`;
}

const unitSeconds: Record<CustomUnit, number> = { minutes: 60, hours: 3600, days: 86_400 };

/**
 * A custom reminder typed as an amount and a unit, normalized as the server stores it, or why not.
 *
 * @example
 *   customReminder("90", "minutes"); // { ok: true, before: "PT1H30M" }
 */
export function customReminder(
  amount: string,
  unit: CustomUnit,
): { ok: true; before: string } | { ok: false; error: string } {
  const n = /^\d{1,5}$/.test(amount.trim()) ? Number(amount) : Number.NaN;
  const limit = MAX_REMINDER_SECONDS / unitSeconds[unit];
  if (!(n >= 0 && n <= limit)) {
    return { ok: false, error: `Remind me must be a whole number of ${unit} from 0 to ${limit} (30 days)` };
  }
  const text = unit === "days" ? `P${n}D` : `PT${n}${unit === "hours" ? "H" : "M"}`;
  const parsed = reminderSchema.safeParse({ before: text });
  return parsed.success ? { ok: true, before: parsed.data.before } : { ok: false, error: "Remind me is not valid" };
}
