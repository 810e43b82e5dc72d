import { Writable } from "node:stream";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../../src/server/http/app-env.js";
import { onError } from "../../src/server/http/errors.js";
import { createLogger } from "../../src/server/logger.js";
import { expectProblem } from "../helpers/problem-expectations.js";

// A deadlock or serialization failure aborts the whole transaction: nothing was written, and the
// client may simply try again. That is a 503 with Retry-After, not a 500.
function appThrowing(error: Error) {
  const lines: string[] = [];
  const logger = createLogger(
    "debug",
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );
  const app = new Hono<AppEnv>();
  app.get("/boom", () => {
    throw error;
  });
  app.onError(onError(logger));
  return { app, lines };
}

function postgresError(code: string): Error {
  return Object.assign(new Error("could not serialize access"), { code });
}

describe("a transaction PostgreSQL aborted to break a conflict", () => {
  it.each([
    ["40P01", "a deadlock"],
    ["40001", "a serialization failure"],
  ])("(%s, %s) is answered 503 server_busy with Retry-After, also when it is the cause", async (code) => {
    for (const error of [postgresError(code), new Error("Failed query: update …", { cause: postgresError(code) })]) {
      const { app, lines } = appThrowing(error);
      const res = await app.request("/boom");
      await expectProblem(res, 503, "server_busy");
      expect(res.headers.get("retry-after")).toBe("1");
      expect(lines.join("")).not.toContain("unhandled error");
    }
  });

  it("is told apart from other database errors, which stay a 500", async () => {
    const { app, lines } = appThrowing(postgresError("23505"));
    await expectProblem(await app.request("/boom"), 500, "internal");
    expect(lines.join("")).toContain("unhandled error");
  });
});
