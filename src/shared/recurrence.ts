import { z } from "zod";

/**
 * The recurrence and reminder inputs of a task (contract: "Recurring tasks and reminders"): the
 * RRULE subset we accept, parsed into a structure and written back in one normalized form, and
 * reminder durations. Parsing only: the dates themselves are computed on the server with
 * rrule-temporal (src/server/recurrence). This module is shared with the web app, which builds
 * rules and says them in words, so it carries no date library.
 */

export const weekdays = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;
export type Weekday = (typeof weekdays)[number];

export const frequencies = ["DAILY", "WEEKLY", "MONTHLY", "YEARLY"] as const;
export type Frequency = (typeof frequencies)[number];

export const recurrenceFroms = ["due", "completion"] as const;
export type RecurrenceFrom = (typeof recurrenceFroms)[number];

export interface ParsedRule {
  freq: Frequency;
  /** 1 or more: every `interval` days, weeks, months or years. */
  interval: number;
  /** Weekdays; an ordinal (1MO, -1FR) only in MONTHLY and YEARLY rules. */
  byDay: { day: Weekday; ordinal?: number }[];
  /** 1..31 or -31..-1 (-1 is the last day); a day past the month's end means its last day. */
  byMonthDay: number[];
  /** 1..12. */
  byMonth: number[];
  count?: number;
  /** RFC 5545 form: YYYYMMDD (inclusive, that whole local day) or YYYYMMDDTHHMMSSZ. */
  until?: string;
}

export interface Recurrence {
  /** The normalized RRULE text, without the `RRULE:` prefix. */
  rule: string;
  from: RecurrenceFrom;
}

export const MAX_INTERVAL = 1000;
export const MAX_COUNT = 1000;
export const RULE_MAX_LENGTH = 500;
export const MAX_REMINDERS = 5;
/** The longest reminder: 30 days before the due time. */
export const MAX_REMINDER_SECONDS = 30 * 24 * 3600;

export type RuleParse = { ok: true; rule: ParsedRule } | { ok: false; part: string; message: string };

const supportedParts = ["FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "COUNT", "UNTIL"];

const fail = (part: string, message: string): RuleParse => ({ ok: false, part, message: `${part}: ${message}` });

/** A whole number in [min, max] written in plain digits (an optional sign where allowed), or null. */
function integerIn(text: string, min: number, max: number, signed = false): number | null {
  if (!(signed ? /^[+-]?\d{1,4}$/ : /^\d{1,4}$/).test(text)) return null;
  const value = Number(text);
  return value >= min && value <= max ? value : null;
}

/** A list of distinct values, each parsed by `one`; null when any is not valid. */
function list<T>(text: string, one: (item: string) => T | null, key: (value: T) => string | number): T[] | null {
  const values: T[] = [];
  const seen = new Set<string | number>();
  for (const item of text.split(",")) {
    const value = one(item);
    if (value === null) return null;
    if (!seen.has(key(value))) values.push(value);
    seen.add(key(value));
  }
  return values;
}

function parseWeekday(item: string): { day: Weekday; ordinal?: number } | null {
  const m = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(item);
  if (!m) return null;
  const day = m[2] as Weekday;
  if (m[1] === undefined) return { day };
  const ordinal = integerIn(m[1], -53, 53, true);
  return ordinal === null || ordinal === 0 ? null : { day, ordinal };
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** UNTIL as a date (YYYYMMDD) or a UTC date-time (YYYYMMDDTHHMMSSZ) on the calendar, or null. */
function parseUntil(text: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z)?$/.exec(text);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1000 || !isCalendarDate(year, month, day)) return null;
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59)) return null;
  return text;
}

/** Reads the parts into a map, refusing empty, malformed, repeated and unsupported parts. */
function splitParts(text: string): Map<string, string> | RuleParse {
  const parts = new Map<string, string>();
  for (const part of text.split(";")) {
    const m = /^([A-Z]+)=([^=]*)$/.exec(part);
    if (!m) return fail(part.split("=")[0] || "rule", "must be written NAME=VALUE, parts separated by ';'");
    const [, name = "", value = ""] = m;
    if (!supportedParts.includes(name)) {
      return fail(name, `not supported; a rule may use ${supportedParts.join(", ")}`);
    }
    if (parts.has(name)) return fail(name, "is given twice");
    if (value === "") return fail(name, "needs a value");
    parts.set(name, value);
  }
  return parts;
}

