import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, jsonRequest, STRONG_PASSWORD, signUp, uniqueEmail } from "../helpers/auth-client.js";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import { createTestApp, TEST_SECRET, type TestApp } from "../helpers/test-app.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

// Revocation across processes only exists on PostgreSQL: PGlite serves one process. Without
// TEST_DATABASE_URL this file checks the guarantee that remains, the answering process's.

if (process.env.TEST_DATABASE_URL) {
  describeTwoServerProcesses();
} else {
  describeOneProcess();
}

function describeOneProcess(): void {
  describe("revocation in the process that answered the sign-out", () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(() => t.close());

    it("rejects every access token of the session on the very next request", async () => {
      for (let round = 0; round < 3; round++) {
        const user = await signUp(t);
        const refreshed = await t.request(
          "/api/auth/refresh",
          jsonRequest("POST", { refreshToken: user.refreshToken }),
        );
        const { token: second } = await refreshed.json();
        const signout = await t.request("/api/auth/signout", { method: "POST", headers: bearer(user.token) });
        expect(signout.status).toBe(204);
        const [first, other] = await Promise.all([
          t.request("/api/auth/me", { headers: bearer(user.token) }),
          t.request("/api/auth/me", { headers: bearer(second) }),
        ]);
        expect([first.status, other.status]).toEqual([401, 401]);
      }
    });
  });
}

function describeTwoServerProcesses(): void {
  describe("two server processes sharing one PostgreSQL database", () => {
    let database: TestDatabase;
    let dataDir: string;
    let a: ServerProcess;
    let b: ServerProcess;

    beforeAll(async () => {
      database = await createTestDatabase();
      dataDir = mkdtempSync(join(tmpdir(), "taskvault-multi-"));
      if (!database.url) throw new Error("two server processes need PostgreSQL (TEST_DATABASE_URL)");
      const env = {
        DATABASE_URL: database.url,
        DATA_DIR: dataDir,
        AUTH_SECRET: TEST_SECRET,
        PUBLIC_URL: "http://localhost:3000",
      };
      // Started together, as a deployment would: both find an empty key table at once.
      [a, b] = await Promise.all([startServerProcess(env, 45_000), startServerProcess(env, 45_000)]);
    }, 60_000);

    afterAll(async () => {
      await Promise.all([a, b].filter(Boolean).map((server) => server.stop()));
      await database?.destroy();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    const call = (server: ServerProcess, path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, init);

    async function signUpOn(server: ServerProcess) {
      const res = await call(
        server,
        "/api/auth/signup",
        jsonRequest("POST", { email: uniqueEmail("multi"), password: STRONG_PASSWORD }),
      );
      expect(res.status, server.stderr() + server.stdout()).toBe(201);
      return (await res.json()) as { user: { id: string; email: string }; token: string; refreshToken: string };
    }

    it("agree on one signing key although both started on an empty key table", async () => {
      const [jwksA, jwksB] = await Promise.all(
        [a, b].map(async (server) => (await call(server, "/api/auth/jwks")).json()),
      );
      expect(jwksA.keys).toHaveLength(1);
      expect(jwksB).toEqual(jwksA);
    });

    it("accepts on one process a token issued by the other, right after both started", async () => {
      const fromA = await signUpOn(a);
      const onB = await call(b, "/api/auth/me", { headers: bearer(fromA.token) });
      expect(onB.status, b.stderr() + b.stdout()).toBe(200);
      expect((await onB.json()).user.id).toBe(fromA.user.id);

      const fromB = await signUpOn(b);
      expect((await call(a, "/api/auth/me", { headers: bearer(fromB.token) })).status).toBe(200);
    });

    it("revokes a signed-out session's token on the other process within one second", async () => {
      const user = await signUpOn(a);
      expect((await call(b, "/api/auth/me", { headers: bearer(user.token) })).status).toBe(200);

      const signout = await call(a, "/api/auth/signout", { method: "POST", headers: bearer(user.token) });
      expect(signout.status).toBe(204);
      const signedOutAt = performance.now();
      expect((await call(a, "/api/auth/me", { headers: bearer(user.token) })).status).toBe(401);

      let status = 200;
      let delay = 0;
      while (status !== 401 && delay < 2_000) {
        status = (await call(b, "/api/auth/me", { headers: bearer(user.token) })).status;
        delay = performance.now() - signedOutAt;
        if (status !== 401) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(status).toBe(401);
      expect(delay).toBeLessThan(1_000);

      const refresh = await call(b, "/api/auth/refresh", jsonRequest("POST", { refreshToken: user.refreshToken }));
      expect(refresh.status).toBe(401);
    });

    it("shares the sign-in throttle: failures on one process count on the other", async () => {
      const user = await signUpOn(a);
      const fail = (server: ServerProcess) =>
        call(server, "/api/auth/signin", jsonRequest("POST", { email: user.user.email, password: "wrong passphrase" }));
      // The default limit is 10 failures per account: 5 on each process use it up.
      for (let i = 0; i < 5; i++) {
        expect((await fail(a)).status).toBe(401);
        expect((await fail(b)).status).toBe(401);
      }
      const throttled = await fail(b);
      expect(throttled.status).toBe(429);
      expect(Number(throttled.headers.get("retry-after"))).toBeGreaterThan(0);
      expect((await fail(a)).status).toBe(429);
    });
  });
}
