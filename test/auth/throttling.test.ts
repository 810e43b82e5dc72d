import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultRateLimits, type RateLimits } from "../../src/server/config.js";
import { jsonRequest, type SignedInUser, STRONG_PASSWORD, uniqueEmail } from "../helpers/auth-client.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { expectProblem } from "./http-expectations.js";

// Tight limits so that a handful of requests reach them. Each test uses its own accounts and its
// own client addresses (198.51.100.x is a documentation range), so tests never share a counter.
const limits: RateLimits = {
  ...defaultRateLimits,
  signinFailuresPerAccount: 2,
  signinFailuresPerAddress: 3,
  signupsPerAddress: 2,
};

let t: TestApp;
let nextAddress = 1;
const freshAddress = () => `198.51.100.${nextAddress++}`;

beforeAll(async () => {
  t = await createTestApp({ config: { rateLimits: limits } });
});
afterAll(() => t.close());

function signin(
  app: TestApp,
  email: string,
  password: string,
  init: { address: string; headers?: Record<string, string> },
) {
  return app.request("/api/auth/signin", {
    ...jsonRequest("POST", { email, password }, init.headers),
    address: init.address,
  });
}

/** Signs a user up from an address of its own, so that sign-up counters stay out of the way. */
const newUser = () => signUpFrom(freshAddress());

async function signUpFrom(address: string): Promise<SignedInUser> {
  const email = uniqueEmail();
  const res = await t.request("/api/auth/signup", {
    ...jsonRequest("POST", { email, password: STRONG_PASSWORD }),
    address,
  });
  expect(res.status).toBe(201);
  return { ...(await res.json()), email, password: STRONG_PASSWORD };
}

async function expectRateLimited(res: Response): Promise<void> {
  await expectProblem(res, 429, "rate_limited");
  const retryAfter = res.headers.get("retry-after") ?? "";
  expect(retryAfter).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThan(0);
  expect(Number(retryAfter)).toBeLessThanOrEqual(limits.signinWindowSeconds);
}

describe("failed sign-ins for one account", () => {
  it("are answered 429 rate_limited with Retry-After once the account's limit is used up", async () => {
    const user = await newUser();
    for (let i = 0; i < limits.signinFailuresPerAccount; i++) {
      const res = await signin(t, user.email, "wrong passphrase", { address: freshAddress() });
      await expectProblem(res, 401, "invalid_credentials");
    }
    await expectRateLimited(await signin(t, user.email, "wrong passphrase", { address: freshAddress() }));
  });

  it("lock the account for everyone, even with the right password, while the window lasts", async () => {
    const user = await newUser();
    for (let i = 0; i < limits.signinFailuresPerAccount; i++) {
      await signin(t, user.email, "wrong passphrase", { address: freshAddress() });
    }
    await expectRateLimited(await signin(t, user.email, user.password, { address: freshAddress() }));
  });

  it("are counted whatever the letter case of the email", async () => {
    const user = await newUser();
    // None of these is the lower-case form checked last, so only a shared counter can trip it.
    const variants = [user.email.toUpperCase(), ` ${user.email[0]?.toUpperCase()}${user.email.slice(1)} `];
    expect(variants).toHaveLength(limits.signinFailuresPerAccount);
    for (const email of variants) await signin(t, email, "wrong passphrase", { address: freshAddress() });
    await expectRateLimited(await signin(t, user.email, "wrong passphrase", { address: freshAddress() }));
  });

  it("are counted for an account that does not exist, with the same answers", async () => {
    const email = uniqueEmail("ghost");
    for (let i = 0; i < limits.signinFailuresPerAccount; i++) {
      await expectProblem(await signin(t, email, "guess", { address: freshAddress() }), 401, "invalid_credentials");
    }
    await expectRateLimited(await signin(t, email, "guess", { address: freshAddress() }));
  });

  it("are forgotten after a successful sign-in", async () => {
    const user = await newUser();
    const address = freshAddress();
    for (let i = 0; i < limits.signinFailuresPerAccount - 1; i++) {
      await signin(t, user.email, "wrong passphrase", { address });
    }
    expect((await signin(t, user.email, user.password, { address })).status).toBe(200);
    // Without the reset, the second of these would already be throttled.
    for (let i = 0; i < limits.signinFailuresPerAccount; i++) {
      const res = await signin(t, user.email, "wrong passphrase", { address: freshAddress() });
      await expectProblem(res, 401, "invalid_credentials");
    }
    await expectRateLimited(await signin(t, user.email, "wrong passphrase", { address: freshAddress() }));
  });

  it("include over-long passwords, which are never hashed", async () => {
    const user = await newUser();
    for (let i = 0; i < limits.signinFailuresPerAccount; i++) {
      await signin(t, user.email, "x".repeat(200), { address: freshAddress() });
    }
    await expectRateLimited(await signin(t, user.email, user.password, { address: freshAddress() }));
  });
});

