import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashQueue } from "../../src/server/auth/password-hash.js";
import { bearer, jsonRequest, signUp } from "../helpers/auth-client.js";
import { createTestApp, relaxedRateLimits, type TestApp } from "../helpers/test-app.js";

// Low-entropy on purpose: the repository's secret scanner rightly flags anything that looks real.
const TOKEN = "metrics".repeat(4);

/** The value of one sample line, `name{labels} value`, or 0 when the series does not exist yet. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = line.slice(name.length).split(" ")[0] ?? "";
    if (wanted.every((pair) => labelText.includes(pair))) return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return 0;
}

describe("GET /api/metrics without METRICS_TOKEN", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("does not exist", async () => {
    const res = await t.request("/api/metrics", { headers: bearer(TOKEN) });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  });
});

describe("GET /api/metrics with METRICS_TOKEN", () => {
  let t: TestApp;
  const scrape = async () => {
    const res = await t.request("/api/metrics", { headers: bearer(TOKEN) });
    expect(res.status).toBe(200);
    return res.text();
  };

  beforeAll(async () => {
    t = await createTestApp({
      env: { METRICS_TOKEN: TOKEN },
      config: { rateLimits: { ...relaxedRateLimits, signinFailuresPerAccount: 2 } },
    });
  });
  afterAll(() => t.close());

  it("answers 401 without the token or with a wrong one, and Prometheus text with it", async () => {
    const none = await t.request("/api/metrics");
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    expect((await none.json()).code).toBe("unauthorized");
    for (const wrong of [`${TOKEN.slice(0, -1)}x`, "short", `${TOKEN}${TOKEN}`]) {
      expect((await t.request("/api/metrics", { headers: bearer(wrong) })).status).toBe(401);
    }
    expect((await t.request("/api/metrics", { headers: { authorization: TOKEN } })).status).toBe(401);

    const res = await t.request("/api/metrics", { headers: bearer(TOKEN) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    for (const name of [
      "taskvault_http_request_duration_seconds",
      "taskvault_signin_total",
      "taskvault_throttled_requests_total",
      "taskvault_password_hash_queue_waiting",
      "taskvault_db_pool_connections",
      "taskvault_db_pool_waiting_queries",
      "nodejs_eventloop_lag_seconds",
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(sample(text, "taskvault_db_pool_connections", { state: "total" })).toBeGreaterThanOrEqual(1);
  });

  it("counts requests by route pattern and status, never by raw path", async () => {
    const user = await signUp(t);
    const before = await scrape();
    const tasks = { route: "/api/:userId/tasks", method: "GET", status: "200" };
    await Promise.all([1, 2, 3].map(() => t.request(`/api/${user.id}/tasks`, { headers: bearer(user.token) })));
    await t.request(`/api/${user.id}/nothing-here`, { headers: bearer(user.token) });
    // Refused by the body limit that guards /api/* before any route runs.
    const tooBig = await t.request(`/api/${user.id}/tasks`, jsonRequest("POST", { title: "x".repeat(100_000) }));
    expect(tooBig.status).toBe(413);
    const after = await scrape();

    const count = "taskvault_http_request_duration_seconds_count";
    expect(sample(after, count, tasks) - sample(before, count, tasks)).toBe(3);
    expect(sample(after, count, { route: "unmatched", status: "404" })).toBe(
      sample(before, count, { route: "unmatched", status: "404" }) + 1,
    );
    // The three requests fall in the histogram's buckets: the +Inf bucket holds them all.
    const inf = "taskvault_http_request_duration_seconds_bucket";
    expect(sample(after, inf, { ...tasks, le: "+Inf" }) - sample(before, inf, { ...tasks, le: "+Inf" })).toBe(3);
    const guarded = { route: "/api/*", method: "POST", status: "413" };
    expect(sample(after, count, guarded) - sample(before, count, guarded)).toBe(1);
    expect(after).not.toContain(user.id);
  });

  it("counts sign-in outcomes and throttle hits as a burst of wrong passwords meets the limit", async () => {
    const user = await signUp(t);
    const before = await scrape();
    const attempts = await Promise.all(
      Array.from({ length: 6 }, () =>
        t.request("/api/auth/signin", jsonRequest("POST", { email: user.email, password: "not the password at all" })),
      ),
    );
    const statuses = attempts.map((r) => r.status);
    const rejected = statuses.filter((s) => s === 401).length;
    const throttled = statuses.filter((s) => s === 429).length;
    expect(rejected + throttled).toBe(6);
    expect(throttled).toBeGreaterThan(0);
    const after = await scrape();

    const outcome = (text: string, o: string) => sample(text, "taskvault_signin_total", { outcome: o });
    expect(outcome(after, "invalid_credentials") - outcome(before, "invalid_credentials")).toBe(rejected);
    expect(outcome(after, "throttled") - outcome(before, "throttled")).toBe(throttled);
    const hits = (text: string) => sample(text, "taskvault_throttled_requests_total", { route: "/api/auth/signin" });
    expect(hits(after) - hits(before)).toBe(throttled);

    const other = await signUp(t);
    const ok = await t.request(
      "/api/auth/signin",
      jsonRequest("POST", { email: other.email, password: other.password }),
    );
    expect(ok.status).toBe(200);
    expect(outcome(await scrape(), "success") - outcome(after, "success")).toBe(1);
  });

  it("reports the password hashes waiting for a slot", async () => {
    // Sign-ups reach the hash one by one on a single connection, so a burst rarely queues here:
    // hold every slot with a hash that waits for the test, and queue two behind them.
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const holding = Array.from({ length: hashQueue.slots }, () => hashQueue.run(() => gate));
    const queued = [hashQueue.run(async () => "second"), hashQueue.run(async () => "third")];
    expect(sample(await scrape(), "taskvault_password_hash_queue_waiting")).toBe(2);
    release();
    await Promise.all([...holding, ...queued]);
    expect(sample(await scrape(), "taskvault_password_hash_queue_waiting")).toBe(0);
  });
});
