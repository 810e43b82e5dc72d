import type { Browser, Page, Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiAs } from "./helpers/api.js";
import {
  addTask,
  DESKTOP,
  launchBrowser,
  newPerson,
  screenshot,
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

// Whatever of Ada's could show: her name, her tasks, her tag, her drafts and her search.
const adaTraces = /Ada|divorce|lawyer|#legal|Old notes|An idea|on Friday|Bring the papers/i;

/** Grace: an account of her own, with one task, made in a browser of her own. */
async function graceWithATask(): Promise<string> {
  const { context, page } = await newPerson(browser);
  const email = uniqueEmail("grace");
  await signUp(page, email, "Grace");
  await addTask(page, "Water the plants");
  await context.close();
  return email;
}

/** Ada, signed up in `page`, with two tasks of her own. */
async function adaWithTasks(page: Page): Promise<void> {
  await signUp(page, uniqueEmail("ada"), "Ada");
  const api = await apiAs(page.context());
  await api.createTask({ title: "Old notes" });
  await api.createTask({ title: "See the divorce lawyer", tags: ["legal"] });
  await page.reload();
  await taskRow(page, "See the divorce lawyer").waitFor();
}

async function search(page: Page, text: string): Promise<void> {
  await page.getByLabel("Search tasks").fill(text);
  await page.waitForURL(new RegExp(`q=${text}`));
}

/** Grace signs in on the sign-in page shown, and finds nothing of Ada's anywhere. */
async function graceSeesNothingOfAda(page: Page, email: string, name: string): Promise<void> {
  await signIn(page, email);
  await taskRow(page, "Water the plants").waitFor();
  await page.getByText(/^1 task left to do/).waitFor();
  expect(await page.getByLabel("New task").inputValue()).toBe("");
  expect(await page.getByLabel("Search tasks").inputValue()).toBe("");
  expect(new URL(page.url()).search).not.toMatch(/q=|tag=/);
  expect(await page.locator("body").textContent()).not.toMatch(adaTraces);
  expect(await page.getByRole("status").filter({ hasText: "Can't reach Taskvault" }).count()).toBe(0);
  expect(await page.getByRole("dialog").count()).toBe(0);
  // Nothing was ever put in web storage for the next person to find either.
  expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);
  await screenshot(page, name);
}

