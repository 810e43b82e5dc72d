import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addTask,
  baseURL,
  DESKTOP,
  launchBrowser,
  PASSWORD,
  type Person,
  PHONE,
  signIn,
  signUp,
  uniqueEmail,
  watch,
} from "./helpers/browser.js";
import { emailTo, linkIn } from "./helpers/outbox.js";
import { pageProblems } from "./helpers/page-checks.js";
import { ACCESS_TOKEN_TTL } from "./setup/start-server.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const NEW_PASSWORD = "a fresh passphrase for spring";
// A signed-out device finds out at its next renewal of the access token (a few seconds here); the
// live stream that tells it at once is a later change.
const SIGNED_OUT_WITHIN = ACCESS_TOKEN_TTL * 1000 + 5000;

const devices = {
  iphone:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  windows: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
};

let addresses = 100;

/**
 * A person at a device of their own: a cookie jar, a client address (the server trusts
 * X-Forwarded-For), and, when given, a browser, a time zone and a screen.
 */
async function newDevice(
  options: { userAgent?: string; timezoneId?: string; viewport?: { width: number; height: number } } = {},
): Promise<Person> {
  const context = await browser.newContext({
    baseURL: baseURL(),
    viewport: options.viewport ?? PHONE,
    reducedMotion: "reduce",
    acceptDownloads: true,
    ...(options.userAgent ? { userAgent: options.userAgent } : {}),
    ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
    extraHTTPHeaders: { "x-forwarded-for": `203.0.113.${(++addresses % 250) + 1}` },
  });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  return { context, page, problems: watch(page) };
}

async function signOutFromMenu(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Account menu" }).click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/signin$/);
}

async function openAccount(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Account menu" }).click();
  await page.getByRole("link", { name: "Account" }).click();
  await page.getByRole("heading", { name: "Account", level: 1 }).waitFor();
}

