import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiAs } from "./helpers/api.js";
import {
  addTask,
  launchBrowser,
  newPerson,
  screenshot,
  seriousA11yViolations,
  signIn,
  signUp,
  taskRow,
  uniqueEmail,
  watch,
} from "./helpers/browser.js";
import { ACCESS_TOKEN_TTL } from "./setup/start-server.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("the session in the browser", () => {
  it("renews access tokens that expire mid-session without the user noticing", async () => {
    const { page, context, problems } = await newPerson(browser);
    const storage = () =>
      page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    await signUp(page, uniqueEmail("ttl"));
    const refreshes: number[] = [];
    page.on("response", (r) => {
      if (r.url().endsWith("/api/auth/refresh")) refreshes.push(r.status());
    });
    await addTask(page, "Before the token expires");
    // Several access-token lifetimes pass while the tab sits open.
    await page.waitForTimeout(ACCESS_TOKEN_TTL * 2500);
    await addTask(page, "After the token expired");
    await page.getByRole("checkbox", { name: "Done: Before the token expires" }).check();
    await page.getByText("1 task left to do · 1 completed").waitFor();
    expect(refreshes.length).toBeGreaterThanOrEqual(2);
    expect(refreshes.every((status) => status === 200)).toBe(true);

    // Requests refused with 401 (as with an expired token) are renewed and retried once, and
    // requests refused together share one refresh. Completing a task refetches the list and the
    // counts; the first try of each is sent with a token the server refuses.
    const spoiled = new Set<string>();
    const listOrCounts = /\/api\/[^/]+\/tasks(\?|\/counts)/;
    await page.route(listOrCounts, async (route) => {
      const url = route.request().url();
      if (spoiled.has(url)) return route.continue();
      spoiled.add(url);
      await route.continue({ headers: { ...route.request().headers(), authorization: "Bearer expired.token.here" } });
    });
    const answers: number[] = [];
    page.on("response", (r) => {
      if (listOrCounts.test(r.url())) answers.push(r.status());
    });
    const before = refreshes.length;
    await page.getByRole("checkbox", { name: "Done: After the token expired" }).check();
    await page.getByText("Nothing left to do · 2 completed").waitFor();
    const refused = () => answers.filter((status) => status === 401).length;
    await expect
      .poll(() => refused() >= 1 && answers.filter((status) => status === 200).length >= refused(), { timeout: 5000 })
      .toBe(true);
    // One refresh for the refused requests (plus, at most, the scheduled renewal in that second).
    expect(refreshes.length - before).toBeGreaterThanOrEqual(1);
    expect(refreshes.length - before).toBeLessThanOrEqual(2);
    await page.unroute(listOrCounts);

    expect(new URL(page.url()).pathname).toBe("/");
    expect(await page.getByRole("alert").count()).toBe(0);
    expect(await storage()).toBe("{}{}");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("sends the user to sign in when the session has ended, and back to the page they were on, with nothing of theirs kept meanwhile", async () => {
    const { page, context } = await newPerson(browser);
    const email = uniqueEmail("expired");
    await signUp(page, email);
    await addTask(page, "Water the plants");
    await page.getByRole("link", { name: /^Pending/ }).click();
    await page.waitForURL(/\?status=pending$/);
    await page.getByLabel("Search tasks").fill("plants");
    await page.waitForURL(/\?status=pending&q=plants$/);
    await page.getByLabel("New task").fill("An idea typed before the session ended");

    await (await apiAs(context)).endSession();
    // The next renewal (at most a token lifetime away) finds the session gone.
    await page.waitForURL(/\/signin\?next=%2F%3Fstatus%3Dpending$/, { timeout: ACCESS_TOKEN_TTL * 1000 + 5000 });
    await page.getByText("Your session has expired.").waitFor();
    await screenshot(page, "signin-session-expired-phone");

    // The page was left unattended until its session ended (or was revoked from another device):
    // whoever signs in next may be someone else, so the draft and the search are gone.
    expect(await page.locator("body").textContent()).not.toMatch(/An idea typed|plants/);

    await signIn(page, email);
    await page.waitForURL(/\/\?status=pending$/);
    await taskRow(page, "Water the plants").waitFor();
    expect(await page.getByLabel("New task").inputValue()).toBe("");
    expect(await page.getByLabel("Search tasks").inputValue()).toBe("");
    await context.close();
  });

  it("signs out every open tab when one tab signs out", async () => {
    const { page: first, context } = await newPerson(browser);
    await signUp(first, uniqueEmail("tabs"));
    const second = await context.newPage();
    const problems = watch(second);
    await second.goto("/account");
    await second.getByRole("heading", { name: "Account", level: 1 }).waitFor();

    await first.getByRole("button", { name: "Account menu" }).click();
    await first.getByRole("button", { name: "Sign out" }).click();
    await first.waitForURL(/\/signin$/);

    await second.waitForURL(/\/signin/, { timeout: 5000 });
    await second.getByText("You signed out in another tab.").waitFor();
    await second.goto("/");
    await second.waitForURL(/\/signin/);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("shows a retry banner when the server cannot be reached, and loses nothing typed", async () => {
    const { page, context } = await newPerson(browser);
    await signUp(page, uniqueEmail("offline"));
    await page.route(/\/api\/[^/]+\/tasks$/, (route) =>
      route.request().method() === "POST" ? route.abort("internetdisconnected") : route.continue(),
    );
    await page.getByLabel("New task").fill("Written while the server was away");
    await page.getByLabel("New task").press("Enter");
    const banner = page.getByRole("status").filter({ hasText: "Can't reach Taskvault right now." });
    await banner.waitFor();
    // The typed title is back in the field; the page is still usable.
    expect(await page.getByLabel("New task").inputValue()).toBe("Written while the server was away");
    expect(await taskRow(page, "Written while the server was away").count()).toBe(0);
    await screenshot(page, "offline-banner-phone");
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.unroute(/\/api\/[^/]+\/tasks$/);
    await banner.getByRole("button", { name: "Retry" }).click();
    await taskRow(page, "Written while the server was away").waitFor();
    await banner.waitFor({ state: "detached" });
    expect(await page.getByLabel("New task").inputValue()).toBe("");
    await page.reload();
    await taskRow(page, "Written while the server was away").waitFor();
    await context.close();
  });
});
