import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { STRONG_PASSWORD, uniqueEmail } from "../helpers/auth-client.js";
import { serveTestAppDuringTests } from "../helpers/http-server.js";

// Served by Node, a few hot paths use its request and response directly (src/server/http/
// node-http.ts): whether a request has a body is decided from its headers, and the standard
// headers go onto Node's response. Tests elsewhere use app.request(), which takes the other path;
// these check the one real clients meet, over a socket.

interface Answer {
  status: number;
  body: string;
}

function send(url: string, path: string, body: string | undefined, framing: "length" | "chunked"): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (framing === "length") headers["content-length"] = String(Buffer.byteLength(body ?? ""));
    else headers["transfer-encoding"] = "chunked";
    const req = request(`${url}${path}`, { method: "POST", headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    if (body !== undefined && framing === "chunked") {
      // Two chunks, so that the server has to join them.
      const middle = Math.floor(body.length / 2);
      req.write(body.slice(0, middle));
      req.write(body.slice(middle));
    } else if (body !== undefined) req.write(body);
    req.end();
  });
}

const app = serveTestAppDuringTests();

describe("standard headers over real HTTP", () => {
  it("are on every response, once each: success, 404, 405, 401, 400, the API reference and the web app", async () => {
    const responses = await Promise.all([
      fetch(`${app.served.url}/api/health`),
      fetch(`${app.served.url}/api/nowhere`),
      fetch(`${app.served.url}/api/health`, { method: "DELETE" }),
      fetch(`${app.served.url}/api/auth/me`),
      fetch(`${app.served.url}/api/auth/signin`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{",
      }),
      fetch(`${app.served.url}/api/docs`),
      fetch(`${app.served.url}/`),
    ]);
    expect(responses.map((r) => r.status).slice(0, 5)).toEqual([200, 404, 405, 401, 400]);
    const ids = new Set<string>();
    for (const res of responses) {
      ids.add(res.headers.get("x-request-id") ?? "");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("cross-origin-resource-policy")).toBe("same-origin");
      expect(res.headers.get("strict-transport-security")).toBeNull();
      await res.arrayBuffer();
    }
    expect(ids.size).toBe(responses.length);
    const csp = responses.map((r) => r.headers.get("content-security-policy") ?? "");
    for (const api of csp.slice(0, 5)) expect(api).toMatch(/^default-src 'none'; frame-ancestors 'none'/);
    expect(csp[5]).toContain("script-src 'self'");
    expect(csp[6]).toMatch(/^default-src 'self'/);
    // Headers that govern documents come with the two documents, not with JSON.
    const documentOnly = responses.map((r) => r.headers.get("referrer-policy"));
    expect(documentOnly).toEqual([null, null, null, null, null, "no-referrer", "no-referrer"]);
    expect(responses[6]?.headers.get("cross-origin-opener-policy")).toBe("same-origin");
  });

  it("make API answers no-store unless the route says otherwise", async () => {
    const health = await fetch(`${app.served.url}/api/health`);
    expect(health.headers.get("cache-control")).toBe("no-store");
    const jwks = await fetch(`${app.served.url}/api/auth/jwks`);
    expect(jwks.headers.get("cache-control")).toBe("public, max-age=300");
    await Promise.all([health.arrayBuffer(), jwks.arrayBuffer()]);
  });

  it("echo a plain client request id and replace an unsafe one", async () => {
    const echoed = await fetch(`${app.served.url}/api/health`, { headers: { "x-request-id": "trace-abc_123=" } });
    expect(echoed.headers.get("x-request-id")).toBe("trace-abc_123=");
    const replaced = await fetch(`${app.served.url}/api/health`, { headers: { "x-request-id": "<script>" } });
    expect(replaced.headers.get("x-request-id")).toMatch(/^[\w-]{36}$/);
  });
});

describe("JSON bodies over real HTTP", () => {
  it("are read with a Content-Length and in chunks alike", async () => {
    const email = uniqueEmail("framing");
    const credentials = JSON.stringify({ email, password: STRONG_PASSWORD });
    const signup = await send(app.served.url, "/api/auth/signup", credentials, "length");
    expect(signup.status).toBe(201);
    const signin = await send(app.served.url, "/api/auth/signin", credentials, "chunked");
    expect(signin.status).toBe(200);
    expect(JSON.parse(signin.body).user.email).toBe(email);
  });

  it("that are empty get 400 invalid_json, whichever way they are framed", async () => {
    for (const framing of ["length", "chunked"] as const) {
      const answer = await send(app.served.url, "/api/auth/signin", "", framing);
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body).code).toBe("invalid_json");
    }
  });

  it("of exactly 64 KiB are read (and validated), one byte more is refused with 413", async () => {
    const padded = (bytes: number) => {
      const head = '{"email":"';
      const tail = '"}';
      return head + "a".repeat(bytes - head.length - tail.length) + tail;
    };
    for (const framing of ["length", "chunked"] as const) {
      const atLimit = await send(app.served.url, "/api/auth/signup", padded(64 * 1024), framing);
      expect(atLimit.status).toBe(400);
      expect(JSON.parse(atLimit.body).code).toBe("validation_failed");
      const over = await send(app.served.url, "/api/auth/signup", padded(64 * 1024 + 1), framing);
      expect(over.status).toBe(413);
      expect(JSON.parse(over.body).code).toBe("payload_too_large");
    }
  });
});
