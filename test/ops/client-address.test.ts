import { isIPv4, isIPv6 } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultRateLimits, type RateLimits, type TrustProxyHeader } from "../../src/server/config.js";
import { normalizeAddress, pickClientAddress } from "../../src/server/http/client-address.js";
import { jsonRequest, uniqueEmail } from "../helpers/auth-client.js";
import { fuzzParameters } from "../helpers/fuzz-settings.js";
import { expectProblem } from "../helpers/problem-expectations.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

const SOCKET = "203.0.113.10";

describe("the client address taken from a trusted proxy header", () => {
  const cases: [TrustProxyHeader, string, string][] = [
    ["x-forwarded-for", "198.51.100.7", "198.51.100.7"],
    ["x-forwarded-for", "198.51.100.7:4711", "198.51.100.7"],
    ["x-forwarded-for", "10.1.1.1, 192.0.2.9,198.51.100.7:4711", "198.51.100.7"],
    ["x-forwarded-for", "[2001:db8::1]:4711", "2001:db8::/64"],
    ["x-forwarded-for", "[2001:db8::1]", "2001:db8::/64"],
    ["x-forwarded-for", "2001:db8::1", "2001:db8::/64"],
    ["x-forwarded-for", "198.51.100.7, unknown", SOCKET],
    ["x-forwarded-for", "198.51.100.7, ", SOCKET],
    ["x-forwarded-for", "[2001:db8::1]x", SOCKET],
    ["x-forwarded-for", "[2001:db8::1", SOCKET],
    ["x-forwarded-for", "198.51.100.7 4711", SOCKET],
    ["x-forwarded-for", "198.51.100.256", SOCKET],
    ["x-forwarded-for", "0x7f.1", SOCKET],
    ["x-forwarded-for", "0177.0.0.1", SOCKET],
    ["x-forwarded-for", "198.51.100.7%eth0", SOCKET],
    ["x-forwarded-for", "localhost", SOCKET],
    ["x-real-ip", " 198.51.100.7 ", "198.51.100.7"],
    ["x-real-ip", "198.51.100.7:4711", "198.51.100.7"],
    ["x-real-ip", "[2001:DB8:0:0:1::1]:4711", "2001:db8::/64"],
    ["x-real-ip", "198.51.100.7, 198.51.100.8", SOCKET],
    ["x-real-ip", "unknown", SOCKET],
    ["cf-connecting-ip", "2001:db8:aaaa:1:2:3:4:5", "2001:db8:aaaa:1::/64"],
    ["cf-connecting-ip", "::ffff:198.51.100.7", "198.51.100.7"],
    ["cf-connecting-ip", "", SOCKET],
    ["forwarded", "for=198.51.100.7", "198.51.100.7"],
    ["forwarded", 'for="198.51.100.7:4711"', "198.51.100.7"],
    ["forwarded", 'for="[2001:db8::1]:4711"', "2001:db8::/64"],
    ["forwarded", 'for="[2001:db8::1]"', "2001:db8::/64"],
    ["forwarded", "For=198.51.100.7;proto=https;by=10.0.0.1", "198.51.100.7"],
    ["forwarded", "proto=https; for=198.51.100.7", "198.51.100.7"],
    ["forwarded", "for=192.0.2.1, for=198.51.100.7", "198.51.100.7"],
    ["forwarded", "for=198.51.100.7, for=unknown", SOCKET],
    ["forwarded", "for=198.51.100.7, for=_hidden", SOCKET],
    ["forwarded", 'for="_gazonk"', SOCKET],
    ["forwarded", 'for="198.51.100.7:_p1"', "198.51.100.7"],
    ["forwarded", 'for="[2001:db8::1]x:4711"', SOCKET],
    ["forwarded", "proto=https", SOCKET],
    ["forwarded", 'for="198.51.100.7', SOCKET],
  ];

  it.each(cases)("%s: %j → %s", (header, value, expected) => {
    expect(pickClientAddress(header, value, SOCKET)).toBe(expected);
  });

  it("is the socket's address without TRUST_PROXY or without the header", () => {
    expect(pickClientAddress(undefined, "198.51.100.7", SOCKET)).toBe(SOCKET);
    expect(pickClientAddress("x-forwarded-for", undefined, "::ffff:203.0.113.10")).toBe(SOCKET);
    expect(pickClientAddress("x-forwarded-for", undefined, "fe80::1:2%eth0")).toBe("fe80::/64");
    expect(pickClientAddress("x-forwarded-for", undefined, undefined)).toBe("unknown");
  });
});

