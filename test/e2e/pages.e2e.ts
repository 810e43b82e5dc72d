import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiAs } from "./helpers/api.js";
import { launchBrowser, newPerson, type Person, signUp, uniqueEmail } from "./helpers/browser.js";
import { ALL_VARIANTS, pageProblems } from "./helpers/page-checks.js";

let browser: Browser;
let person: Person;

beforeAll(async () => {
  browser = await launchBrowser();
  person = await newPerson(browser);
});
afterAll(async () => {
  await browser?.close();
});

/** Checks one page in light and dark, phone and desktop: axe, no sideways scroll, a screenshot each. */
async function checkPage(page: Page, name: string): Promise<void> {
  expect(await pageProblems(page, name, { variants: ALL_VARIANTS, tapTargets: false, fullPage: false })).toEqual([]);
}

/** Controls smaller than 44×44 px on a phone (text links inside sentences excepted). */
async function smallTapTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const small: string[] = [];
    const controls = document.querySelectorAll<HTMLElement>(
      "button, input, select, textarea, nav a, header a, [role=button]",
    );
    for (const el of controls) {
      const box = (el.matches("input[type=checkbox]") ? (el.closest("label") ?? el) : el).getBoundingClientRect();
      if (box.width <= 2 || getComputedStyle(el).visibility === "hidden") continue; // visually hidden (skip link)
      if (box.width < 44 || box.height < 44) {
        small.push(
          `${el.tagName.toLowerCase()} "${el.getAttribute("aria-label") ?? el.textContent?.trim()}" ${Math.round(box.width)}×${Math.round(box.height)}`,
        );
      }
    }
    return small;
  });
}

function dayFromNow(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  d.setHours(23, 59, 0, 0);
  return d.toISOString();
}

describe("every page, light and dark, phone and desktop", () => {
  it("sign in and sign up", async () => {
    const { page } = person;
    await page.goto("/signin");
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await checkPage(page, "signin");
    await page.goto("/signup");
    await page.getByRole("heading", { name: "Create your account" }).waitFor();
    await page.getByLabel("Email").fill("not an email");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByText("Email must be a valid email address").waitFor();
    await checkPage(page, "signup-errors");
  });

  it("the task list: empty, full, and editing", async () => {
    const { page, context } = person;
    await signUp(page, uniqueEmail("screens"), "Ada Lovelace");
    await page.getByRole("heading", { name: "No tasks yet" }).waitFor();
    await checkPage(page, "tasks-empty");

    const api = await apiAs(context);
    const seed = [
      { title: "Book flights to Lisbon", tags: ["travel"] },
      { title: "Water the plants", tags: ["home"], completed: true },
      { title: "Draft the Q3 report", priority: "high", dueAt: dayFromNow(6), tags: ["work"] },
      { title: "Call the dentist", priority: "low", dueAt: dayFromNow(1), tags: ["health"] },
      {
        title: "Buy groceries",
        description: "Oat milk, sourdough, coffee beans",
        priority: "medium",
        dueAt: dayFromNow(0),
        tags: ["home", "errands"],
      },
      { title: "Renew passport", priority: "high", dueAt: dayFromNow(-2), tags: ["admin"] },
    ] as const;
    for (const task of seed) await api.createTask({ ...task, tags: [...task.tags] });
    await page.reload();
    await page.getByRole("button", { name: "Edit: Renew passport" }).waitFor();
    await page.getByText("5 tasks left to do · 1 completed").waitFor();
    expect(await smallTapTargets(page)).toEqual([]);
    await checkPage(page, "tasks");

    await page.getByRole("button", { name: "Filters" }).click();
    await page.getByLabel("Tag", { exact: true }).waitFor();
    await checkPage(page, "tasks-filters");
    await page.getByRole("button", { name: "Filters" }).click();

    await page.getByRole("button", { name: "Edit: Buy groceries" }).click();
    await page.getByRole("dialog", { name: "Edit task" }).waitFor();
    await checkPage(page, "task-dialog");
    await page.keyboard.press("Escape");

    await page.getByRole("button", { name: "Account menu" }).click();
    await page.getByRole("link", { name: "Account" }).waitFor();
    await checkPage(page, "menu");
    await page.keyboard.press("Escape");
  });

  it("the account page", async () => {
    const { page } = person;
    await page.goto("/account");
    await page.getByRole("heading", { name: "Account", level: 1 }).waitFor();
    expect(await smallTapTargets(page)).toEqual([]);
    await checkPage(page, "account");
    expect(person.problems).toEqual([]);
  });

  it("an unknown address", async () => {
    const { page } = person;
    await page.goto("/no/such/page");
    await page.getByRole("heading", { name: "Page not found" }).waitFor();
    await checkPage(page, "not-found");
  });
});
