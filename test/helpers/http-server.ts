import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { TestApp } from "./test-app.js";

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
