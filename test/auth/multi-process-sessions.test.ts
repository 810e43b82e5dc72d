import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, jsonRequest, STRONG_PASSWORD, uniqueEmail } from "../helpers/auth-client.js";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import { TEST_SECRET } from "../helpers/test-app.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

// The session rules of "Sessions (hardening)" as real server processes keep them: the throttle,
// refresh-token rotation and the session cap are shared through the database, so on PostgreSQL
// every request alternates between two processes. PGlite serves one process: there the same
// rules are checked against one real process playing both parts.

const postgres = Boolean(process.env.TEST_DATABASE_URL);
/** Short enough to wait out once in this file, long enough for a burst to land inside it. */
const GRACE_SECONDS = 3;
const MAX_SESSIONS = 3;

interface Session {
  token: string;
  refreshToken: string;
}
interface SignedUp extends Session {
  email: string;
  /** The device cookie of the sign-up (`name=value`). */
  deviceCookie: string;
}

let addressCounter = 0;
/** A client address of its own (TRUST_PROXY=x-forwarded-for), so that no test uses up another's limits. */
function nextAddress(): Record<string, string> {
  addressCounter++;
  return { "x-forwarded-for": `10.${(addressCounter >> 8) & 255}.${addressCounter & 255}.1` };
}

describe(
  postgres
    ? "sessions across two server processes sharing one PostgreSQL database"
    : "sessions in a server process on the embedded database",
  () => {
    let database: TestDatabase | undefined;
    let dataDir: string;
    let a: ServerProcess;
    let b: ServerProcess;

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), "taskvault-sessions-"));
      const env: Record<string, string> = {
        DATA_DIR: dataDir,
        AUTH_SECRET: TEST_SECRET,
        PUBLIC_URL: "http://localhost:3000",
        TRUST_PROXY: "x-forwarded-for",
        MAX_SESSIONS_PER_USER: String(MAX_SESSIONS),
        REFRESH_REUSE_GRACE: String(GRACE_SECONDS),
      };
      if (postgres) {
        database = await createTestDatabase();
        if (!database.url) throw new Error("TEST_DATABASE_URL is set but the test database has no URL");
        env.DATABASE_URL = database.url;
        [a, b] = await Promise.all([startServerProcess(env, 45_000), startServerProcess(env, 45_000)]);
      } else {
        a = await startServerProcess(env, 45_000);
        b = a;
      }
    }, 60_000);

    afterAll(async () => {
      await Promise.all([...new Set([a, b])].filter(Boolean).map((server) => server.stop()));
      await database?.destroy();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    const call = (server: ServerProcess, path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, init);
    /** Even requests go to A, odd ones to B. */
    const serverFor = (i: number) => (i % 2 === 0 ? a : b);
    const logs = () => [a, b].map((server) => server.stderr() + server.stdout()).join("\n");

    async function signUpOn(server: ServerProcess): Promise<SignedUp> {
      const email = uniqueEmail("sessions");
      const res = await call(
        server,
        "/api/auth/signup",
        jsonRequest("POST", { email, password: STRONG_PASSWORD }, nextAddress()),
      );
      expect(res.status, logs()).toBe(201);
      const deviceCookie = res.headers.getSetCookie().find((c) => c.startsWith("taskvault_device="));
      if (!deviceCookie) throw new Error("sign-up set no device cookie");
      const body = (await res.json()) as Session;
      return {
        email,
        token: body.token,
        refreshToken: body.refreshToken,
        deviceCookie: deviceCookie.split(";")[0] ?? "",
      };
    }

    const signIn = (server: ServerProcess, email: string, password: string, headers: Record<string, string>) =>
      call(server, "/api/auth/signin", jsonRequest("POST", { email, password }, headers));
    const refresh = (server: ServerProcess, refreshToken: string) =>
      call(server, "/api/auth/refresh", jsonRequest("POST", { refreshToken }, nextAddress()));
    const me = async (server: ServerProcess, token: string) =>
      (await call(server, "/api/auth/me", { headers: bearer(token) })).status;

    /**
     * Asks both processes about each access token until they agree on every one (a revocation
     * takes effect at once where it happened, and on the next poll elsewhere), or `deadline` (a
     * performance.now() value) passes; returns the last [A, B] statuses of each token.
     */
    async function waitForRevocation(tokens: string[], deadline: number): Promise<number[][]> {
      for (;;) {
        const answers = await Promise.all(tokens.map((token) => Promise.all([a, b].map((s) => me(s, token)))));
        const settled = answers.every((pair) => pair[0] === pair[1]);
        if (settled || performance.now() > deadline) return answers;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }

    it("lets a burst of 40 wrong sign-ins for one account, from 40 addresses, make at most 10 guesses", async () => {
      const owner = await signUpOn(a);
      const burst = await Promise.all(
        Array.from({ length: 40 }, (_, i) => signIn(serverFor(i), owner.email, `wrong guess ${i}`, nextAddress())),
      );
      const answers = await Promise.all(
        burst.map(async (res) => ({
          status: res.status,
          code: ((await res.json()) as { code?: string }).code,
          retryAfter: res.headers.get("retry-after"),
        })),
      );
      const guessed = answers.filter((r) => r.status === 401);
      const throttled = answers.filter((r) => r.status === 429);
      const shed = answers.filter((r) => r.status === 503);
      expect(guessed.length).toBeLessThanOrEqual(10);
      expect(guessed.length + throttled.length + shed.length).toBe(40);
      expect(guessed.map((r) => r.code)).toEqual(guessed.map(() => "invalid_credentials"));
      expect(throttled.map((r) => [r.code, Number(r.retryAfter) > 0])).toEqual(
        throttled.map(() => ["rate_limited", true]),
      );
      expect(shed.map((r) => [r.code, Number(r.retryAfter) > 0])).toEqual(shed.map(() => ["server_busy", true]));

      // The account's limit is used up for every client without a device cookie, the owner
      // with the right password included; the owner's device cookie still gets in, on either process.
      const stranger = await signIn(b, owner.email, STRONG_PASSWORD, nextAddress());
      expect(stranger.status).toBe(429);
      const ownDevice = await signIn(a, owner.email, STRONG_PASSWORD, { ...nextAddress(), cookie: owner.deviceCookie });
      expect(ownDevice.status).toBe(200);
    });

    it("answers a retired refresh token within the grace, on the other process, with the token that replaced it", async () => {
      const user = await signUpOn(a);
      const rotated = await refresh(a, user.refreshToken);
      expect(rotated.status).toBe(200);
      const first = (await rotated.json()) as Session;
      expect(first.refreshToken).not.toBe(user.refreshToken);

      const retried = await refresh(b, user.refreshToken);
      expect(retried.status).toBe(200);
      expect(((await retried.json()) as Session).refreshToken).toBe(first.refreshToken);

      // Ten tabs refreshing one token at once, on both processes: one rotation, one new token for all.
      const racing = await Promise.all(Array.from({ length: 10 }, (_, i) => refresh(serverFor(i), first.refreshToken)));
      expect(racing.map((res) => res.status)).toEqual(Array(10).fill(200));
      const raced = (await Promise.all(racing.map((res) => res.json()))) as Session[];
      const current = [...new Set(raced.map((body) => body.refreshToken))];
      expect(current).toHaveLength(1);
      expect(current[0]).not.toBe(first.refreshToken);

      // The session lives on: its access tokens work on both processes and it rotates again.
      expect(await Promise.all([me(a, raced[0]?.token ?? ""), me(b, raced[9]?.token ?? "")])).toEqual([200, 200]);
      const next = await refresh(b, current[0] ?? "");
      expect(next.status).toBe(200);
      expect(((await next.json()) as Session).refreshToken).not.toBe(current[0]);
    });

    it("ends the whole session, on both processes, when a retired token comes back after the grace", async () => {
      const user = await signUpOn(a);
      const rotated = await refresh(a, user.refreshToken);
      expect(rotated.status).toBe(200);
      const current = (await rotated.json()) as Session;
      await new Promise((resolve) => setTimeout(resolve, GRACE_SECONDS * 1000 + 500));

      const replayed = await refresh(b, user.refreshToken);
      expect(replayed.status).toBe(401);
      expect(((await replayed.json()) as { code: string }).code).toBe("unauthorized");
      const revokedAt = performance.now();
      expect(await me(b, current.token)).toBe(401);

      const answers = await waitForRevocation([current.token, user.token], revokedAt + 1_000);
      expect(answers).toEqual([
        [401, 401],
        [401, 401],
      ]);
      expect(performance.now() - revokedAt).toBeLessThan(1_000);
      const stillCurrent = await Promise.all([refresh(a, current.refreshToken), refresh(b, current.refreshToken)]);
      expect(stillCurrent.map((res) => res.status)).toEqual([401, 401]);
    });

    it(`keeps ${MAX_SESSIONS} of 12 concurrent sign-ins of one user and revokes the others on both processes`, async () => {
      const user = await signUpOn(a);
      // All 12 are counted before their hash, so 12 against one limit of 10 would throttle two:
      // half carry the sign-up's device cookie (the device's limit), half do not (the account's).
      const burst = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          signIn(serverFor(i), user.email, STRONG_PASSWORD, {
            ...nextAddress(),
            ...(i < 6 ? { cookie: user.deviceCookie } : {}),
          }),
        ),
      );
      expect(burst.map((res) => res.status)).toEqual(Array(12).fill(200));
      const sessions = (await Promise.all(burst.map((res) => res.json()))) as Session[];
      const signedInAt = performance.now();

      // The sign-up's session is the least recently used of all 13.
      const tokens = [user.token, ...sessions.map((s) => s.token)];
      const answers = await waitForRevocation(tokens, signedInAt + 1_000);
      const delay = performance.now() - signedInAt;
      const live = answers.flatMap((pair, i) => (pair.every((status) => status === 200) ? [i] : []));
      const ended = answers.flatMap((pair, i) => (pair.every((status) => status === 401) ? [i] : []));
      expect(live, JSON.stringify(answers)).toHaveLength(MAX_SESSIONS);
      expect(ended).toHaveLength(tokens.length - MAX_SESSIONS);
      expect(ended).toContain(0);
      expect(delay).toBeLessThan(1_000);

      const refreshed = await Promise.all(
        [user.refreshToken, ...sessions.map((s) => s.refreshToken)].map((token, i) => refresh(serverFor(i), token)),
      );
      const refreshing = refreshed.flatMap((res, i) => (res.status === 200 ? [i] : []));
      expect(refreshing).toEqual(live);
      expect(refreshed.filter((res) => res.status === 401)).toHaveLength(ended.length);
    });
  },
);
