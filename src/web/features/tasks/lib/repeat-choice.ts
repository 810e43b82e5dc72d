import {
  type Frequency,
  formatRule,
  MAX_INTERVAL,
  type ParsedRule,
  parseRule,
  type Recurrence,
  type RecurrenceFrom,
  type Weekday,
  weekdays,
} from "../../../../shared/recurrence.js";
import { describeRecurrence, monthNames, numberth } from "./recurrence-words.js";

/**
 * The edit dialog's "Repeat" choices. `keep` stands for a rule set elsewhere (the API) that none
 * of the others can express: it is kept as it is unless the person picks another.
 */
export const repeatKinds = [
  "none",
  "daily",
  "weekdays",
  "weekly",
  "monthly-day",
  "monthly-last",
  "yearly",
  "custom",
  "keep",
] as const;
export type RepeatKind = (typeof repeatKinds)[number];

export interface RepeatValues {
  kind: RepeatKind;
  /** The weekly choice's days. */
  days: Weekday[];
  /** The custom choice: every `every` (as typed) `unit`s. */
  every: string;
  unit: Frequency;
  from: RecurrenceFrom;
  /** The task's own rule, for `keep`. */
  kept: Recurrence | null;
}

export const unitLabels: Record<Frequency, { one: string; many: string }> = {
  DAILY: { one: "day", many: "days" },
  WEEKLY: { one: "week", many: "weeks" },
  MONTHLY: { one: "month", many: "months" },
  YEARLY: { one: "year", many: "years" },
};

const workweek: Weekday[] = ["MO", "TU", "WE", "TH", "FR"];

/** The parts of a picked due day ("2026-03-15"), or null when none is picked. */
export function dayParts(day: string): { year: number; month: number; date: number; weekday: Weekday } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const [year, month, date] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const utc = new Date(Date.UTC(2000, month - 1, date));
  utc.setUTCFullYear(year);
  // getUTCDay counts from Sunday; weekdays start on Monday.
  const weekday = weekdays[(utc.getUTCDay() + 6) % 7] ?? "MO";
  return { year, month, date, weekday };
}

/** The label of each choice, naming the due day where the rule follows it ("Monthly on the 15th"). */
export function repeatLabel(kind: RepeatKind, dueDay: string, kept: Recurrence | null): string {
  const due = dayParts(dueDay);
  switch (kind) {
    case "none":
      return "Does not repeat";
    case "daily":
      return "Every day";
    case "weekdays":
      return "Every weekday (Monday to Friday)";
    case "weekly":
      return "Weekly on chosen days";
    case "monthly-day":
      return due ? `Monthly on the ${numberth(due.date)}` : "Monthly on the due day";
    case "monthly-last":
      return "Monthly on the last day";
    case "yearly":
      return due ? `Every year on ${monthNames[due.month - 1]} ${due.date}` : "Every year on the due day";
    case "custom":
      return "Custom…";
    case "keep":
      return kept ? describeRecurrence(kept) : "As set before";
  }
}

const noRepeat = (kept: Recurrence | null = null): RepeatValues => ({
  kind: "none",
  days: [],
  every: "2",
  unit: "WEEKLY",
  from: "due",
  kept,
});

const sameDays = (a: readonly Weekday[], b: readonly Weekday[]) =>
  a.length === b.length && a.every((d) => b.includes(d));

function hasNoByParts(rule: ParsedRule): boolean {
  return rule.byDay.length === 0 && rule.byMonthDay.length === 0 && rule.byMonth.length === 0;
}

