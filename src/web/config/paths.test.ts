import { describe, expect, it } from "vitest";
import { paths, safeNextPath, withoutPersonalParams } from "./paths.js";

describe("where to go after signing in", () => {
  it("is the page the user was on", () => {
    expect(safeNextPath("/account")).toBe("/account");
    expect(safeNextPath("/?status=pending&q=milk")).toBe("/?status=pending&q=milk");
  });

  it("is never another site, nor a page for the signed-out (sign-in, sign-up, password reset)", () => {
    for (const next of [
      "//evil.example",
      "https://evil.example",
      "/\\evil.example",
      "javascript:alert(1)",
      "/signin",
      "/signup?next=/",
      "/forgot-password",
      "/reset-password?token=abc",
      "",
      null,
    ]) {
      expect(safeNextPath(next)).toBe("/");
    }
  });

  it("is carried in the sign-in link", () => {
    expect(paths.signin.href("/?tag=home")).toBe("/signin?next=%2F%3Ftag%3Dhome");
    expect(paths.signin.href("/")).toBe("/signin");
  });
});

describe("the page kept across the end of a session", () => {
  it("keeps the view but not what the user typed or named: the search and the tag", () => {
    expect(withoutPersonalParams("/?status=pending&q=divorce&tag=legal&sort=title&order=asc")).toBe(
      "/?status=pending&sort=title&order=asc",
    );
    expect(withoutPersonalParams("/?q=divorce")).toBe("/");
    expect(withoutPersonalParams("/account")).toBe("/account");
  });
});
