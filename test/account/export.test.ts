import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashRefreshToken } from "../../src/server/auth/refresh-tokens.js";
import { accounts, retiredRefreshTokens, sessions } from "../../src/server/db/schema/index.js";
import { accountExportSchema } from "../../src/shared/account.schemas.js";
import { taskSchema } from "../../src/shared/task.schemas.js";
import { setCookies } from "../auth/http-expectations.js";
import { bearer, jsonRequest, type SignedInUser, signUp } from "../helpers/auth-client.js";
import { expectProblem } from "../helpers/problem-expectations.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { FIREFOX_MAC, me, refresh, signIn } from "./account-helpers.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const exportOf = (token: string) => t.request("/api/auth/account/export", { headers: bearer(token) });

async function createTask(user: SignedInUser, task: Record<string, unknown>) {
  const res = await t.request(`/api/${user.id}/tasks`, jsonRequest("POST", task, bearer(user.token)));
  expect(res.status).toBe(201);
  return res.json();
}

/** Every task of the user as the API lists them, all pages, oldest first. */
async function listedTasks(user: SignedInUser) {
  const tasks: unknown[] = [];
  let cursor: string | null = null;
  do {
    const query = `sort=createdAt&order=asc&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const res = await t.request(`/api/${user.id}/tasks?${query}`, { headers: bearer(user.token) });
    const page = (await res.json()) as { tasks: unknown[]; nextCursor: string | null };
    tasks.push(...page.tasks);
    cursor = page.nextCursor;
  } while (cursor);
  return tasks;
}

describe("GET /api/auth/account/export", () => {
  it("answers the user, every task, the sessions and the time, as an attachment no cache keeps", async () => {
    const user = await signUp(t, { name: "Exporting Eve" });
    await t.request("/api/auth/me", jsonRequest("PATCH", { timeZone: "Europe/Lisbon" }, bearer(user.token)));
    await createTask(user, {
      title: "First",
      priority: "high",
      tags: ["home"],
      dueAt: "2026-12-01T18:00:00+01:00",
      recurrence: { rule: "FREQ=MONTHLY;BYMONTHDAY=1" },
      reminders: [{ before: "P1D" }],
    });
    await createTask(user, { title: "Second", description: "with a description", completed: true });

    const before = Date.now();
    const res = await exportOf(user.token);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = await res.json();
    const day = (body.exportedAt as string).slice(0, 10);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="taskvault-export-${day}.json"`);
    expect(day).toMatch(/^\d{4}-\d\d-\d\d$/);
    expect(Date.parse(body.exportedAt)).toBeGreaterThanOrEqual(before - 1000);

    expect(Object.keys(body).sort()).toEqual(["exportedAt", "sessions", "tasks", "user"]);
    accountExportSchema.strict().parse(body);
    expect(body.user).toEqual((await (await me(t, user.token)).json()).user);
    expect(body.user).toMatchObject({ name: "Exporting Eve", timeZone: "Europe/Lisbon" });
    expect(body.tasks).toEqual(await listedTasks(user));
    expect(body.tasks.map((task: { title: string }) => task.title)).toEqual(["First", "Second"]);
    expect(body.tasks[0]).toMatchObject({
      recurrence: { rule: "FREQ=MONTHLY;BYMONTHDAY=1", from: "due" },
      reminders: [{ before: "P1D" }],
      nextId: null,
    });
    for (const task of body.tasks) taskSchema.strict().parse(task);
    const sessionList = await (await t.request("/api/auth/sessions", { headers: bearer(user.token) })).json();
    expect(body.sessions).toEqual(sessionList.sessions);
  });

  it("holds every task, not one page of them", async () => {
    const user = await signUp(t);
    for (let i = 0; i < 130; i++) await createTask(user, { title: `Task ${String(i).padStart(3, "0")}` });
    const body = await (await exportOf(user.token)).json();
    expect(body.tasks).toHaveLength(130);
    expect(body.tasks).toEqual(await listedTasks(user));
  });

  it("holds only the caller's data", async () => {
    const [alice, bob] = await Promise.all([signUp(t, { name: "Alice" }), signUp(t, { name: "Bob" })]);
    await createTask(alice, { title: "Alice's secret plan" });
    const bobTask = await createTask(bob, { title: "Bob's own task" });
    await signIn(t, alice);
    const text = await (await exportOf(bob.token)).text();
    const body = JSON.parse(text);
    expect(body.user.id).toBe(bob.id);
    expect(body.tasks).toEqual([bobTask]);
    expect(body.sessions).toHaveLength(1);
    expect(text).not.toContain(alice.id);
    expect(text).not.toContain(alice.email);
    expect(text).not.toContain("Alice");
  });

  it("contains no secret: no password or its hash, no refresh token or its hash, no access token, no device id", async () => {
    const password = "an export-proof passphrase";
    const user = await signUp(t, { password });
    const deviceCookie = setCookies(
      await t.request("/api/auth/signin", jsonRequest("POST", { email: user.email, password })),
    ).find((c) => c.name.endsWith("taskvault_device"));
    const phone = await signIn(t, user, { userAgent: FIREFOX_MAC });
    // A rotation leaves a retired token (and its hash) behind.
    const rotated = (await (await refresh(t, phone.refreshToken)).json()) as { refreshToken: string; token: string };

    const text = await (await exportOf(user.token)).text();
    const db = t.database.handle.db;
    const [account] = await db
      .select({ password: accounts.password })
      .from(accounts)
      .where(eq(accounts.userId, user.id));
    const storedTokens = await db.select({ token: sessions.token }).from(sessions).where(eq(sessions.userId, user.id));
    const retired = await db
      .select({ hash: retiredRefreshTokens.tokenHash })
      .from(retiredRefreshTokens)
      .where(eq(retiredRefreshTokens.sessionId, phone.id));
    expect(retired.length).toBeGreaterThan(0);
    expect(deviceCookie).toBeDefined();
    const [deviceId = "", deviceAccount = "", , deviceSignature = ""] = (deviceCookie?.value ?? "").split(".");

    const secrets = [
      password,
      account?.password ?? "missing hash",
      user.refreshToken,
      hashRefreshToken(user.refreshToken),
      phone.refreshToken,
      rotated.refreshToken,
      hashRefreshToken(rotated.refreshToken),
      ...storedTokens.map((row) => row.token),
      ...retired.map((row) => row.hash),
      user.token,
      phone.token,
      rotated.token,
      deviceId,
      deviceAccount,
      deviceSignature,
    ];
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(8);
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/\$argon2|"(password|token|refreshToken|tokenHash|deviceId)"/i);
  });

  it("answers 401 without a token or after sign-out", async () => {
    const user = await signUp(t);
    await expectProblem(await t.request("/api/auth/account/export"), 401, "unauthorized");
    await t.request("/api/auth/signout", { method: "POST", headers: bearer(user.token) });
    const res = await exportOf(user.token);
    await expectProblem(res, 401, "unauthorized");
    expect(res.headers.get("content-disposition")).toBeNull();
  });
});