describe("normalizeAddress", () => {
  const cases: [string, string | undefined][] = [
    ["198.51.100.7", "198.51.100.7"],
    ["::ffff:198.51.100.7", "198.51.100.7"],
    ["::FFFF:198.51.100.7", "198.51.100.7"],
    ["::ffff:c633:6407", "198.51.100.7"],
    ["0:0:0:0:0:ffff:c633:6407", "198.51.100.7"],
    ["2001:db8:aaaa:1::5", "2001:db8:aaaa:1::/64"],
    ["2001:0DB8:AAAA:0001:0000:0000:0000:0005", "2001:db8:aaaa:1::/64"],
    ["2001:db8::", "2001:db8::/64"],
    ["2001:db8:0:0:ffff::", "2001:db8::/64"],
    ["0:0:0:1::", "0:0:0:1::/64"],
    ["::1", "::/64"],
    ["::", "::/64"],
    ["::198.51.100.7", "::/64"],
    ["64:ff9b::198.51.100.7", "64:ff9b::/64"],
    ["1:2:3:4:5:6:198.51.100.7", "1:2:3:4::/64"],
    ["fe80::1%eth0", "fe80::/64"],
    ["fe80::1%25eth0", "fe80::/64"],
    ["1::2::3", undefined],
    ["2001:db8::1::", undefined],
    ["12345::1", undefined],
    ["%eth0", undefined],
    ["", undefined],
    ["unknown", undefined],
  ];

  it.each(cases)("%j → %s", (text, expected) => {
    expect(normalizeAddress(text)).toBe(expected);
  });
});

/** A throttling key: an IPv4 address, or an IPv6 /64 prefix. */
const isAddressKey = (key: string) => isIPv4(key) || (key.endsWith("::/64") && isIPv6(key.slice(0, -3)));

const hex = (group: number) => group.toString(16);

/** Ways an address is written: full, short, compressed, upper case, with an IPv4 tail, with a zone. */
function ipv6Forms(groups: number[]): string[] {
  const short = groups.map(hex);
  const zero = groups.indexOf(0);
  let end = zero;
  while (end < 8 && groups[end] === 0) end++;
  const compressed = zero === -1 ? short.join(":") : `${short.slice(0, zero).join(":")}::${short.slice(end).join(":")}`;
  const [g6 = 0, g7 = 0] = groups.slice(6);
  const ipv4Tail = [g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff].join(".");
  return [
    groups.map((g) => hex(g).padStart(4, "0")).join(":"),
    short.join(":"),
    compressed,
    compressed.toUpperCase(),
    `${short.slice(0, 6).join(":")}:${ipv4Tail}`,
    `${compressed}%eth0`,
  ];
}

/** The same address as each trusted header would carry it. */
const headerForms = (address: string): [TrustProxyHeader, string][] => [
  ["x-forwarded-for", `192.0.2.1, ${address}`],
  ["x-forwarded-for", `[${address}]:4711`],
  ["x-real-ip", address],
  ["cf-connecting-ip", `[${address}]`],
  ["forwarded", `for=192.0.2.1, for="[${address}]:4711";proto=https`],
];

const anyGroup = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
const ipv6Groups = fc.oneof(
  fc.array(anyGroup, { minLength: 8, maxLength: 8 }),
  // IPv4-mapped: ::ffff:a.b.c.d
  fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff })).map(([a, b]) => {
    return [0, 0, 0, 0, 0, 0xffff, a, b];
  }),
);

