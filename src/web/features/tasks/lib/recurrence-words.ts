import {
  type ParsedRule,
  parseRule,
  type Recurrence,
  type RecurrenceFrom,
  type Weekday,
} from "../../../../shared/recurrence.js";

export const weekdayNames: Record<Weekday, string> = {
  MO: "Monday",
  TU: "Tuesday",
  WE: "Wednesday",
  TH: "Thursday",
  FR: "Friday",
  SA: "Saturday",
  SU: "Sunday",
};

export const monthNames = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
] as const;

const ordinalWords = ["", "first", "second", "third", "fourth", "fifth"];

/** "Monday", "Monday and Friday", "Monday, Wednesday and Friday". */
export function joinWithAnd(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** 1 → "1st", 22 → "22nd", 13 → "13th". */
export function numberth(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}

/** 2 → "second", -1 → "last", -2 → "second-to-last", 20 → "20th". */
function ordinalWord(n: number): string {
  if (n === -1) return "last";
  const word = (k: number) => ordinalWords[k] ?? numberth(k);
  return n > 0 ? word(n) : `${word(-n)}-to-last`;
}

/** BYMONTHDAY values: 15 → "15th", -1 → "last day", -2 → "second-to-last day". */
function monthDayWords(days: readonly number[]): string {
  return joinWithAnd(days.map((d) => (d > 0 ? numberth(d) : `${ordinalWord(d)} day`)));
}

const workweek: readonly Weekday[] = ["MO", "TU", "WE", "TH", "FR"];

/** Plain weekdays (no ordinals): "weekday", "day" for all seven, else the names. */
function weekdaySetWords(days: readonly Weekday[]): string {
  if (days.length === 7) return "day";
  if (days.length === 5 && workweek.every((d) => days.includes(d))) return "weekday";
  return joinWithAnd(days.map((d) => weekdayNames[d]));
}

function every(interval: number, unit: string): string {
  return interval === 1 ? `Every ${unit}` : `Every ${interval} ${unit}s`;
}

function inMonths(months: readonly number[]): string {
  return months.length > 0 ? ` in ${joinWithAnd(months.map((m) => monthNames[m - 1] ?? String(m)))}` : "";
}

function weekdayRule(rule: ParsedRule, unit: "day" | "week"): string {
  const plain = rule.byDay.map((d) => d.day);
  if (plain.length === 0) return every(rule.interval, unit) + inMonths(rule.byMonth);
  const days = weekdaySetWords(plain);
  const when =
    rule.interval === 1 ? `Every ${days}` : `${every(rule.interval, unit)} on ${days === "day" ? "every day" : days}`;
  return when + inMonths(rule.byMonth);
}

/** BYDAY in a monthly or yearly rule: "second Tuesday", "last Friday", "every Monday". */
function nthWeekdayWords(rule: ParsedRule): string {
  return joinWithAnd(
    rule.byDay.map((d) =>
      d.ordinal === undefined ? `every ${weekdayNames[d.day]}` : `the ${ordinalWord(d.ordinal)} ${weekdayNames[d.day]}`,
    ),
  );
}

function monthlyRule(rule: ParsedRule): string {
  const base = rule.interval === 1 ? "Monthly" : every(rule.interval, "month");
  let on = "";
  if (rule.byMonthDay.length > 0) on = ` on the ${monthDayWords(rule.byMonthDay)}`;
  else if (rule.byDay.length > 0) on = ` on ${nthWeekdayWords(rule)}`;
  return base + on + inMonths(rule.byMonth);
}

function yearlyRule(rule: ParsedRule): string {
  const base = every(rule.interval, "year");
  const months = rule.byMonth.map((m) => monthNames[m - 1] ?? String(m));
  const [onlyMonth] = months;
  if (rule.byMonthDay.length > 0) {
    const positive = rule.byMonthDay.every((d) => d > 0);
    if (months.length === 1 && positive) return `${base} on ${onlyMonth} ${joinWithAnd(rule.byMonthDay.map(String))}`;
    const of = months.length > 0 ? joinWithAnd(months) : "every month";
    return `${base} on the ${monthDayWords(rule.byMonthDay)} of ${of}`;
  }
  if (rule.byDay.length > 0) {
    const of =
      months.length > 0 ? ` of ${joinWithAnd(months)}` : rule.byDay.some((d) => d.ordinal) ? " of the year" : "";
    return `${base} on ${nthWeekdayWords(rule)}${of}`;
  }
  return base + inMonths(rule.byMonth);
}

/** UNTIL in words: "Dec 31, 2026", the date-time form read in `timeZone`. */
function untilWords(until: string, timeZone?: string): string {
  const [, y, m, d, time] = /^(\d{4})(\d{2})(\d{2})(T(\d{2})(\d{2})(\d{2})Z)?$/.exec(until) ?? [];
  const hms = time ? [time.slice(1, 3), time.slice(3, 5), time.slice(5, 7)].map(Number) : [0, 0, 0];
  const instant = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d), hms[0], hms[1], hms[2]));
  return instant.toLocaleDateString("en-US", {
    month: "short",
    day: "numeric",
    year: "numeric",
    // A date alone is a calendar day, not an instant: shown as written.
    timeZone: time ? timeZone : "UTC",
  });
}

/**
 * A parsed rule said in words, in English like the rest of the app.
 *
 * @example
 *   describeRule(parseRule("FREQ=WEEKLY;BYDAY=MO,WE").rule); // "Every Monday and Wednesday"
 *   describeRule(parseRule("FREQ=DAILY;INTERVAL=3").rule, "completion"); // "Every 3 days after completion"
 */
export function describeRule(rule: ParsedRule, from: RecurrenceFrom = "due", timeZone?: string): string {
  const words =
    rule.freq === "DAILY"
      ? weekdayRule(rule, "day")
      : rule.freq === "WEEKLY"
        ? weekdayRule(rule, "week")
        : rule.freq === "MONTHLY"
          ? monthlyRule(rule)
          : yearlyRule(rule);
  const after = from === "completion" ? " after completion" : "";
  const count = rule.count === undefined ? "" : rule.count === 1 ? ", once" : `, ${rule.count} times`;
  const until = rule.until === undefined ? "" : `, until ${untilWords(rule.until, timeZone)}`;
  return words + after + count + until;
}

/**
 * A task's recurrence in words; a rule this app cannot read (a newer server's) still says that
 * the task repeats. `timeZone` is where an UNTIL instant is read (the device's by default).
 */
export function describeRecurrence(recurrence: Recurrence, timeZone?: string): string {
  const parsed = parseRule(recurrence.rule);
  return parsed.ok ? describeRule(parsed.rule, recurrence.from, timeZone) : "Repeats";
}
