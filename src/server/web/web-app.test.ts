import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/helpers/test-app.js";
import { webApp } from "./web-app.js";

const html = (path: string, headers: Record<string, string> = {}) => ({
  path,
  headers: { accept: "text/html,application/xhtml+xml", ...headers },
});

describe("serving the built web app", () => {
  let dist: string;
  let app: Hono;
  const script = `console.log(${JSON.stringify("x".repeat(4000))});`;

  beforeAll(() => {
    dist = mkdtempSync(join(tmpdir(), "taskvault-dist-"));
    mkdirSync(join(dist, "assets"));
    writeFileSync(join(dist, "index.html"), "<!doctype html><title>Taskvault</title>");
    writeFileSync(join(dist, "assets/index-abc123.js"), script);
    writeFileSync(join(dist, "favicon.svg"), "<svg/>");
    app = new Hono();
    app.use(webApp({ distDir: dist }));
    app.notFound((c) => c.json({ code: "not_found" }, 404));
  });
  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  async function get(request: { path: string; headers?: Record<string, string> }) {
    return app.request(request.path, { headers: request.headers ?? {} });
  }

  it("caches hashed assets for a year, compressed when the browser accepts it", async () => {
    const res = await get({ path: "/assets/index-abc123.js", headers: { "accept-encoding": "gzip, br" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(res.headers.get("content-encoding")).toBe("br");
    expect(res.headers.get("vary")).toBe("Accept-Encoding");
    const plain = await get({ path: "/assets/index-abc123.js" });
    expect(await plain.text()).toBe(script);
  });

  it("answers every client route with index.html, never cached", async () => {
    for (const path of ["/", "/account", "/signin", "/no/such/page"]) {
      const res = await get(html(path));
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("no-cache");
      expect(await res.text()).toContain("<title>Taskvault</title>");
    }
  });

  it("serves the build's other files for an hour", async () => {
    const res = await get({ path: "/favicon.svg" });
    expect(res.headers.get("cache-control")).toBe("public, max-age=3600");
    expect(res.headers.get("content-type")).toBe("image/svg+xml");
  });

  it("leaves /api alone, and does not answer a missing file with a page", async () => {
    for (const path of ["/api/nope", "/api", "/assets/missing.js", "/assets/../index.html", "/missing.js"]) {
      expect((await get({ path, headers: { accept: "*/*" } })).status, path).toBe(404);
    }
    expect((await get(html("/api/tasks"))).status).toBe(404);
  });
});

describe("the web app inside the whole server", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it("keeps unknown API paths as JSON problems, and other methods as 404s rather than 405s", async () => {
    const api = await t.request("/api/no/such/route", { headers: { accept: "text/html" } });
    expect(api.status).toBe(404);
    expect(api.headers.get("content-type")).toBe("application/problem+json");
    expect((await t.request("/somewhere", { method: "POST" })).status).toBe(404);
  });

  it("gives pages the app's Content-Security-Policy: our own scripts and styles only", async () => {
    const res = await t.request("/account", { headers: { accept: "text/html" } });
    expect([200, 503]).toContain(res.status); // 503 explains how to build when dist/web is missing
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
  });
});
