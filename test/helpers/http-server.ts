import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll } from "vitest";
import { createTestApp, type TestApp } from "./test-app.js";

export interface ServedApp {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves a test app over real HTTP on 127.0.0.1 (an ephemeral port), for tests about what only a
 * socket shows: streamed bodies, header limits, when the answer arrives.
 */
export async function serveOverHttp(t: Pick<TestApp, "app">): Promise<ServedApp> {
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: t.app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s as Server));
    s.once("error", reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * For a test file (or describe block) that talks to the real app over a socket: a fresh test app
 * served over HTTP before its tests, closed after them. Read `.t` and `.served` inside tests.
 */
export function serveTestAppDuringTests(): { readonly t: TestApp; readonly served: ServedApp } {
  let t: TestApp | undefined;
  let served: ServedApp | undefined;
  beforeAll(async () => {
    t = await createTestApp();
    served = await serveOverHttp(t);
  });
  afterAll(async () => {
    await served?.close();
    await t?.close();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the served test app is used outside a test");
    return value;
  };
  return {
    get t() {
      return ready(t);
    },
    get served() {
      return ready(served);
    },
  };
}