/** Which choice a stored rule is, given the due day; a rule none of them writes is `keep`. */
function kindOf(rule: ParsedRule, dueDay: string): Omit<RepeatValues, "from" | "kept"> | null {
  const base = { ...noRepeat(), kind: "custom" as RepeatKind };
  if (rule.count !== undefined || rule.until !== undefined) return null;
  const due = dayParts(dueDay);
  const plainDays = rule.byDay.every((d) => d.ordinal === undefined) ? rule.byDay.map((d) => d.day) : null;
  if (hasNoByParts(rule)) {
    if (rule.freq === "DAILY" && rule.interval === 1) return { ...base, kind: "daily" };
    return { ...base, kind: "custom", every: String(rule.interval), unit: rule.freq };
  }
  if (rule.interval !== 1) return null;
  const onlyByDay = rule.byMonthDay.length === 0 && rule.byMonth.length === 0;
  if (rule.freq === "WEEKLY" && onlyByDay && plainDays) {
    if (sameDays(plainDays, workweek)) return { ...base, kind: "weekdays" };
    return { ...base, kind: "weekly", days: plainDays };
  }
  const [monthDay, ...moreDays] = rule.byMonthDay;
  if (rule.byDay.length > 0 || monthDay === undefined || moreDays.length > 0) return null;
  if (rule.freq === "MONTHLY" && rule.byMonth.length === 0) {
    if (monthDay === -1) return { ...base, kind: "monthly-last" };
    if (monthDay === due?.date) return { ...base, kind: "monthly-day" };
  }
  const onDueDay = due !== null && monthDay === due.date;
  if (rule.freq === "YEARLY" && onDueDay && rule.byMonth.length === 1 && rule.byMonth[0] === due.month) {
    return { ...base, kind: "yearly" };
  }
  return null;
}

/**
 * The dialog's values for a task's recurrence (its due day decides whether "Monthly on the 15th"
 * is still the same rule).
 */
export function repeatValuesFrom(recurrence: Recurrence | null, dueDay: string): RepeatValues {
  if (!recurrence) return noRepeat();
  const parsed = parseRule(recurrence.rule);
  const kind = parsed.ok ? kindOf(parsed.rule, dueDay) : null;
  if (!kind) return { ...noRepeat(recurrence), kind: "keep", from: recurrence.from };
  return { ...kind, from: recurrence.from, kept: recurrence };
}

type Built = { ok: true; recurrence: Recurrence | null } | { ok: false; error: string };

function rule(parts: Partial<ParsedRule> & Pick<ParsedRule, "freq">): ParsedRule {
  return { interval: 1, byDay: [], byMonthDay: [], byMonth: [], ...parts };
}

/**
 * The recurrence the dialog's values stand for, written as the server normalizes it, or why it
 * cannot be saved. Every choice but "Does not repeat" needs a due day (the schedule starts there).
 *
 * @example
 *   buildRecurrence({ ...values, kind: "weekdays" }, "2026-03-16");
 *   // { ok: true, recurrence: { rule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", from: "due" } }
 */
export function buildRecurrence(values: RepeatValues, dueDay: string): Built {
  if (values.kind === "none") return { ok: true, recurrence: null };
  const due = dayParts(dueDay);
  if (!due) return { ok: false, error: "A repeating task needs a due date: pick one above" };
  const done = (parsed: ParsedRule): Built => ({
    ok: true,
    recurrence: { rule: formatRule(parsed), from: values.from },
  });
  switch (values.kind) {
    case "keep":
      return { ok: true, recurrence: values.kept && { ...values.kept, from: values.from } };
    case "daily":
      return done(rule({ freq: "DAILY" }));
    case "weekdays":
      return done(rule({ freq: "WEEKLY", byDay: workweek.map((day) => ({ day })) }));
    case "weekly": {
      if (values.days.length === 0) return { ok: false, error: "Pick at least one day of the week" };
      const days = weekdays.filter((d) => values.days.includes(d));
      return done(rule({ freq: "WEEKLY", byDay: days.map((day) => ({ day })) }));
    }
    case "monthly-day":
      return done(rule({ freq: "MONTHLY", byMonthDay: [due.date] }));
    case "monthly-last":
      return done(rule({ freq: "MONTHLY", byMonthDay: [-1] }));
    case "yearly":
      return done(rule({ freq: "YEARLY", byMonth: [due.month], byMonthDay: [due.date] }));
    case "custom": {
      const interval = /^\d{1,4}$/.test(values.every.trim()) ? Number(values.every) : Number.NaN;
      if (!(interval >= 1 && interval <= MAX_INTERVAL)) {
        return { ok: false, error: `Repeat every must be a whole number from 1 to ${MAX_INTERVAL}` };
      }
      return done(rule({ freq: values.unit, interval }));
    }
  }
}

/** The days the weekly choice starts with: the due day's weekday, or Monday. */
export function defaultWeeklyDays(dueDay: string): Weekday[] {
  return [dayParts(dueDay)?.weekday ?? "MO"];
}
