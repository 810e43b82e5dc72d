import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiAs } from "./helpers/api.js";
import { launchBrowser, newPerson, screenshot, signUp, taskRow, uniqueEmail } from "./helpers/browser.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("reminders in the open app", () => {
  it("shows a reminder that fires while the app is open as a toast, at its time", async () => {
    const { page, context, problems } = await newPerson(browser);
    await signUp(page, uniqueEmail("remind"));
    await page.getByRole("status").filter({ hasText: "Live" }).waitFor();

    // Seconds are not among the dialog's choices: the API sets up a reminder 5 s from now.
    const api = await apiAs(context);
    const dueAt = Date.now() + 20_000;
    const fireAt = dueAt - 15_000;
    await api.createTask({
      title: "Feed the cat",
      dueAt: new Date(dueAt).toISOString(),
      reminders: [{ before: "PT15S" }],
    });
    const row = taskRow(page, "Feed the cat");
    await row.getByText("15 s before").waitFor();
    const toast = page.getByRole("region", { name: "Notifications" }).getByText(/^Reminder: Feed the cat — due /);
    expect(await toast.count()).toBe(0);

    await toast.waitFor({ timeout: 15_000 });
    expect(Date.now()).toBeGreaterThanOrEqual(fireAt - 500);
    const due = new Date(dueAt).toLocaleTimeString("en-US", { hour: "numeric", minute: "2-digit" });
    // Node's and Chromium's ICU may space "9:00 AM" differently (U+202F or U+0020).
    const spaced = (text: string | null) => text?.replace(/\s/g, " ");
    expect(spaced(await toast.textContent())).toBe(spaced(`Reminder: Feed the cat — due ${due}`));
    await screenshot(page, "reminder-toast-phone");
    expect(problems).toEqual([]);
  });
});
