import autocannon from "autocannon";
import { BENCH_PASSWORD, SEEDED_USERS, seededUser } from "./fixture.js";
import { sleep } from "./server-process.js";

/** The storm of issue "Sessions that hold under attack": this many sign-ins at once. */
export const STORM_CONNECTIONS = 2_000;

export interface OwnerUnderStorm {
  /** The owner's sign-in latencies alone, then during the storm, milliseconds. */
  alone: { p50: number; p99: number; samples: number };
  storm: { p50: number; p99: number; samples: number; failures: number };
  /** What the strangers got, by status. */
  strangers: Record<string, number>;
}

/**
 * One account owner signs in correctly once a second (with the device cookie of an earlier
 * sign-in, as their browser would) while 2,000 strangers from many addresses try wrong
 * passwords on other accounts at once. The owner's latency is measured alone first, then inside
 * the storm: the hash queue must shed the strangers without making the owner wait behind them.
 * The server must trust X-Forwarded-For (TRUST_PROXY) so that the strangers have many addresses.
 */
export async function ownerUnderStorm(url: string, seconds: number): Promise<OwnerUnderStorm> {
  const owner = seededUser(SEEDED_USERS);
  const device = await deviceCookie(url, owner.email);
  const signInOnce = async () => {
    const started = performance.now();
    const res = await fetch(`${url}/api/auth/signin`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: device, "x-forwarded-for": "192.0.2.1" },
      body: JSON.stringify({ email: owner.email, password: BENCH_PASSWORD }),
    });
    await res.arrayBuffer();
    return { ms: performance.now() - started, ok: res.status === 200 };
  };
  const aloneTimes: number[] = [];
  for (let i = 0; i < 10; i++) {
    aloneTimes.push((await signInOnce()).ms);
    await sleep(100);
  }
  const strangers: Record<string, number> = {};
  let finished: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finished = resolve;
  });
  const storm = autocannon(
    { url, connections: STORM_CONNECTIONS, duration: seconds + 5, requests: [strangerRequest()] },
    () => finished(),
  );
  storm.on("response", (_client: unknown, status: number) => {
    strangers[status] = (strangers[status] ?? 0) + 1;
  });
  storm.on("reqError", () => {
    strangers.error = (strangers.error ?? 0) + 1;
  });
  // Let every connection open and the queue fill before the owner comes.
  await sleep(2_000);
  const stormTimes: number[] = [];
  let failures = 0;
  for (let i = 0; i < seconds; i++) {
    const tick = sleep(1_000);
    const result = await signInOnce();
    if (result.ok) stormTimes.push(result.ms);
    else failures++;
    await tick;
  }
  storm.stop();
  await done;
  return { alone: percentiles(aloneTimes), storm: { ...percentiles(stormTimes), failures }, strangers };
}

async function deviceCookie(url: string, email: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/signin`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": "192.0.2.1" },
    body: JSON.stringify({ email, password: BENCH_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`the owner's first sign-in answered ${res.status}`);
  const device = res.headers.getSetCookie().find((c) => c.startsWith("taskvault_device="));
  if (!device) throw new Error("the owner's first sign-in set no device cookie");
  return device.split(";")[0] ?? "";
}

/** Wrong passwords for the seeded accounts (but the owner's), each from an address of its own. */
function strangerRequest(): autocannon.Request {
  let next = 0;
  return {
    method: "POST",
    path: "/api/auth/signin",
    setupRequest: (request) => {
      next++;
      const user = seededUser((next % (SEEDED_USERS - 1)) + 1);
      return {
        ...request,
        headers: {
          "content-type": "application/json",
          // 198.18.0.0/15: the range set aside for benchmarks (RFC 2544).
          "x-forwarded-for": `198.${18 + ((next >> 16) & 1)}.${(next >> 8) & 255}.${next & 255}`,
        },
        body: JSON.stringify({ email: user.email, password: "a stranger's guess" }),
      };
    },
  };
}

function percentiles(times: number[]): { p50: number; p99: number; samples: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? Number.NaN;
  return { p50: Math.round(at(0.5) * 10) / 10, p99: Math.round(at(0.99) * 10) / 10, samples: sorted.length };
}
