import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultRateLimits, type RateLimits } from "../../src/server/config.js";
import { jsonRequest, STRONG_PASSWORD, uniqueEmail } from "../helpers/auth-client.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { expectProblem } from "./http-expectations.js";

// The limits are counted before the password is hashed, so a burst cannot slip past a check that
// every request in it made before any of them was counted.
const limits: RateLimits = {
  ...defaultRateLimits,
  signinFailuresPerAccount: 10,
  signinFailuresPerAddress: 25,
  signupsPerAddress: 1000,
};

let t: TestApp;
let nextAddress = 1;
const freshAddress = () => `192.0.2.${nextAddress++}`;

beforeAll(async () => {
  t = await createTestApp({ config: { rateLimits: limits } });
});
afterAll(() => t.close());

async function newUser() {
  const email = uniqueEmail("burst");
  const res = await t.request("/api/auth/signup", {
    ...jsonRequest("POST", { email, password: STRONG_PASSWORD }),
    address: freshAddress(),
  });
  expect(res.status).toBe(201);
  return email;
}

const signin = (email: string, password: string, address: string) =>
  t.request("/api/auth/signin", { ...jsonRequest("POST", { email, password }), address });

/** Counts the answers by status; every 429 and 503 must say when to come back. */
async function tally(responses: Response[]): Promise<Record<number, number>> {
  const counts: Record<number, number> = {};
  for (const res of responses) {
    counts[res.status] = (counts[res.status] ?? 0) + 1;
    if (res.status === 429 || res.status === 503) expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    await res.body?.cancel();
  }
  return counts;
}

describe("a burst of wrong sign-ins for one account", () => {
  it("gets no more 401s than the same attempts one after another would (the account's limit)", async () => {
    const email = await newUser();
    const burst = await Promise.all(
      Array.from({ length: 60 }, () => signin(email, "wrong passphrase", freshAddress())),
    );
    const counts = await tally(burst);
    expect(counts[401] ?? 0).toBeLessThanOrEqual(limits.signinFailuresPerAccount);
    expect(counts[401] ?? 0).toBeGreaterThan(0);
    expect((counts[401] ?? 0) + (counts[429] ?? 0) + (counts[503] ?? 0)).toBe(60);
    // Afterwards the account is locked for untrusted clients, the right password included.
    await expectProblem(await signin(email, STRONG_PASSWORD, freshAddress()), 429, "rate_limited");
  });

  it("from one address is held to the address's limit across many accounts (spraying)", async () => {
    const address = freshAddress();
    const burst = await Promise.all(
      Array.from({ length: 60 }, (_, i) => signin(`nobody-${i}-${address}@example.com`, "wrong passphrase", address)),
    );
    const counts = await tally(burst);
    expect(counts[401] ?? 0).toBeLessThanOrEqual(limits.signinFailuresPerAddress);
    expect(counts[429] ?? 0).toBeGreaterThan(0);
  });
});

describe("a successful sign-in", () => {
  it("gives its attempt back to the address, so an address's own users never use up its limit", async () => {
    const address = freshAddress();
    const email = await newUser();
    for (let i = 0; i < limits.signinFailuresPerAddress + 5; i++) {
      const res = await signin(email, STRONG_PASSWORD, address);
      expect(res.status).toBe(200);
    }
    // The address still has its whole allowance of failures.
    const failures = await Promise.all(
      Array.from({ length: limits.signinFailuresPerAddress }, (_, i) =>
        signin(`stranger-${i}-${address}@example.com`, "wrong passphrase", address),
      ),
    );
    expect((await tally(failures))[401]).toBe(limits.signinFailuresPerAddress);
  });
});