describe("failed sign-ins from one address (password spraying)", () => {
  it("are answered 429 for that address across many emails, while another address still gets 401", async () => {
    const sprayer = freshAddress();
    for (let i = 0; i < limits.signinFailuresPerAddress; i++) {
      const res = await signin(t, uniqueEmail("spray"), "Summer2024!", { address: sprayer });
      await expectProblem(res, 401, "invalid_credentials");
    }
    await expectRateLimited(await signin(t, uniqueEmail("spray"), "Summer2024!", { address: sprayer }));

    const bystander = await signin(t, uniqueEmail("spray"), "Summer2024!", { address: freshAddress() });
    await expectProblem(bystander, 401, "invalid_credentials");
  });

  it("share one counter across an IPv6 /64, and IPv4-mapped IPv6 counts as the IPv4 address", async () => {
    for (let i = 0; i < limits.signinFailuresPerAddress; i++) {
      await signin(t, uniqueEmail("v6"), "guess", { address: `2001:db8:aaaa:1::${i + 1}` });
    }
    await expectRateLimited(await signin(t, uniqueEmail("v6"), "guess", { address: "2001:db8:aaaa:1:ffff::99" }));
    await expectProblem(
      await signin(t, uniqueEmail("v6"), "guess", { address: "2001:db8:aaaa:2::1" }),
      401,
      "invalid_credentials",
    );

    const v4 = freshAddress();
    for (let i = 0; i < limits.signinFailuresPerAddress; i++) {
      await signin(t, uniqueEmail("mapped"), "guess", { address: `::ffff:${v4}` });
    }
    await expectRateLimited(await signin(t, uniqueEmail("mapped"), "guess", { address: v4 }));
  });
});

describe("sign-ups from one address", () => {
  it("are answered 429 with Retry-After beyond the limit, while another address may still sign up", async () => {
    const address = freshAddress();
    for (let i = 0; i < limits.signupsPerAddress; i++) await signUpFrom(address);
    const res = await t.request("/api/auth/signup", {
      ...jsonRequest("POST", { email: uniqueEmail(), password: STRONG_PASSWORD }),
      address,
    });
    await expectProblem(res, 429, "rate_limited");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number.isInteger(Number(res.headers.get("retry-after")))).toBe(true);
    await signUpFrom(freshAddress());
  });
});

describe("the counters", () => {
  it("live in the database: a second app over the same database sees the first one's failures", async () => {
    const second = await createTestApp({ database: t.database, config: { rateLimits: limits } });
    try {
      const user = await newUser();
      for (let i = 0; i < limits.signinFailuresPerAccount; i++) {
        await signin(t, user.email, "wrong passphrase", { address: freshAddress() });
      }
      await expectRateLimited(await signin(second, user.email, user.password, { address: freshAddress() }));
    } finally {
      await second.close();
    }
  });
});

describe("X-Forwarded-For", () => {
  it("is ignored without TRUST_PROXY: a client cannot pick a fresh throttling bucket", async () => {
    const socket = freshAddress();
    for (let i = 0; i < limits.signinFailuresPerAddress; i++) {
      const headers = { "x-forwarded-for": `192.0.2.${i + 1}` };
      await signin(t, uniqueEmail("xff"), "guess", { address: socket, headers });
    }
    const res = await signin(t, uniqueEmail("xff"), "guess", {
      address: socket,
      headers: { "x-forwarded-for": "192.0.2.200" },
    });
    await expectRateLimited(res);
  });

  it("with TRUST_PROXY=x-forwarded-for, is read from its right-most entry", async () => {
    const proxied = await createTestApp({
      database: t.database,
      env: { TRUST_PROXY: "x-forwarded-for" },
      config: { rateLimits: limits },
    });
    try {
      const proxy = freshAddress();
      const client = freshAddress();
      // The left-most entries are whatever the client claimed; only the last one is vouched for.
      for (let i = 0; i < limits.signinFailuresPerAddress; i++) {
        const headers = { "x-forwarded-for": `10.0.0.${i + 1}, ${client}` };
        await expectProblem(
          await signin(proxied, uniqueEmail("proxied"), "guess", { address: proxy, headers }),
          401,
          "invalid_credentials",
        );
      }
      const spoofed = { "x-forwarded-for": `10.9.9.9, ${client}` };
      await expectRateLimited(
        await signin(proxied, uniqueEmail("proxied"), "guess", { address: proxy, headers: spoofed }),
      );

      // Same proxy, another client behind it: its own bucket.
      const other = { "x-forwarded-for": `${client}, ${freshAddress()}` };
      await expectProblem(
        await signin(proxied, uniqueEmail("proxied"), "guess", { address: proxy, headers: other }),
        401,
        "invalid_credentials",
      );
    } finally {
      await proxied.close();
    }
  });
});
