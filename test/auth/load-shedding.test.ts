import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashQueue, MAX_WAITING_HASHES } from "../../src/server/auth/password-hash.js";
import { defaultRateLimits } from "../../src/server/config.js";
import { jsonRequest, STRONG_PASSWORD, uniqueEmail } from "../helpers/auth-client.js";
import { serveOverHttp } from "../helpers/http-server.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { expectProblem, setCookies } from "./http-expectations.js";

// A storm of sign-ins is refused at the door once the password-hash queue is full, instead of
// queueing without bound in front of everyone else.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({
    config: {
      rateLimits: {
        ...defaultRateLimits,
        signinFailuresPerAccount: 100_000,
        signinFailuresPerAddress: 100_000,
        signupsPerAddress: 100_000,
      },
    },
  });
});
afterAll(() => t.close());

const STORM = 300;
const storm = () =>
  Array.from({ length: STORM }, (_, i) =>
    t.request("/api/auth/signin", {
      ...jsonRequest("POST", { email: `storm-${i}@example.com`, password: "not the password" }),
      address: `198.18.${i >> 8}.${i & 255}`,
    }),
  );

describe("a storm of sign-ins", () => {
  it("is shed beyond the running hashes and 64 waiting: 503 server_busy with Retry-After, never a 5xx of another kind", async () => {
    const answers = await Promise.all(storm());
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s !== 401 && s !== 503)).toEqual([]);
    const shed = answers.filter((r) => r.status === 503);
    // At most the running hashes and 64 waiting were admitted while the storm arrived at once.
    expect(STORM - shed.length).toBeLessThanOrEqual(hashQueue.slots + MAX_WAITING_HASHES);
    expect(shed.length).toBeGreaterThan(0);
    for (const res of shed.slice(0, 5)) {
      await expectProblem(res, 503, "server_busy");
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    expect(hashQueue.waiting).toBe(0);
  });

  it("does not keep the account's owner out: a client with its device cookie has a lane of its own", async () => {
    const email = uniqueEmail("owner");
    const signup = await t.request("/api/auth/signup", jsonRequest("POST", { email, password: STRONG_PASSWORD }));
    expect(signup.status).toBe(201);
    const device = setCookies(signup).find((c) => c.name === "taskvault_device");
    const strangers = storm();
    const owner = await t.request(
      "/api/auth/signin",
      jsonRequest("POST", { email, password: STRONG_PASSWORD }, { cookie: `taskvault_device=${device?.value}` }),
    );
    expect(owner.status).toBe(200);
    const statuses = (await Promise.all(strangers)).map((r) => r.status);
    expect(statuses).toContain(503);
  });

  it("is admitted again once the queue has drained", async () => {
    await Promise.all(storm());
    const email = uniqueEmail("after");
    const res = await t.request("/api/auth/signup", jsonRequest("POST", { email, password: STRONG_PASSWORD }));
    expect(res.status).toBe(201);
  });
});

describe("a sign-in whose client disconnects while it waits for a hash", () => {
  it("is never hashed", async () => {
    const served = await serveOverHttp(t);
    try {
      const signinOverHttp = (i: number, signal?: AbortSignal) =>
        fetch(`${served.url}/api/auth/signin`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email: `gone-${i}@example.com`, password: "not the password" }),
          signal,
        }).then(
          (res) => res.status,
          () => "aborted",
        );
      const before = hashQueue.started;
      // Enough waiting sign-ins ahead of them that the aborted ones are still queued when they go.
      const ahead = Array.from({ length: 40 }, (_, i) => signinOverHttp(i));
      const controller = new AbortController();
      const leaving = Array.from({ length: 10 }, (_, i) => signinOverHttp(100 + i, controller.signal));
      while (hashQueue.waiting < 20) await new Promise((resolve) => setTimeout(resolve, 5));
      controller.abort();
      expect(await Promise.all(leaving)).toEqual(Array(10).fill("aborted"));
      const answered = await Promise.all(ahead);
      expect(answered.filter((status) => status !== 401 && status !== 503)).toEqual([]);
      // Every request that stayed was hashed (a 401 costs one hash); none of those that left was.
      const hashed = hashQueue.started - before;
      expect(hashed).toBe(answered.filter((status) => status === 401).length);
    } finally {
      await served.close();
    }
  });
});
