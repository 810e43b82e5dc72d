import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, jsonRequest, signUp } from "../helpers/auth-client.js";
import { expectProblem } from "../helpers/problem-expectations.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { me } from "./account-helpers.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const patchMe = (token: string, body: unknown) => t.request("/api/auth/me", jsonRequest("PATCH", body, bearer(token)));

async function userOf(res: Response) {
  return ((await res.json()) as { user: Record<string, unknown> }).user;
}

describe("PATCH /api/auth/me", () => {
  it("renames the user and sets the time zone, answering the user as GET /api/auth/me then shows it", async () => {
    const user = await signUp(t, { name: "Ada" });
    const res = await patchMe(user.token, { name: "  Ada Lovelace  ", timeZone: "Europe/Paris" });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = await res.json();
    expect(body).toEqual({
      user: {
        id: user.id,
        email: user.email,
        name: "Ada Lovelace",
        emailVerified: false,
        createdAt: expect.stringMatching(/Z$/),
        timeZone: "Europe/Paris",
      },
    });
    expect(await (await me(t, user.token)).json()).toEqual(body);
  });

  it("changes only the fields given", async () => {
    const user = await signUp(t, { name: "Grace" });
    expect(await userOf(await patchMe(user.token, { timeZone: "Asia/Tokyo" }))).toMatchObject({
      name: "Grace",
      timeZone: "Asia/Tokyo",
    });
    expect(await userOf(await patchMe(user.token, { name: "Grace Hopper" }))).toMatchObject({
      name: "Grace Hopper",
      timeZone: "Asia/Tokyo",
    });
  });

  it("answers the unchanged user to an empty object", async () => {
    const user = await signUp(t, { name: "Unchanged" });
    const before = await (await me(t, user.token)).json();
    const res = await patchMe(user.token, {});
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(before);
  });

  it("stores a time zone in its canonical spelling, case normalised", async () => {
    const user = await signUp(t);
    const cases: [string, string][] = [
      ["america/new_york", "America/New_York"],
      ["EUROPE/PARIS", "Europe/Paris"],
      ["Etc/UTC", "UTC"],
      ["UTC", "UTC"],
      ["Etc/GMT+5", "Etc/GMT+5"],
    ];
    for (const [sent, stored] of cases) {
      const res = await patchMe(user.token, { timeZone: sent });
      expect({ sent, status: res.status, timeZone: (await userOf(res)).timeZone }).toEqual({
        sent,
        status: 200,
        timeZone: stored,
      });
    }
  });

  it("stores an alias or a renamed zone as a name of the same zone that is stored unchanged when sent back", async () => {
    // Which name of a renamed zone is canonical is the runtime ICU's choice (Node 20 answers the
    // older America/Buenos_Aires); what matters is the zone, and that the answer is stable.
    const user = await signUp(t);
    const offsets = (zone: string) =>
      ["2026-01-15T12:00:00Z", "2026-07-15T12:00:00Z"].map((at) =>
        new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" }).format(new Date(at)),
      );
    for (const sent of [
      "US/Pacific",
      "Asia/Kolkata",
      "Asia/Calcutta",
      "America/Argentina/Buenos_Aires",
      "Europe/Kyiv",
    ]) {
      const stored = (await userOf(await patchMe(user.token, { timeZone: sent }))).timeZone as string;
      expect(offsets(stored), `${sent} -> ${stored}`).toEqual(offsets(sent));
      expect((await userOf(await patchMe(user.token, { timeZone: stored }))).timeZone).toBe(stored);
    }
  });

  it("is what a later sign-in answers too", async () => {
    const user = await signUp(t);
    await patchMe(user.token, { timeZone: "Australia/Sydney", name: "Signs In Later" });
    const res = await t.request(
      "/api/auth/signin",
      jsonRequest("POST", { email: user.email, password: user.password }),
    );
    expect(res.status).toBe(200);
    expect((await res.json()).user).toMatchObject({ timeZone: "Australia/Sydney", name: "Signs In Later" });
  });

  it("refuses anything that is not an IANA time zone with 400 validation_failed naming timeZone", async () => {
    const user = await signUp(t);
    for (const timeZone of [
      "Mars/Olympus_Mons",
      "+01:00",
      "-05:00",
      "",
      " Europe/Paris",
      "Europe/Paris\u0000",
      "x".repeat(65),
      "../etc/passwd",
      3600,
      null,
    ]) {
      const problem = await expectProblem(await patchMe(user.token, { timeZone }), 400, "validation_failed");
      expect(problem.errors?.map((e) => e.path)).toEqual(["timeZone"]);
    }
    expect((await userOf(await me(t, user.token))).timeZone).toBe("UTC");
  });

  it("applies the sign-up name rules: trimmed, 1 to 100 characters counted as code points", async () => {
    const user = await signUp(t);
    for (const name of ["", "   ", "x".repeat(101), "😀".repeat(101), "bad\u0000name", 42]) {
      const problem = await expectProblem(await patchMe(user.token, { name }), 400, "validation_failed");
      expect(problem.errors?.map((e) => e.path)).toEqual(["name"]);
    }
    expect((await userOf(await patchMe(user.token, { name: "😀".repeat(100) }))).name).toBe("😀".repeat(100));
  });

  it("refuses fields it does not change (email, emailVerified, id) rather than ignoring them", async () => {
    const user = await signUp(t);
    const problem = await expectProblem(
      await patchMe(user.token, { email: "other@example.com", emailVerified: true, id: "x", name: "Fine" }),
      400,
      "validation_failed",
    );
    expect(problem.errors?.map((e) => e.path).sort()).toEqual(["email", "emailVerified", "id"]);
    expect(await userOf(await me(t, user.token))).toMatchObject({ email: user.email, emailVerified: false });
  });

  it("refuses a body that is not JSON: 415 without the content type, 400 invalid_json when malformed", async () => {
    const user = await signUp(t);
    await expectProblem(
      await t.request("/api/auth/me", { method: "PATCH", headers: bearer(user.token), body: "name=x" }),
      415,
      "unsupported_media_type",
    );
    await expectProblem(await patchMe(user.token, "{"), 400, "invalid_json");
  });

  it("changes only the caller's own user", async () => {
    const [alice, bob] = await Promise.all([signUp(t, { name: "Alice" }), signUp(t, { name: "Bob" })]);
    await patchMe(alice.token, { name: "Alice Renamed", timeZone: "Europe/Berlin" });
    expect(await userOf(await me(t, bob.token))).toMatchObject({ id: bob.id, name: "Bob", timeZone: "UTC" });
  });

  it("answers 401 without a token and after sign-out, changing nothing", async () => {
    const user = await signUp(t, { name: "Before" });
    await expectProblem(await t.request("/api/auth/me", jsonRequest("PATCH", { name: "X" })), 401, "unauthorized");
    const second = await t.request(
      "/api/auth/signin",
      jsonRequest("POST", { email: user.email, password: user.password }),
    );
    const { token: other } = await second.json();
    expect((await t.request("/api/auth/signout", { method: "POST", headers: bearer(user.token) })).status).toBe(204);
    const res = await patchMe(user.token, { name: "After" });
    await expectProblem(res, 401, "unauthorized");
    expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect((await userOf(await me(t, other))).name).toBe("Before");
  });
});