describe("the client address, for any input (property)", () => {
  const sockets = fc.constantFrom(SOCKET, "2001:db8:ffff:1::1", "::ffff:203.0.113.11");
  const headers = fc.constantFrom<TrustProxyHeader>("x-forwarded-for", "x-real-ip", "forwarded", "cf-connecting-ip");
  // Fragments that address parsers trip over, glued together in any order.
  const fragment = fc.oneof(
    fc.constantFrom("[", "]", ":", "::", ",", ";", "=", '"', "%", ".", " ", "for=", "For=", "_hidden", "unknown"),
    fc.constantFrom("ffff", "0", "255", "256", "2001", "db8", "198.51.100.7", "4711", "-1", "0x7f", "\u0000", "１"),
    fc.string({ maxLength: 6 }),
  );
  const headerValue = fc.oneof(
    fc.string(),
    fc.array(fragment, { maxLength: 16 }).map((parts) => parts.join("")),
  );

  it("is an IPv4 address, an IPv6 /64 or the socket's address, and never throws", () => {
    fc.assert(
      fc.property(headers, headerValue, sockets, (header, value, socket) => {
        const key = pickClientAddress(header, value, socket);
        expect(key === normalizeAddress(socket) || isAddressKey(key)).toBe(true);
      }),
      fuzzParameters(2000),
    );
  });

  it("is any IPv4 address itself, in every header, with or without a port", () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 1, max: 65535 }), (ipv4, port) => {
        for (const [header, value] of headerForms(ipv4)) {
          expect(pickClientAddress(header, value, SOCKET)).toBe(ipv4);
        }
        expect(pickClientAddress("x-forwarded-for", `${ipv4}:${port}`, SOCKET)).toBe(ipv4);
        expect(pickClientAddress("forwarded", `for="${ipv4}:${port}"`, SOCKET)).toBe(ipv4);
      }),
      fuzzParameters(300),
    );
  });

  it("gives every textual form of an IPv6 address, in every header, one key", () => {
    fc.assert(
      fc.property(ipv6Groups, (groups) => {
        const keys = new Set(
          ipv6Forms(groups).flatMap((form) => [
            normalizeAddress(form),
            ...headerForms(form).map(([header, value]) => pickClientAddress(header, value, SOCKET)),
          ]),
        );
        expect(keys.size).toBe(1);
        const [key = ""] = keys;
        expect(isAddressKey(key)).toBe(true);
        if (groups[5] === 0xffff && groups.slice(0, 5).every((g) => g === 0)) expect(isIPv4(key)).toBe(true);
      }),
      fuzzParameters(500),
    );
  });

  it("shares a key across a /64 and only across a /64", () => {
    fc.assert(
      fc.property(ipv6Groups, ipv6Groups, (a, b) => {
        fc.pre(a[5] !== 0xffff && b[5] !== 0xffff);
        const sameNetwork = [...a.slice(0, 4), ...b.slice(4)];
        expect(normalizeAddress(sameNetwork.map(hex).join(":"))).toBe(normalizeAddress(a.map(hex).join(":")));
        const samePrefix = a.slice(0, 4).every((g, i) => g === b[i]);
        const keyA = normalizeAddress(a.map(hex).join(":"));
        const keyB = normalizeAddress(b.map(hex).join(":"));
        expect(keyA === keyB).toBe(samePrefix);
      }),
      fuzzParameters(500),
    );
  });
});

// Through the real app: per-address sign-in limits (docs/api.md, "Client address behind a
// proxy"). The limit is tight so that a few requests reach it; every request comes through a
// different proxy socket, so an address that fell back to the socket would never be limited.
const limits: RateLimits = { ...defaultRateLimits, signinFailuresPerAccount: 1000, signinFailuresPerAddress: 5 };
const ATTEMPTS = 60;
const limitedRun = [
  ...Array(limits.signinFailuresPerAddress).fill(401),
  ...Array(ATTEMPTS - limits.signinFailuresPerAddress).fill(429),
];

let proxied: TestApp;
let nextProxy = 1;
const proxySocket = () => `10.${(nextProxy >> 8) & 0xff}.${nextProxy++ & 0xff}.1`;

beforeAll(async () => {
  proxied = await createTestApp({ env: { TRUST_PROXY: "x-forwarded-for" }, config: { rateLimits: limits } });
});
afterAll(() => proxied.close());

/** A wrong sign-in for a fresh email (so only the address counter moves) through a fresh proxy. */
async function wrongSignin(app: TestApp, headers: Record<string, string>): Promise<Response> {
  return app.request("/api/auth/signin", {
    ...jsonRequest("POST", { email: uniqueEmail("spray"), password: "Summer2024!" }, headers),
    address: proxySocket(),
  });
}