/**
 * Parses an RRULE of the contract's subset (an optional `RRULE:` prefix, any letter case). On
 * failure it names the part at fault, so that a 400 can say what to fix.
 *
 * @example
 *   parseRule("FREQ=WEEKLY;BYDAY=MO,WE"); // { ok: true, rule: { freq: "WEEKLY", byDay: [MO, WE], … } }
 *   parseRule("FREQ=DAILY;BYHOUR=9"); // { ok: false, part: "BYHOUR", … }
 */
export function parseRule(input: string): RuleParse {
  const text = input
    .trim()
    .toUpperCase()
    .replace(/^RRULE:/, "");
  if (text === "") return fail("FREQ", "a rule needs FREQ, e.g. FREQ=WEEKLY;BYDAY=MO");
  const parts = splitParts(text);
  if (!(parts instanceof Map)) return parts;

  const freq = parts.get("FREQ") as Frequency | undefined;
  if (freq === undefined) return fail("FREQ", "is required");
  if (!frequencies.includes(freq)) return fail("FREQ", `must be one of ${frequencies.join(", ")}`);
  const rule: ParsedRule = { freq, interval: 1, byDay: [], byMonthDay: [], byMonth: [] };

  const interval = parts.get("INTERVAL");
  if (interval !== undefined) {
    const value = integerIn(interval, 1, MAX_INTERVAL);
    if (value === null) return fail("INTERVAL", `must be a whole number from 1 to ${MAX_INTERVAL}`);
    rule.interval = value;
  }

  const byDay = parts.get("BYDAY");
  if (byDay !== undefined) {
    const days = list(byDay, parseWeekday, (d) => `${d.ordinal ?? 0}${d.day}`);
    if (days === null)
      return fail("BYDAY", "must be weekdays MO,TU,WE,TH,FR,SA,SU, each with an optional ordinal (1MO, -1FR)");
    const ordinals = days.filter((d) => d.ordinal !== undefined);
    if (ordinals.length > 0 && freq !== "MONTHLY" && freq !== "YEARLY") {
      return fail("BYDAY", "an ordinal (1MO, -1FR) is allowed only in MONTHLY and YEARLY rules");
    }
    if (freq === "MONTHLY" && ordinals.some((d) => Math.abs(d.ordinal ?? 0) > 5)) {
      return fail("BYDAY", "a monthly ordinal must be from -5 to 5 (not 0)");
    }
    rule.byDay = days.sort(
      (a, b) => (a.ordinal ?? 0) - (b.ordinal ?? 0) || weekdays.indexOf(a.day) - weekdays.indexOf(b.day),
    );
  }

  const byMonthDay = parts.get("BYMONTHDAY");
  if (byMonthDay !== undefined) {
    if (freq !== "MONTHLY" && freq !== "YEARLY")
      return fail("BYMONTHDAY", "is allowed only in MONTHLY and YEARLY rules");
    if (rule.byDay.length > 0) return fail("BYMONTHDAY", "cannot be combined with BYDAY");
    const days = list(
      byMonthDay,
      (d) => integerIn(d, -31, 31, true) || null,
      (d) => d,
    );
    if (days === null)
      return fail("BYMONTHDAY", "must be days 1 to 31, or -31 to -1 counted from the month's end (-1 is the last day)");
    rule.byMonthDay = days.sort((a, b) => a - b);
  }

  const byMonth = parts.get("BYMONTH");
  if (byMonth !== undefined) {
    const months = list(
      byMonth,
      (m) => integerIn(m, 1, 12),
      (m) => m,
    );
    if (months === null) return fail("BYMONTH", "must be months 1 to 12");
    rule.byMonth = months.sort((a, b) => a - b);
  }

  const count = parts.get("COUNT");
  if (count !== undefined) {
    const value = integerIn(count, 1, MAX_COUNT);
    if (value === null) return fail("COUNT", `must be a whole number from 1 to ${MAX_COUNT}`);
    rule.count = value;
  }

  const until = parts.get("UNTIL");
  if (until !== undefined) {
    if (count !== undefined) return fail("UNTIL", "cannot be combined with COUNT (RFC 5545)");
    const value = parseUntil(until);
    if (value === null) return fail("UNTIL", "must be a date YYYYMMDD or a UTC date-time YYYYMMDDTHHMMSSZ");
    rule.until = value;
  }
  return { ok: true, rule };
}

/** The one way a rule is written: parts in a fixed order, lists sorted, INTERVAL=1 left out. */
export function formatRule(rule: ParsedRule): string {
  const parts = [`FREQ=${rule.freq}`];
  if (rule.interval !== 1) parts.push(`INTERVAL=${rule.interval}`);
  if (rule.byMonth.length > 0) parts.push(`BYMONTH=${rule.byMonth.join(",")}`);
  if (rule.byMonthDay.length > 0) parts.push(`BYMONTHDAY=${rule.byMonthDay.join(",")}`);
  if (rule.byDay.length > 0) parts.push(`BYDAY=${rule.byDay.map((d) => `${d.ordinal ?? ""}${d.day}`).join(",")}`);
  if (rule.count !== undefined) parts.push(`COUNT=${rule.count}`);
  if (rule.until !== undefined) parts.push(`UNTIL=${rule.until}`);
  return parts.join(";");
}

