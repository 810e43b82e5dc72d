import type { Context } from "hono";
import type { TrustProxyHeader } from "../config.js";

interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string } };
}

/**
 * The address a request came from: the socket's peer, or, when TRUST_PROXY names a header set by
 * a proxy we run, the address that header carries. Forwarding headers are ignored otherwise, so a
 * client cannot choose its own throttling bucket.
 */
export function clientAddress(c: Context, trustProxy: TrustProxyHeader | undefined): string {
  const fromProxy = trustProxy ? addressFromHeader(trustProxy, c.req.header(trustProxy)) : undefined;
  const socket = (c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress;
  return normalizeAddress(fromProxy ?? socket ?? "unknown");
}

function addressFromHeader(name: TrustProxyHeader, value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (name === "x-forwarded-for") {
    // Our proxy appends the peer it saw: the right-most entry is the one it vouches for.
    return value
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)
      .at(-1);
  }
  if (name === "forwarded") {
    const last = value.split(",").at(-1) ?? "";
    const match = /(?:^|;)\s*for=("?)\[?([^\]";]+)\]?\1/i.exec(last);
    return match?.[2];
  }
  return value.trim() || undefined;
}

/**
 * IPv4-mapped IPv6 becomes plain IPv4; other IPv6 addresses are cut to their /64, since one
 * client usually holds a whole /64 and could otherwise rotate through it to dodge a throttle.
 */
export function normalizeAddress(address: string): string {
  const lower = address.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped?.[1]) return mapped[1];
  if (!lower.includes(":")) return lower;
  const [head = "", tail = ""] = lower.split("::");
  const headParts = head ? head.split(":") : [];
  const tailParts = tail ? tail.split(":") : [];
  const missing = Math.max(0, 8 - headParts.length - tailParts.length);
  const full = lower.includes("::") ? [...headParts, ...Array(missing).fill("0"), ...tailParts] : headParts;
  return `${full
    .slice(0, 4)
    .map((p) => p.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
