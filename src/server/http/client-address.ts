import { isIPv4, isIPv6, SocketAddress } from "node:net";
import type { Context } from "hono";
import type { TrustProxyHeader } from "../config.js";

interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string } };
}

/**
 * The address a request came from, as a throttling key: the socket's peer, or, when TRUST_PROXY
 * names a header set by a proxy we run, the address that header carries. Forwarding headers are
 * ignored otherwise, so a client cannot choose its own throttling bucket.
 */
export function clientAddress(c: Context, trustProxy: TrustProxyHeader | undefined): string {
  const socket = (c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress;
  return pickClientAddress(trustProxy, trustProxy ? c.req.header(trustProxy) : undefined, socket);
}

/**
 * The address in the trusted header's value if it holds one, else the socket's; normalised by
 * `normalizeAddress`. Anything that is not an address (garbage, `unknown`, an obfuscated
 * `_hidden` Forwarded node) falls back to the socket, so it never buys a fresh bucket.
 *
 * @example
 *   pickClientAddress("x-forwarded-for", "203.0.113.9, 198.51.100.7:4711", "10.0.0.2"); // "198.51.100.7"
 *   pickClientAddress("forwarded", 'for="[2001:db8::1]:4711"', "10.0.0.2"); // "2001:db8::/64"
 *   pickClientAddress("x-real-ip", "unknown", "10.0.0.2"); // "10.0.0.2"
 */
export function pickClientAddress(
  trustProxy: TrustProxyHeader | undefined,
  headerValue: string | undefined,
  socketAddress: string | undefined,
): string {
  const node = trustProxy && headerValue ? nodeFromHeader(trustProxy, headerValue) : undefined;
  const fromProxy = node === undefined ? undefined : normalizeAddress(withoutPort(node));
  return fromProxy ?? normalizeAddress(socketAddress ?? "") ?? "unknown";
}

/** The client's node (address, maybe with a port) as the trusted header states it. */
function nodeFromHeader(name: TrustProxyHeader, value: string): string | undefined {
  // Our proxy appends what it saw to any list the client sent: only the right-most entry is its.
  const last = value.split(",").at(-1) ?? "";
  if (name === "x-forwarded-for") return last.trim();
  if (name === "forwarded") {
    // RFC 7239: `for=198.51.100.7;proto=https`, `For="[2001:db8::1]:4711"`.
    for (const pair of last.split(";")) {
      const [key = "", ...rest] = pair.split("=");
      if (key.trim().toLowerCase() === "for")
        return rest
          .join("=")
          .trim()
          .replace(/^"(.*)"$/, "$1");
    }
    return undefined;
  }
  // x-real-ip and cf-connecting-ip carry one address, never a list.
  return value.trim();
}

/**
 * `198.51.100.7:4711` → `198.51.100.7`, `[2001:db8::1]:4711` → `2001:db8::1`; a bare IPv6 address
 * stays whole. The port itself is dropped unread (RFC 7239 allows obfuscated ones, `:_p1`).
 */
function withoutPort(node: string): string {
  if (node.startsWith("[")) {
    const close = node.indexOf("]");
    const after = node.slice(close + 1);
    return close > 0 && (after === "" || after.startsWith(":")) ? node.slice(1, close) : "";
  }
  const colon = node.indexOf(":");
  return colon !== -1 && colon === node.lastIndexOf(":") ? node.slice(0, colon) : node;
}

/**
 * The throttling key for an IP address in any textual form, or undefined when `text` is not one.
 * IPv4-mapped IPv6 becomes plain IPv4; other IPv6 addresses become their /64 (zone id dropped),
 * since one client usually holds a whole /64 and could otherwise rotate through it.
 *
 * @example
 *   normalizeAddress("::FFFF:198.51.100.7"); // "198.51.100.7"
 *   normalizeAddress("2001:0DB8:0:0:1::5%eth0"); // "2001:db8::/64"
 *   normalizeAddress("unknown"); // undefined
 */
export function normalizeAddress(text: string): string | undefined {
  if (isIPv4(text)) return text;
  // A zone id (fe80::1%eth0) names an interface of the peer's host, not part of the address.
  const [address = ""] = text.split("%", 1);
  if (!isIPv6(address)) return undefined;
  const groups = ipv6Groups(address);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [high = 0, low = 0] = groups.slice(6);
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join(".");
  }
  const prefix = `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(":")}::`;
  // SocketAddress prints the prefix in its canonical (RFC 5952) form, e.g. 2001:db8::/64.
  return `${new SocketAddress({ address: prefix, family: "ipv6" }).address}/64`;
}

/** The eight 16-bit groups of a valid IPv6 address: compressed or not, any case, IPv4 tail or not. */
function ipv6Groups(address: string): number[] {
  const tail = address.slice(address.lastIndexOf(":") + 1);
  // An embedded IPv4 tail (::ffff:192.0.2.1, 64:ff9b::192.0.2.1) stands for the last two groups.
  const hex = isIPv4(tail) ? address.slice(0, -tail.length) + ipv4AsGroups(tail) : address;
  const parse = (part: string) => (part ? part.split(":").map((g) => Number.parseInt(g, 16)) : []);
  const [before = "", after] = hex.split("::");
  if (after === undefined) return parse(before);
  const head = parse(before);
  const rest = parse(after);
  return [...head, ...Array<number>(8 - head.length - rest.length).fill(0), ...rest];
}

function ipv4AsGroups(ipv4: string): string {
  const [a = 0, b = 0, c = 0, d = 0] = ipv4.split(".").map(Number);
  return `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}
