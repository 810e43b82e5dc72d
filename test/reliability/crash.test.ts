import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STRONG_PASSWORD } from "../helpers/auth-client.js";
import { crashRounds } from "../helpers/fuzz-settings.js";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import { createServerStore, type ServerStore } from "../helpers/server-store.js";
import { TaskLedger } from "../helpers/task-ledger.js";
import { randomStep, seededRandom, TaskClient } from "../helpers/task-workload.js";

// Crash safety: a real server process takes concurrent writes from several users and is killed
// with SIGKILL at a random moment; restarted on the same data, it must hold every write it
// acknowledged with a 2xx, exactly as acknowledged, and no half-written task. On PGlite (no
// TEST_DATABASE_URL) or PostgreSQL (TEST_DATABASE_URL), as the run is configured.
// CRASH_ROUNDS sets the number of kills (npm run fuzz runs more); CRASH_SEED replays a run.

const ROUNDS = crashRounds(3);
const USERS = 4;
const SEED = Number(process.env.CRASH_SEED ?? randomBytes(4).readUInt32LE());

interface User {
  id: string;
  email: string;
  token: string;
  client: TaskClient;
  ledger: TaskLedger;
}

/** What happened to the sign-ups and sign-outs of one round. */
interface AuthLedger {
  signedUp: string[];
  signedOut: string[];
}

let store: ServerStore;
let server: ServerProcess;
let nextAddress = 1;
/** Each simulated client its own address, so that the sign-up throttle never gets in the way. */
const clientAddress = () => `198.51.100.${(nextAddress++ % 250) + 1}`;

beforeAll(async () => {
  store = await createServerStore();
}, 60_000);
afterAll(async () => {
  await server?.stop("SIGKILL");
  await store?.remove();
});

async function start(): Promise<ServerProcess> {
  server = await startServerProcess({ ...store.env, TRUST_PROXY: "x-forwarded-for" }, 60_000);
  return server;
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": clientAddress(), ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
}

async function signUpUser(): Promise<User> {
  const email = `crash-${randomBytes(5).toString("hex")}@example.com`;
  const res = await post("/api/auth/signup", { email, password: STRONG_PASSWORD });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { user: { id: string }; token: string };
  const client = new TaskClient({ baseUrl: server.url, userId: body.user.id, token: body.token });
  return { id: body.user.id, email, token: body.token, client, ledger: new TaskLedger() };
}

/** One user's writes, one at a time, until the server stops answering. */
async function work(user: User, round: number, random: () => number, problems: string[]): Promise<void> {
  for (let n = 0; n < 10_000; n++) {
    const step = await randomStep(user.client, user.ledger, random, `r${round}-${user.id.slice(0, 6)}-${n}`);
    if ("noAnswer" in step.outcome) return;
    if (!step.expected) {
      problems.push(
        `${step.kind} by ${user.email} answered ${step.outcome.status} ${JSON.stringify(step.outcome.body)}`,
      );
      return;
    }
  }
}

/** Sign-ups and sign-outs racing the kill: each acknowledged one must hold after the restart. */
async function signUpsAndSignOuts(auth: AuthLedger): Promise<void> {
  for (let n = 0; n < 20; n++) {
    try {
      const email = `newcomer-${randomBytes(5).toString("hex")}@example.com`;
      const signup = await post("/api/auth/signup", { email, password: STRONG_PASSWORD });
      if (signup.status !== 201) return;
      auth.signedUp.push(email);
      const { token } = (await signup.json()) as { token: string };
      const signout = await fetch(`${server.url}/api/auth/signout`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
      });
      if (signout.status !== 204) return;
      auth.signedOut.push(token);
    } catch {
      return; // the server is gone
    }
  }
}

async function verifyAuth(auth: AuthLedger): Promise<string[]> {
  const problems: string[] = [];
  for (const email of auth.signedUp) {
    const res = await post("/api/auth/signin", { email, password: STRONG_PASSWORD });
    if (res.status !== 200) problems.push(`acknowledged sign-up of ${email} lost: sign-in answered ${res.status}`);
  }
  for (const token of auth.signedOut) {
    const res = await fetch(`${server.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    if (res.status !== 401) problems.push(`acknowledged sign-out undone by the crash: /me answered ${res.status}`);
  }
  return problems;
}

describe(`a server process killed with SIGKILL (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"})`, () => {
  it(`keeps every acknowledged write, and no half-written task, across ${ROUNDS} kills at random moments`, {
    timeout: 60_000 + ROUNDS * 45_000,
  }, async () => {
    const random = seededRandom(SEED);
    await start();
    const users: User[] = [];
    for (let i = 0; i < USERS; i++) users.push(await signUpUser());
    const acknowledged: number[] = [];

    for (let round = 1; round <= ROUNDS; round++) {
      const context = `round ${round}, CRASH_SEED=${SEED}`;
      const problems: string[] = [];
      const auth: AuthLedger = { signedUp: [], signedOut: [] };
      const before = users.reduce((sum, user) => sum + user.ledger.acknowledged, 0);
      const working = [
        ...users.map((user) => work(user, round, seededRandom(Math.floor(random() * 2 ** 32)), problems)),
        signUpsAndSignOuts(auth),
      ];
      // Let the writes get going, then kill the server in the middle of them.
      await new Promise((resolve) => setTimeout(resolve, 300 + random() * 1_200));
      server.child.kill("SIGKILL");
      await server.exited;
      await Promise.all(working);
      acknowledged.push(users.reduce((sum, user) => sum + user.ledger.acknowledged, 0) - before);

      await start();
      for (const user of users) {
        user.client = new TaskClient({ baseUrl: server.url, userId: user.id, token: user.token });
        const tasks = await user.client.listAll();
        if (!Array.isArray(tasks)) {
          problems.push(`listing ${user.email} after the restart failed: ${JSON.stringify(tasks)}`);
          continue;
        }
        problems.push(...user.ledger.verify(tasks));
      }
      problems.push(...(await verifyAuth(auth)));
      expect(problems, context).toEqual([]);
    }
    // The kills must have landed among acknowledged writes, or the test proved nothing.
    expect(
      acknowledged.every((count) => count > 0),
      `acknowledged writes per round: ${acknowledged}`,
    ).toBe(true);
  });
});
