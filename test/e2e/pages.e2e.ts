import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiAs } from "./helpers/api.js";
import {
  DESKTOP,
  launchBrowser,
  newPerson,
  type Person,
  PHONE,
  screenshot,
  seriousA11yViolations,
  signUp,
  uniqueEmail,
} from "./helpers/browser.js";

let browser: Browser;
let person: Person;

beforeAll(async () => {
  browser = await launchBrowser();
  person = await newPerson(browser);
});
afterAll(async () => {
  await browser?.close();
});

const variants = [
  { name: "phone", viewport: PHONE, colorScheme: "light" },
  { name: "desktop", viewport: DESKTOP, colorScheme: "light" },
  { name: "phone-dark", viewport: PHONE, colorScheme: "dark" },
  { name: "desktop-dark", viewport: DESKTOP, colorScheme: "dark" },
] as const;

/** Checks one page in light and dark, phone and desktop: axe, no sideways scroll, a screenshot each. */
async function checkPage(page: Page, name: string): Promise<void> {
  const failures: string[] = [];
  for (const variant of variants) {
    await page.setViewportSize(variant.viewport);
    await page.emulateMedia({ colorScheme: variant.colorScheme, reducedMotion: "reduce" });
    await page.waitForTimeout(150);
    let violations = await seriousA11yViolations(page);
    // A colour-scheme switch repaints over a few frames, longer on a loaded machine: a violation
    // counts only if it is still there once the page has settled.
    if (violations.length > 0) {
      await page.waitForTimeout(600);
      violations = await seriousA11yViolations(page);
    }
    for (const v of violations) failures.push(`${name} (${variant.name}): ${v}`);
    await screenshot(page, `${name}-${variant.name}`);
  }
  await page.setViewportSize({ width: 320, height: 640 });
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  if (overflow > 0) failures.push(`${name}: scrolls sideways by ${overflow}px at 320px wide`);
  await page.setViewportSize(PHONE);
  await page.emulateMedia({ colorScheme: "light" });
  expect(failures).toEqual([]);
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
