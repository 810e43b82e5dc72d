export interface TimeZoneOption {
  value: string;
  label: string;
}

/**
 * The time zones to choose from: every one the browser knows (Intl.supportedValuesOf), plus UTC
 * (which it lists under Etc, if at all) and `keep` (the saved zone, perhaps spelled otherwise by
 * the server's runtime, as Asia/Calcutta for Asia/Kolkata), so that the saved value is always
 * one of the options. Each label carries the zone's offset now: "Europe/Paris (GMT+1)".
 */
export function timeZoneOptions(keep: readonly string[], now = new Date()): TimeZoneOption[] {
  const names = new Set<string>(["UTC"]);
  for (const name of supportedTimeZones()) names.add(name);
  for (const name of keep) if (name) names.add(name);
  return [...names].map((value) => ({ value, label: labelOf(value, now) }));
}

function supportedTimeZones(): string[] {
  const intl = Intl as { supportedValuesOf?: (key: "timeZone") => string[] };
  return intl.supportedValuesOf?.("timeZone") ?? [];
}

/** "America/Argentina/Buenos_Aires" → "America/Argentina/Buenos Aires (GMT-3)". */
export function labelOf(zone: string, now: Date): string {
  const name = zone.replaceAll("_", " ");
  try {
    const offset = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "shortOffset" })
      .formatToParts(now)
      .find((part) => part.type === "timeZoneName")?.value;
    return offset ? `${name} (${offset})` : name;
  } catch {
    return name;
  }
}
