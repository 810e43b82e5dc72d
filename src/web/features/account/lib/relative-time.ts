const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

/**
 * When something happened, as a person says it: "just now", "5 minutes ago", "yesterday";
 * past a month, the date.
 */
export function relativeTime(iso: string, now = Date.now()): string {
  const at = Date.parse(iso);
  const ago = now - at;
  if (ago < 60_000) return "just now";
  if (ago >= 30 * 86_400_000) {
    return `on ${new Date(at).toLocaleDateString(undefined, { day: "numeric", month: "long", year: "numeric" })}`;
  }
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  for (const [unit, size] of units) {
    if (ago >= size) return format.format(-Math.floor(ago / size), unit);
  }
  return "just now";
}

/** The full date and time, for a title or a screen reader. */
export function fullTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "long", timeStyle: "short" });
}
