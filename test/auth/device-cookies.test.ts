import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultRateLimits, type RateLimits } from "../../src/server/config.js";
import { bearer, jsonRequest, STRONG_PASSWORD, uniqueEmail } from "../helpers/auth-client.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { expectProblem, setCookies } from "./http-expectations.js";

// OWASP's device cookies: strangers who use up an account's failure limit do not lock out the
// owner, whose browser proves an earlier successful sign-in to that account.
const limits: RateLimits = {
  ...defaultRateLimits,
  signinFailuresPerAccount: 3,
  signinFailuresPerDevice: 3,
  signinFailuresPerAddress: 1000,
  signupsPerAddress: 1000,
};

let t: TestApp;
let nextAddress = 1;
const freshAddress = () => `203.0.113.${nextAddress++}`;

beforeAll(async () => {
  t = await createTestApp({ config: { rateLimits: limits } });
});
afterAll(() => t.close());

const signin = (email: string, password: string, cookie?: string) =>
  t.request("/api/auth/signin", {
    ...jsonRequest("POST", { email, password }, cookie ? { cookie } : {}),
    address: freshAddress(),
  });

function deviceCookieOf(res: Response): string {
  const device = setCookies(res).find((c) => c.name === "taskvault_device");
  if (!device) throw new Error("no device cookie was set");
  return `${device.name}=${device.value}`;
}

/** A user who signed up (and so holds a device cookie for the account). */
async function owner() {
  const email = uniqueEmail("owner");
  const res = await t.request("/api/auth/signup", {
    ...jsonRequest("POST", { email, password: STRONG_PASSWORD }),
    address: freshAddress(),
  });
  expect(res.status).toBe(201);
  return { email, device: deviceCookieOf(res) };
}

async function lockOut(email: string): Promise<void> {
  // Strangers, all at once, from many addresses: the account's shared limit is used up.
  await Promise.all(Array.from({ length: 10 }, () => signin(email, "wrong passphrase")));
  await expectProblem(await signin(email, STRONG_PASSWORD), 429, "rate_limited");
}

describe("the device cookie", () => {
  it("is set on sign-up and sign-in: HttpOnly, SameSite=Lax, only for /api/auth, long-lived", async () => {
    const { email } = await owner();
    const res = await signin(email, STRONG_PASSWORD);
    expect(res.status).toBe(200);
    const device = setCookies(res).find((c) => c.name === "taskvault_device");
    expect(device?.attributes).toMatchObject({ httponly: "", samesite: "Lax", path: "/api/auth" });
    expect(Number(device?.attributes["max-age"])).toBeGreaterThan(30 * 86_400);
    expect(device?.value).not.toContain(email);
  });

  it("lets the owner sign in while strangers have locked the account", async () => {
    const { email, device } = await owner();
    await lockOut(email);
    const res = await signin(email, STRONG_PASSWORD, device);
    expect(res.status).toBe(200);
    expect((await res.json()).user.email).toBe(email);
  });

  it("counts the owner's own mistakes against the device alone, with its own limit", async () => {
    const { email, device } = await owner();
    // The owner's second browser signs in too, and gets a device cookie of its own.
    const laptop = deviceCookieOf(await signin(email, STRONG_PASSWORD));
    await lockOut(email);
    for (let i = 0; i < limits.signinFailuresPerDevice; i++) {
      await expectProblem(await signin(email, "my old password", device), 401, "invalid_credentials");
    }
    await expectProblem(await signin(email, STRONG_PASSWORD, device), 429, "rate_limited");
    // The other device of the same account is not affected.
    expect((await signin(email, STRONG_PASSWORD, laptop)).status).toBe(200);
  });

  it("gives a burst from one device no more 401s than its limit", async () => {
    const { email, device } = await owner();
    const burst = await Promise.all(Array.from({ length: 20 }, () => signin(email, "wrong passphrase", device)));
    const unauthorized = burst.filter((r) => r.status === 401).length;
    expect(unauthorized).toBeLessThanOrEqual(limits.signinFailuresPerDevice);
    expect(burst.filter((r) => r.status === 429).length).toBeGreaterThan(0);
  });

  it("helps only with the account it was issued for", async () => {
    const mine = await owner();
    const theirs = await owner();
    await lockOut(theirs.email);
    await expectProblem(await signin(theirs.email, STRONG_PASSWORD, mine.device), 429, "rate_limited");
  });

  it("is worthless when tampered with or made up", async () => {
    const { email, device } = await owner();
    await lockOut(email);
    const [name, value = ""] = device.split("=");
    const parts = value.split(".");
    const tampered = [`${parts[0]}x`, ...parts.slice(1)].join(".");
    for (const cookie of [`${name}=${tampered}`, `${name}=abc.def.9999999999.ghi`, `${name}=`]) {
      await expectProblem(await signin(email, STRONG_PASSWORD, cookie), 429, "rate_limited");
    }
  });

  it("stays after signing out (it proves a past sign-in and grants nothing)", async () => {
    const { email, device } = await owner();
    const signedIn = await signin(email, STRONG_PASSWORD, device);
    const { token } = await signedIn.json();
    const out = await t.request("/api/auth/signout", { method: "POST", headers: bearer(token) });
    expect(out.status).toBe(204);
    expect(setCookies(out).map((c) => c.name)).not.toContain("taskvault_device");
    // Alone it opens nothing: a wrong password is still wrong.
    await expectProblem(await signin(email, "wrong passphrase", device), 401, "invalid_credentials");
  });
});
