import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { inject } from "vitest";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };
export const PASSWORD = "correct horse battery staple";

const root = new URL("../../..", import.meta.url).pathname;
export const SCREENSHOTS = join(root, "test-results/screenshots");

export function baseURL(): string {
  return inject("baseURL");
}

/** Debian's Chromium, headless; never a downloaded browser. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

let addresses = 0;

export interface Person {
  context: BrowserContext;
  page: Page;
  /** Problems the page reported: uncaught errors and Content-Security-Policy violations. */
  problems: string[];
}

/**
 * A new person at the browser: their own cookie jar, and their own client address (the server
 * under test trusts X-Forwarded-For), so that throttles count each person separately.
 */
export async function newPerson(
  browser: Browser,
  options: { viewport?: { width: number; height: number }; colorScheme?: "light" | "dark"; timezoneId?: string } = {},
): Promise<Person> {
  const context = await browser.newContext({
    baseURL: baseURL(),
    viewport: options.viewport ?? PHONE,
    colorScheme: options.colorScheme ?? "light",
    reducedMotion: "reduce",
    ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
    extraHTTPHeaders: { "x-forwarded-for": `198.51.100.${(++addresses % 250) + 1}` },
  });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems = watch(page);
  return { context, page, problems };
}

/** Collects uncaught errors and CSP violations of a page (and of pages opened later with `watch`). */
export function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && /Content.Security.Policy|Refused to/i.test(message.text())) {
      problems.push(`csp: ${message.text()}`);
    }
  });
  return problems;
}

export function uniqueEmail(who: string): string {
  return `${who}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;
}

/** Signs up through the form, as a new user would, and waits for the task list. */
export async function signUp(page: Page, email: string, name?: string): Promise<void> {
  await page.goto("/signup");
  if (name) await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { name: "Tasks", level: 1 }).waitFor();
}

export async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Adds a task through the one input, pressing Enter, and waits until the server has it. */
export async function addTask(page: Page, title: string): Promise<void> {
  const saved = page.waitForResponse((r) => r.url().endsWith("/tasks") && r.request().method() === "POST");
  await page.getByLabel("New task").fill(title);
  await page.getByLabel("New task").press("Enter");
  const response = await saved;
  if (response.status() !== 201) throw new Error(`creating "${title}" answered ${response.status()}`);
}

export function taskRow(page: Page, title: string) {
  return page.getByRole("listitem").filter({ has: page.getByRole("button", { name: `Edit: ${title}`, exact: true }) });
}

/** The titles of the rows shown, in order. */
export async function visibleTitles(page: Page): Promise<string[]> {
  const buttons = page.getByRole("list", { name: "Tasks" }).getByRole("button", { name: /^Edit: / });
  return (await buttons.allTextContents()).map((t) => t.replace(/^Edit: /, ""));
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Runs axe-core on the page; returns its serious and critical violations, described. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the app's CSP (rightly) refuses inline <script> tags,
  // so addScriptTag({ content }) would be blocked.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(): Promise<{
            violations: { id: string; impact: string; help: string; nodes: { target: unknown[] }[] }[];
          }>;
        };
      }
    ).axe;
    const result = await axe.run();
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => String(n.target)),
    }));
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.targets.slice(0, 3).join(" | ")})`);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}