/** The statuses of `ATTEMPTS` wrong sign-ins, one after another; every 429 says when to retry. */
async function statusesOf(app: TestApp, header: TrustProxyHeader, valueFor: (i: number) => string) {
  const statuses: number[] = [];
  for (let i = 0; i < ATTEMPTS; i++) {
    const res = await wrongSignin(app, { [header]: valueFor(i) });
    statuses.push(res.status);
    if (res.status === 429) expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    await res.body?.cancel();
  }
  return statuses;
}

describe("sign-in limits per client address behind a proxy (TRUST_PROXY)", () => {
  it("count 198.51.100.7 on changing ports exactly as the same address without a port", async () => {
    expect(await statusesOf(proxied, "x-forwarded-for", () => "198.51.100.8")).toEqual(limitedRun);
    expect(await statusesOf(proxied, "x-forwarded-for", (i) => `198.51.100.7:${40000 + i}`)).toEqual(limitedRun);

    await expectProblem(await wrongSignin(proxied, { "x-forwarded-for": "198.51.100.7" }), 429, "rate_limited");
    const neighbour = await wrongSignin(proxied, { "x-forwarded-for": "198.51.100.9:40000" });
    await expectProblem(neighbour, 401, "invalid_credentials");
  });

  it("count bracketed IPv6 addresses with ports per /64, whatever their interface id and spelling", async () => {
    const spellings = (i: number) =>
      [`[2001:db8:7:7::${hex(i + 1)}]`, `[2001:DB8:7:7:${hex(i)}::1]`, `[2001:0db8:0007:0007:0:0:0:${hex(i)}]`][i % 3];
    const statuses = await statusesOf(proxied, "x-forwarded-for", (i) => `${spellings(i)}:${50000 + i}`);
    expect(statuses).toEqual(limitedRun);

    const sameNetwork = await wrongSignin(proxied, { "x-forwarded-for": "2001:db8:7:7:ffff:ffff:ffff:ffff" });
    await expectProblem(sameNetwork, 429, "rate_limited");
    const nextNetwork = await wrongSignin(proxied, { "x-forwarded-for": "[2001:db8:7:8::1]:4711" });
    await expectProblem(nextNetwork, 401, "invalid_credentials");
  });

  it("count a burst from changing ports no more loosely than one at a time", async () => {
    const burst = await Promise.all(
      Array.from({ length: 20 }, (_, i) => wrongSignin(proxied, { "x-forwarded-for": `198.51.100.30:${i + 1}` })),
    );
    const statuses = burst.map((res) => res.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(limits.signinFailuresPerAddress);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20 - limits.signinFailuresPerAddress);
  });

  it("count a value that is not an address (garbage, unknown, an obfuscated node) as the socket's", async () => {
    const garbage = ["unknown", "_hidden", "198.51.100.300", "[2001:db8::1", "", "not an address"];
    const socket = "192.0.2.77";
    for (let i = 0; i < limits.signinFailuresPerAddress; i++) {
      const res = await proxied.request("/api/auth/signin", {
        ...jsonRequest(
          "POST",
          { email: uniqueEmail("garbage"), password: "guess" },
          { "x-forwarded-for": garbage[i % garbage.length] ?? "" },
        ),
        address: socket,
      });
      await expectProblem(res, 401, "invalid_credentials");
    }
    const res = await proxied.request("/api/auth/signin", {
      ...jsonRequest("POST", { email: uniqueEmail("garbage"), password: "guess" }, { "x-forwarded-for": "_x" }),
      address: socket,
    });
    await expectProblem(res, 429, "rate_limited");
  });

  it.each<[TrustProxyHeader, (i: number) => string]>([
    ["forwarded", (i) => `for=192.0.2.1;proto=https, for="[2001:db8:9:9::${hex(i)}]:${1000 + i}";proto=https`],
    ["forwarded", (i) => `For="198.51.100.40:${1000 + i}"`],
    ["x-real-ip", (i) => `198.51.100.41:${1000 + i}`],
    ["cf-connecting-ip", (i) => `[2001:db8:9:a:${hex(i)}::1]:${1000 + i}`],
  ])("with TRUST_PROXY=%s, count the address without its port and brackets", async (header, valueFor) => {
    const app = await createTestApp({
      database: proxied.database,
      env: { TRUST_PROXY: header },
      config: { rateLimits: limits },
    });
    try {
      expect(await statusesOf(app, header, valueFor)).toEqual(limitedRun);
    } finally {
      await app.close();
    }
  });
});
