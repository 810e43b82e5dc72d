import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const web = new URL(".", import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/from\s+"(\.[^"]+)"/g)].map((m) => relative(web, resolve(dirname(file), m[1] ?? "")));
}

/** The layer a path belongs to: shared code, one feature, or the app that composes them. */
function layer(path: string): string {
  if (path.startsWith("..")) return "shared-with-server";
  const [top, name] = path.split("/");
  return top === "features" ? `feature:${name}` : (top ?? "");
}

describe("the web app's structure", () => {
  const files = sourceFiles(web).filter((f) => !f.includes("/test/"));

  it("lets imports flow one way: shared → features → app, and no feature imports another", () => {
    const wrong: string[] = [];
    for (const file of files) {
      const from = layer(relative(web, file));
      for (const target of imports(file)) {
        const to = layer(target);
        if (to === "app" && from !== "app" && from !== "main.tsx") wrong.push(`${relative(web, file)} → ${target}`);
        if (from.startsWith("feature:") && to.startsWith("feature:") && to !== from)
          wrong.push(`${relative(web, file)} → ${target}`);
        if (["lib", "components", "config"].includes(from) && to.startsWith("feature:"))
          wrong.push(`${relative(web, file)} → ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("reaches outside src/web only for the shared schemas", () => {
    const outside = files.flatMap((file) =>
      imports(file).filter((t) => t.startsWith("..") && !t.startsWith("../shared/")),
    );
    expect(outside).toEqual([]);
  });

  it("never keeps tokens in web storage", () => {
    const offenders = files.filter((file) => /localStorage|sessionStorage/.test(readFileSync(file, "utf8")));
    // The one use: the sign-out broadcast's fallback, which stores no secret.
    expect(offenders.map((f) => relative(web, f))).toEqual(["lib/auth-channel.ts"]);
  });
});
