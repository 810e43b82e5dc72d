import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addTask,
  DESKTOP,
  launchBrowser,
  newPerson,
  type Person,
  screenshot,
  seriousA11yViolations,
  signIn,
  signUp,
  taskRow,
  uniqueEmail,
  visibleTitles,
} from "./helpers/browser.js";

/** The contract: a change reaches the user's other open clients within a second. */
const WITHIN = 1000;
/** A device signed out elsewhere shows the sign-in page by itself "within a few seconds". */
const SIGNED_OUT_WITHIN = 5000;

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function signInOn(person: Person, email: string): Promise<void> {
  await person.page.goto("/signin");
  await signIn(person.page, email);
  await person.page.getByRole("heading", { name: "Tasks", level: 1 }).waitFor();
}

/** Waits until the header says the stream is open. */
async function live(page: Page): Promise<void> {
  await page.getByRole("status").filter({ hasText: "Live" }).waitFor();
}

describe("live updates across devices", () => {
  it("shows a task added, completed and deleted on one device on the other within a second, and nothing to anyone else", async () => {
    const email = uniqueEmail("live");
    const phone = await newPerson(browser);
    const laptop = await newPerson(browser, { viewport: DESKTOP });
    const stranger = await newPerson(browser);
    await signUp(phone.page, email);
    await signInOn(laptop, email);
    await signUp(stranger.page, uniqueEmail("stranger"));
    await Promise.all([live(phone.page), live(laptop.page), live(stranger.page)]);
    let laptopReloads = 0;
    laptop.page.on("framenavigated", (frame) => {
      if (frame === laptop.page.mainFrame()) laptopReloads++;
    });

    await addTask(phone.page, "Water the plants");
    await taskRow(laptop.page, "Water the plants").waitFor({ timeout: WITHIN });
    await laptop.page.getByText("1 task left to do").waitFor({ timeout: WITHIN });

    const completed = phone.page.waitForResponse((r) => r.url().endsWith("/complete"));
    await phone.page.getByRole("checkbox", { name: "Done: Water the plants" }).check();
    expect((await completed).status()).toBe(200);
    await expect
      .poll(() => laptop.page.getByRole("checkbox", { name: "Done: Water the plants" }).isChecked(), {
        timeout: WITHIN,
        interval: 50,
      })
      .toBe(true);
    await screenshot(laptop.page, "live-desktop");
    await screenshot(phone.page, "live-phone");
    // axe only: pageProblems' tap-target rule measures the 24 px checkbox, not its 44 px label.
    expect(await seriousA11yViolations(laptop.page)).toEqual([]);
    expect(await seriousA11yViolations(phone.page)).toEqual([]);

    // The server deletes when the undo toast goes away.
    const deleted = phone.page.waitForResponse((r) => r.request().method() === "DELETE", { timeout: 15_000 });
    await phone.page.getByRole("button", { name: "Delete: Water the plants" }).click();
    expect((await deleted).status()).toBe(204);
    await taskRow(laptop.page, "Water the plants").waitFor({ state: "detached", timeout: WITHIN });
    expect(laptopReloads).toBe(0);

    // Someone else's list never showed any of it.
    expect(await visibleTitles(stranger.page)).toEqual([]);
    expect(await stranger.page.getByText("Water the plants").count()).toBe(0);
    for (const person of [phone, laptop, stranger]) {
      expect(person.problems).toEqual([]);
      await person.context.close();
    }
  });

  it("lands a device signed out from Account › Devices on the sign-in page by itself", async () => {
    const email = uniqueEmail("live-devices");
    const laptop = await newPerson(browser, { viewport: DESKTOP });
    const phone = await newPerson(browser);
    await signUp(laptop.page, email);
    await signInOn(phone, email);
    await live(phone.page);

    await laptop.page.getByRole("button", { name: "Account menu" }).click();
    await laptop.page.getByRole("link", { name: "Account" }).click();
    const list = laptop.page.getByRole("list", { name: "Signed-in devices" });
    await expect.poll(() => list.getByRole("listitem").count()).toBe(2);
    await laptop.page.getByRole("button", { name: "Sign out everywhere else" }).click();
    await laptop.page.getByText("Signed out on every other device.").waitFor();
    await phone.page.waitForURL(/\/signin/, { timeout: SIGNED_OUT_WITHIN });
    await phone.page.getByRole("heading", { name: "Sign in", level: 1 }).waitFor();
    expect(
      await phone.page
        .getByRole("status")
        .filter({ hasText: /Live|Reconnecting/ })
        .count(),
    ).toBe(0);
    for (const person of [laptop, phone]) {
      expect(person.problems).toEqual([]);
      await person.context.close();
    }
  });
});
