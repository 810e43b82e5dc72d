import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPerson, PASSWORD, signIn, signUp, uniqueEmail } from "./helpers/browser.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("signing up and in", () => {
  it("sends a signed-out visitor to sign in, and checks the sign-up form before asking the server", async () => {
    const { page, context, problems } = await newPerson(browser);
    await page.goto("/");
    await page.waitForURL(/\/signin$/);
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.waitForURL(/\/signup$/);

    const email = page.getByLabel("Email");
    expect(await email.getAttribute("type")).toBe("email");
    expect(await email.getAttribute("autocomplete")).toBe("email");
    const password = page.getByLabel("Password", { exact: true });
    expect(await password.getAttribute("autocomplete")).toBe("new-password");

    await email.fill("not-an-email");
    await password.fill("short");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByText("Email must be a valid email address").waitFor();
    await page.getByText("Password must be 8 to 128 characters").waitFor();
    expect(await email.getAttribute("aria-invalid")).toBe("true");

    await page.getByRole("button", { name: "Show password" }).click();
    expect(await password.getAttribute("type")).toBe("text");
    await page.getByRole("button", { name: "Hide password" }).click();
    expect(await password.getAttribute("type")).toBe("password");

    // The server's own refusal appears beside the field it names.
    await email.fill(uniqueEmail("weak"));
    await password.fill("password123");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByText(/commonly used password/).waitFor();
    expect(page.url()).toMatch(/\/signup$/);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("signs up, stays signed in across a reload, signs out and back in", async () => {
    const { page, context, problems } = await newPerson(browser);
    const email = uniqueEmail("ada");
    await signUp(page, email, "Ada Lovelace");
    await page.getByRole("heading", { name: "No tasks yet" }).waitFor();

    await page.reload();
    await page.getByRole("heading", { name: "Tasks", level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/");

    await page.getByRole("button", { name: "Account menu" }).click();
    await page.getByRole("link", { name: "Account" }).click();
    await page.waitForURL(/\/account$/);
    await page.getByText(email).waitFor();
    await page.getByRole("main").getByText("Ada Lovelace").waitFor();

    await page.getByRole("main").getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/signin$/);
    await page.reload();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();

    await signIn(page, email.toUpperCase());
    await page.getByRole("heading", { name: "Tasks", level: 1 }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it("answers a wrong password with the generic message, and says when to retry after too many", async () => {
    const { page, context } = await newPerson(browser);
    const email = uniqueEmail("grace");
    await signUp(page, email);
    await page.getByRole("button", { name: "Account menu" }).click();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/signin$/);

    await signIn(page, email, "wrong password here");
    await page.getByRole("alert").filter({ hasText: "Invalid email or password." }).waitFor();
    expect(await page.getByLabel("Email").inputValue()).toBe(email);

    // The per-account limit is 10 failures in 15 minutes: the next ones get 429 + Retry-After.
    let limited = false;
    for (let i = 0; i < 12 && !limited; i++) {
      const answer = page.waitForResponse((r) => r.url().endsWith("/api/auth/signin"));
      await page.getByRole("button", { name: "Sign in" }).click();
      limited = (await answer).status() === 429;
    }
    expect(limited).toBe(true);
    await page
      .getByRole("alert")
      .filter({ hasText: /Too many attempts\. Try again in \d+ minutes?/ })
      .waitFor();
    expect(await page.getByRole("button", { name: "Sign in" }).isDisabled()).toBe(true);
    await context.close();
  });

  it("brings a visitor back to the page they asked for after signing in", async () => {
    const { page, context } = await newPerson(browser);
    const email = uniqueEmail("linus");
    await signUp(page, email);
    await page.getByRole("button", { name: "Account menu" }).click();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/signin$/);

    await page.goto("/account");
    await page.waitForURL(/\/signin\?next=%2Faccount$/);
    await signIn(page, email);
    await page.waitForURL(/\/account$/);
    await page.getByRole("heading", { name: "Account", level: 1 }).waitFor();
    expect(PASSWORD.length).toBeGreaterThan(8);
    await context.close();
  });
});