describe("the next person to sign in on a tab sees nothing of the last", () => {
  it("after a sign-out from the header menu with a draft, a search, an unsent edit and an open undo", async () => {
    const graceEmail = await graceWithATask();
    const { page, context, problems } = await newPerson(browser);
    await adaWithTasks(page);

    // An edit that cannot reach the server is kept for Ada: "Edit again" and the banner's Retry.
    await page.route(/\/api\/[^/]+\/tasks\/[^/]+$/, (route) =>
      route.request().method() === "PATCH" ? route.abort("internetdisconnected") : route.continue(),
    );
    await page.getByRole("button", { name: "Edit: See the divorce lawyer" }).click();
    const dialog = page.getByRole("dialog", { name: "Edit task" });
    await dialog.getByLabel("Title").fill("See the divorce lawyer on Friday");
    await dialog.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("button", { name: "Edit again" }).waitFor();
    await page.getByRole("status").filter({ hasText: "Can't reach Taskvault" }).waitFor();
    // A delete whose undo toast is still open when Ada signs out, a draft and a search.
    await page.getByRole("button", { name: "Delete: Old notes" }).click();
    await page.getByText("Deleted “Old notes”.").waitFor();
    await page.getByLabel("New task").fill("An idea I have not sent");
    await search(page, "divorce");
    await screenshot(page, "forget-ada-before-sign-out-phone");

    const order: string[] = [];
    page.on("response", (r) => {
      const { pathname } = new URL(r.url());
      if (r.request().method() === "DELETE" || pathname === "/api/auth/signout")
        order.push(`${r.request().method()} ${pathname.endsWith("signout") ? "signout" : "task"} ${r.status()}`);
    });
    await page.getByRole("button", { name: "Account menu" }).click();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/signin$/);
    await page.getByText("You're signed out.").waitFor();
    // Ada's delete was carried out while her session could still send it, then she was signed out.
    await expect.poll(() => order).toEqual(["DELETE task 204", "POST signout 204"]);
    expect(await page.locator("body").textContent()).not.toMatch(adaTraces);
    await screenshot(page, "forget-signed-out-phone");

    await graceSeesNothingOfAda(page, graceEmail, "forget-next-user-phone");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("after being signed out by another tab with the edit dialog open", async () => {
    const graceEmail = await graceWithATask();
    const { page, context, problems } = await newPerson(browser, { viewport: DESKTOP });
    await adaWithTasks(page);
    await page.getByLabel("New task").fill("An idea I have not sent");
    await search(page, "lawyer");
    await page.getByRole("button", { name: "Edit: See the divorce lawyer" }).click();
    const dialog = page.getByRole("dialog", { name: "Edit task" });
    await dialog.getByLabel("Description").fill("Bring the papers");
    await screenshot(page, "forget-ada-editing-desktop");

    const other = await context.newPage();
    const otherProblems = watch(other);
    await other.goto("/");
    await other.getByRole("button", { name: "Account menu" }).click();
    await other.getByRole("button", { name: "Sign out" }).click();
    await other.waitForURL(/\/signin$/);

    await page.getByText("You signed out in another tab.").waitFor({ timeout: 5000 });
    // The search is not kept in the address for whoever signs in next.
    expect(new URL(page.url()).search).toBe("");
    expect(await page.getByRole("dialog").count()).toBe(0);
    expect(await page.locator("body").textContent()).not.toMatch(adaTraces);
    await screenshot(page, "forget-signed-out-elsewhere-desktop");

    await graceSeesNothingOfAda(page, graceEmail, "forget-next-user-desktop");
    // The other tab follows Grace's sign-in, with nothing of Ada's either.
    await taskRow(other, "Water the plants").waitFor();
    expect(await other.locator("body").textContent()).not.toMatch(adaTraces);
    expect([...problems, ...otherProblems]).toEqual([]);
    await context.close();
  });
});

describe("two tabs of one user", () => {
  it("stay signed in when they renew their access tokens at the same moment", async () => {
    const { page: first, context, problems } = await newPerson(browser, { viewport: DESKTOP });
    await signUp(first, uniqueEmail("twotabs"));
    const second = await context.newPage();
    const secondProblems = watch(second);
    await second.goto("/");
    await second.getByRole("heading", { name: "Tasks", level: 1 }).waitFor();

    // Each tab renews on its own timer (half the 3 s token life). Hold each tab's refresh until the
    // other tab's arrives, then let both reach the server together, with the same refresh cookie.
    const statuses: number[] = [];
    let held: Route[] = [];
    let together = 0;
    await context.route("**/api/auth/refresh", async (route) => {
      held.push(route);
      if (held.length < 2) return;
      const pair = held;
      held = [];
      together++;
      await Promise.all(pair.map((r) => r.continue()));
    });
    context.on("response", (r) => {
      if (r.url().endsWith("/api/auth/refresh")) statuses.push(r.status());
    });
    await expect
      .poll(() => together, { timeout: ACCESS_TOKEN_TTL * 1000 * 4, interval: 200 })
      .toBeGreaterThanOrEqual(3);
    await context.unroute("**/api/auth/refresh");
    for (const route of held) await route.continue();

    // Both tabs keep working through their own renewals after the simultaneous ones.
    await first.waitForTimeout(ACCESS_TOKEN_TTL * 1000);
    await addTask(first, "Written in the first tab");
    await addTask(second, "Written in the second tab");
    await second.reload();
    await taskRow(second, "Written in the first tab").waitFor();
    await first.reload();
    await taskRow(first, "Written in the second tab").waitFor();
    for (const page of [first, second]) expect(new URL(page.url()).pathname).toBe("/");
    expect(statuses.length).toBeGreaterThanOrEqual(6);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect([...problems, ...secondProblems]).toEqual([]);
    await context.close();
  });
});