describe("a person who forgot their password", () => {
  it("asks for a link, opens it from the email, chooses a new password and signs in with it", async () => {
    const { page, context, problems } = await newDevice();
    const email = uniqueEmail("forgot");
    await signUp(page, email, "Ada");
    await signOutFromMenu(page);

    await page.getByRole("link", { name: "Forgot password?" }).click();
    await page.getByRole("heading", { name: "Forgot your password?", level: 1 }).waitFor();
    await page.getByLabel("Email").fill("not an address");
    await page.getByRole("button", { name: "Send me a link" }).click();
    await page.getByText("Email must be a valid email address").waitFor();
    expect(await pageProblems(page, "forgot-password")).toEqual([]);
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Send me a link" }).click();
    await page.getByText("If an account exists for that address, we sent a link.").waitFor();
    expect(await pageProblems(page, "forgot-password-sent")).toEqual([]);

    const { mail } = await emailTo(email, /^Reset your Taskvault password$/);
    const link = linkIn(mail, "reset-password");
    await page.goto(link);
    await page.getByRole("heading", { name: "Choose a new password", level: 1 }).waitFor();
    // The token leaves the address bar (and so the history) as soon as the page has read it.
    await page.waitForURL((url) => url.search === "");
    await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel("Confirm new password").fill(`${NEW_PASSWORD}!`);
    await page.getByRole("button", { name: "Set new password" }).click();
    await page.getByText("Confirm new password must match the new password").waitFor();
    expect(await pageProblems(page, "reset-password")).toEqual([]);
    await page.getByLabel("Confirm new password").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Set new password" }).click();

    await page.waitForURL(/\/signin$/);
    await page.getByText("Your password has been changed and every device signed out.").waitFor();
    expect(await pageProblems(page, "signin-after-reset")).toEqual([]);
    await signIn(page, email, PASSWORD);
    await page.getByText("Invalid email or password.").waitFor();
    await signIn(page, email, NEW_PASSWORD);
    await page.getByRole("heading", { name: "Tasks", level: 1 }).waitFor();

    // The link worked once.
    await signOutFromMenu(page);
    await page.goto(link);
    await page.getByLabel("New password", { exact: true }).fill("yet another passphrase");
    await page.getByLabel("Confirm new password").fill("yet another passphrase");
    await page.getByRole("button", { name: "Set new password" }).click();
    await page.getByText("This link has expired or has already been used.").waitFor();
    expect(await pageProblems(page, "reset-password-used-link")).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe("a new account's email address", () => {
  it("is confirmed from the emailed link; until then the task list says so and can send the link again", async () => {
    const { page, context, problems } = await newDevice();
    const email = uniqueEmail("verify");
    const seen = new Set<string>();
    await signUp(page, email);
    const banner = page.getByRole("region", { name: "Confirm your email address" });
    await banner.waitFor();
    const first = await emailTo(email, /^Confirm your email address for Taskvault$/, { seen });
    expect(await pageProblems(page, "tasks-unverified")).toEqual([]);

    await banner.getByRole("button", { name: "Send again" }).click();
    await banner.getByText("Sent. Check your inbox.").waitFor();
    const second = await emailTo(email, /^Confirm your email address for Taskvault$/, { seen });
    expect(linkIn(second.mail, "verify-email")).not.toBe(linkIn(first.mail, "verify-email"));

    await page.goto(linkIn(second.mail, "verify-email"));
    await page.getByText(`Your email address ${email} is confirmed.`).waitFor();
    await page.waitForURL((url) => url.search === "");
    expect(await pageProblems(page, "verify-email")).toEqual([]);
    await page.getByRole("link", { name: "Go to your tasks" }).click();
    await page.getByRole("heading", { name: "Tasks", level: 1 }).waitFor();
    expect(await banner.count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe("the account page", () => {
  it("keeps the browser's time zone from sign-up, renames, changes the email once the new address confirms it", async () => {
    const { page, context, problems } = await newDevice({ timezoneId: "Asia/Tokyo" });
    const email = uniqueEmail("profile");
    const newEmail = uniqueEmail("profile-new");
    await signUp(page, email, "Ada");
    await openAccount(page);
    await expect.poll(() => page.getByLabel("Time zone").inputValue()).toBe("Asia/Tokyo");
    await page.getByLabel("Name").fill("Ada Lovelace");
    await page.getByLabel("Time zone").selectOption("Europe/Paris");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Saved.").waitFor();
    await page.getByRole("button", { name: "Account menu" }).getByText("Ada Lovelace").waitFor({ state: "attached" });

    await page.getByRole("button", { name: "Change email" }).click();
    const form = page.locator("form").filter({ has: page.getByRole("button", { name: "Send confirmation link" }) });
    await form.getByLabel("New email").fill(newEmail);
    await form.getByLabel("Current password").fill(PASSWORD);
    await form.getByRole("button", { name: "Send confirmation link" }).click();
    await page.getByText(`Waiting for confirmation: ${newEmail}.`).waitFor();
    const { mail } = await emailTo(newEmail, /^Confirm your new email address for Taskvault$/);
    await emailTo(email, /about to change/);
    await page.reload();
    await page.getByText(email, { exact: true }).waitFor();

    await page.goto(linkIn(mail, "confirm-email"));
    await page.getByText(`Done: your account's email address is now ${newEmail}.`).waitFor();
    expect(await pageProblems(page, "confirm-email")).toEqual([]);
    await page.getByRole("link", { name: "Go to your account" }).click();
    await page.getByText(newEmail, { exact: true }).waitFor();
    expect(await page.getByLabel("Time zone").inputValue()).toBe("Europe/Paris");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("lists the devices, signs one out, then every other one, and each lands on the sign-in page", async () => {
    const email = uniqueEmail("devices");
    const laptop = await newDevice({ viewport: DESKTOP });
    await signUp(laptop.page, email);
    const iphone = await newDevice({ userAgent: devices.iphone });
    const windows = await newDevice({ userAgent: devices.windows, viewport: DESKTOP });
    for (const other of [iphone, windows]) {
      await other.page.goto("/signin");
      await signIn(other.page, email);
      await other.page.getByRole("heading", { name: "Tasks", level: 1 }).waitFor();
    }

    await openAccount(laptop.page);
    const list = laptop.page.getByRole("list", { name: "Signed-in devices" });
    await expect.poll(() => list.getByRole("listitem").count()).toBe(3);
    const here = list.getByRole("listitem").first();
    expect(await here.textContent()).toMatch(/This device.*From 203\.0\.113\.x · Last used now/);
    const iphoneRow = list.getByRole("listitem").filter({ hasText: "on iOS" });
    expect(await iphoneRow.textContent()).toMatch(/Safari 17 on iOS.*From 203\.0\.113\.x · Last used/);
    expect(await list.getByRole("listitem").filter({ hasText: "Firefox 128 on Windows" }).count()).toBe(1);
    expect(await pageProblems(laptop.page, "account-devices")).toEqual([]);

    await iphoneRow.getByRole("button", { name: /^Sign out / }).click();
    await laptop.page.getByText("Signed out on that device.").waitFor();
    await expect.poll(() => list.getByRole("listitem").count()).toBe(2);
    await iphone.page.waitForURL(/\/signin/, { timeout: SIGNED_OUT_WITHIN });
    await iphone.page.getByRole("heading", { name: "Sign in", level: 1 }).waitFor();

    await laptop.page.getByRole("button", { name: "Sign out everywhere else" }).click();
    await laptop.page.getByText("Signed out on every other device.").waitFor();
    await windows.page.waitForURL(/\/signin/, { timeout: SIGNED_OUT_WITHIN });
    await laptop.page.getByText("You're not signed in anywhere else.").waitFor();

    // This device stays signed in, across a reload too.
    await laptop.page.reload();
    await laptop.page.getByRole("heading", { name: "Account", level: 1 }).waitFor();
    await list.getByRole("listitem").filter({ hasText: "This device" }).waitFor();
    expect(await list.getByRole("listitem").count()).toBe(1);
    for (const device of [laptop, iphone, windows]) {
      expect(device.problems).toEqual([]);
      await device.context.close();
    }
  });

  it("changes the password: this device stays signed in, another one is signed out", async () => {
    const email = uniqueEmail("password");
    const here = await newDevice();
    await signUp(here.page, email);
    const there = await newDevice({ userAgent: devices.windows });
    await there.page.goto("/signin");
    await signIn(there.page, email);
    await there.page.getByRole("heading", { name: "Tasks", level: 1 }).waitFor();

    await openAccount(here.page);
    const form = here.page.locator("form").filter({ has: here.page.getByRole("button", { name: "Change password" }) });
    await form.getByLabel("Current password").fill("not my password");
    await form.getByLabel("New password").fill(NEW_PASSWORD);
    await form.getByRole("button", { name: "Change password" }).click();
    await form.getByText("That is not your current password.").waitFor();
    await form.getByLabel("Current password").fill(PASSWORD);
    await form.getByRole("button", { name: "Change password" }).click();
    await form
      .getByText("Password changed. You're still signed in here; every other device has been signed out.")
      .waitFor();

    await there.page.waitForURL(/\/signin/, { timeout: SIGNED_OUT_WITHIN });
    await here.page.reload();
    await here.page.getByRole("heading", { name: "Account", level: 1 }).waitFor();
    await there.page.goto("/signin");
    await signIn(there.page, email, NEW_PASSWORD);
    await there.page.getByRole("heading", { name: "Tasks", level: 1 }).waitFor();
    await here.context.close();
    await there.context.close();
  });

  it("downloads the data, then deletes the account, after which it cannot sign in", async () => {
    const { page, context, problems } = await newDevice();
    const email = uniqueEmail("delete");
    await signUp(page, email, "Grace");
    await addTask(page, "Return the library books");
    await openAccount(page);

    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Download my data" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^taskvault-export-\d{4}-\d{2}-\d{2}\.json$/);
    const data = JSON.parse(readFileSync((await file.path()) ?? "", "utf8")) as {
      user: { email: string };
      tasks: { title: string }[];
      sessions: unknown[];
    };
    expect(data.user.email).toBe(email);
    expect(data.tasks.map((t) => t.title)).toEqual(["Return the library books"]);
    expect(data.sessions).toHaveLength(1);

    await page.getByRole("button", { name: "Delete account…" }).click();
    const dialog = page.getByRole("dialog", { name: "Delete your account?" });
    await dialog.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await dialog.getByLabel("Your email address").fill("someone@else.example");
    await dialog.getByRole("button", { name: "Delete my account" }).click();
    await dialog.getByText(`Your email address must be ${email}`).waitFor();
    expect(await pageProblems(page, "account-delete")).toEqual([]);
    await dialog.getByLabel("Your email address").fill(email);
    await dialog.getByRole("button", { name: "Delete my account" }).click();

    await page.waitForURL(/\/signin$/);
    await page.getByText("Your account has been deleted, with all its tasks.").waitFor();
    expect(await pageProblems(page, "signin-account-deleted")).toEqual([]);
    await emailTo(email, /deleted/i);
    await signIn(page, email, PASSWORD);
    await page.getByText("Invalid email or password.").waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });
});