export interface ReminderDuration {
  /** Calendar days (weeks folded in): counted on the wall clock of the owner's zone. */
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

const DURATION = /^P(?:(\d{1,5})W|(?:(\d{1,5})D)?(?:T(?:(\d{1,7})H)?(?:(\d{1,7})M)?(?:(\d{1,9})S)?)?)$/;

/**
 * An ISO 8601 duration of weeks, or of days and a time part, 0 to 30 days long; null otherwise.
 * Months and years are refused: their length depends on the month.
 */
export function parseDuration(input: string): ReminderDuration | null {
  const text = input.trim().toUpperCase();
  const m = DURATION.exec(text);
  if (!m || text === "P" || text.endsWith("T")) return null;
  const [, w, d, h, mi, s] = m.map((v) => (v === undefined ? 0 : Number(v)));
  const seconds = (s ?? 0) + 60 * (mi ?? 0) + 3600 * (h ?? 0);
  const days = (d ?? 0) + 7 * (w ?? 0);
  if (days * 86_400 + seconds > MAX_REMINDER_SECONDS) return null;
  return { days, hours: Math.floor(seconds / 3600), minutes: Math.floor(seconds / 60) % 60, seconds: seconds % 60 };
}

/** The one way a duration is written: P1DT1H30M, PT15M, PT0S (hours are not folded into days). */
export function formatDuration(duration: ReminderDuration): string {
  const { days, hours, minutes, seconds } = duration;
  const time = `${hours ? `${hours}H` : ""}${minutes ? `${minutes}M` : ""}${seconds ? `${seconds}S` : ""}`;
  if (!days && !time) return "PT0S";
  return `P${days ? `${days}D` : ""}${time ? `T${time}` : ""}`;
}

export const ruleSchema = z
  .string({ error: "must be an RRULE string, e.g. FREQ=WEEKLY;BYDAY=MO,WE" })
  .max(RULE_MAX_LENGTH, { error: `must be at most ${RULE_MAX_LENGTH} characters` })
  .transform((value, ctx) => {
    const parsed = parseRule(value);
    if (!parsed.ok) {
      ctx.addIssue({ code: "custom", message: parsed.message, params: { part: parsed.part } });
      return z.NEVER;
    }
    return formatRule(parsed.rule);
  })
  .meta({ example: "FREQ=WEEKLY;BYDAY=MO,WE" });

export const recurrenceSchema = z
  .strictObject({
    rule: ruleSchema.describe(
      "An RFC 5545 RRULE using FREQ (DAILY, WEEKLY, MONTHLY, YEARLY), INTERVAL, BYDAY, BYMONTHDAY, BYMONTH, COUNT, UNTIL; answered in a normalized form",
    ),
    from: z
      .enum(recurrenceFroms, { error: "must be due or completion" })
      .default("due")
      .describe("due: the next date follows the schedule; completion: it counts from when the task was done"),
  })
  .describe("How the task repeats; completing it creates the next occurrence");

export const reminderSchema = z.strictObject({
  before: z
    .string({ error: "must be an ISO 8601 duration, e.g. PT15M" })
    .max(40, { error: "must be an ISO 8601 duration, e.g. PT15M" })
    .transform((value, ctx) => {
      const duration = parseDuration(value);
      if (!duration) {
        ctx.addIssue({
          code: "custom",
          message:
            "must be an ISO 8601 duration of weeks, days, hours, minutes or seconds (e.g. PT15M, P1D), 0 to 30 days",
        });
        return z.NEVER;
      }
      return formatDuration(duration);
    })
    .describe("How long before dueAt the reminder fires (ISO 8601 duration, 0 to 30 days)")
    .meta({ example: "PT15M" }),
});
export type Reminder = z.output<typeof reminderSchema>;

/** Reminders: duplicates (after normalizing) removed, first occurrence's order kept, at most 5. */
export const remindersSchema = z
  .array(reminderSchema, { error: "must be an array of { before } objects" })
  .transform((reminders) => [...new Map(reminders.map((r) => [r.before, r])).values()])
  .pipe(
    z
      .array(z.object({ before: z.string() }))
      .max(MAX_REMINDERS, { error: `must have at most ${MAX_REMINDERS} different reminders` }),
  );
