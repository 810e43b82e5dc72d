import { isIPv4, isIPv6 } from "node:net";
import UAParser from "ua-parser-js";
import { normalizeAddress } from "../http/client-address.js";

// ua-parser-js stays on 1.x: it is MIT-licensed, while 2.x is AGPL-3.0, which would bind the
// whole server. The parsing rules are the library's; only the names people know are ours.
const OS_NAMES: Record<string, string> = { "Mac OS": "macOS", "Chromium OS": "ChromeOS" };

/**
 * The device of a stored User-Agent as a person reads it in a list of sessions: "Firefox 132 on
 * macOS", "Mobile Safari 17 on iOS". Null when there is none or the parser recognises neither the
 * browser nor the system (curl, scripts): a raw header would tell a person little.
 */
export function deviceLabel(userAgent: string | null): string | null {
  if (!userAgent) return null;
  const { browser, os } = new UAParser(userAgent).getResult();
  const app = browser.name ? [browser.name, browser.major].filter(Boolean).join(" ") : undefined;
  const system = os.name ? (OS_NAMES[os.name] ?? os.name) : undefined;
  if (app && system) return `${app} on ${system}`;
  return app ?? system ?? null;
}

/**
 * A stored client address as the sessions list shows it: enough for the owner to recognise a
 * place or network, not enough to single out a machine. IPv4 loses its last octet
 * (`203.0.113.x`); IPv6 is shown as its /64, which is how it is stored already (the throttle's
 * key, src/server/http/client-address.ts). Null when no address was recorded.
 */
export function maskedAddress(stored: string | null): string | null {
  if (!stored) return null;
  if (stored.endsWith("/64") && isIPv6(stored.slice(0, -3))) return stored;
  const address = normalizeAddress(stored);
  if (address === undefined) return null;
  if (isIPv4(address)) return `${address.slice(0, address.lastIndexOf("."))}.x`;
  return address;
}
