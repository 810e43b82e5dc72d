import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, signUp } from "./helpers/auth-client.js";
import { createTestApp, type TestApp } from "./helpers/test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe("a new user", () => {
  it("signs up and reads their own profile with the access token", async () => {
    const user = await signUp(t, { name: "Ada" });
    const res = await t.request("/api/auth/me", { headers: bearer(user.token) });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({
      user: {
        id: user.id,
        email: user.email,
        name: "Ada",
        emailVerified: false,
        createdAt: expect.any(String),
        timeZone: "UTC",
      },
    });
  });
});
