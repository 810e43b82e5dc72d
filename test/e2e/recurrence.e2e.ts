import type { Browser } from "playwright-core";
import { Temporal } from "temporal-polyfill";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPerson, screenshot, signUp, taskRow, uniqueEmail } from "./helpers/browser.js";
import { pageProblems } from "./helpers/page-checks.js";

/** A zone with daylight saving, other than the server's, so 09:00 has to mean the user's 09:00. */
const ZONE = "Europe/Berlin";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

function weekdayOnOrAfter(date: Temporal.PlainDate): Temporal.PlainDate {
  let day = date;
  while (day.dayOfWeek > 5) day = day.add({ days: 1 });
  return day;
}

/** 09:00 on that day in ZONE, as the API and the row's <time dateTime> write it. */
function nineOn(day: Temporal.PlainDate): string {
  const zoned = day.toZonedDateTime({ timeZone: ZONE, plainTime: Temporal.PlainTime.from("09:00") });
  return new Date(zoned.epochMilliseconds).toISOString();
}

describe("recurring tasks in the web app", () => {
  it("creates 'every weekday at 9' in the dialog; completing it shows the next one, on the next weekday at 9", async () => {
    const { page, problems } = await newPerson(browser, { timezoneId: ZONE });
    await signUp(page, uniqueEmail("repeat"));
    const first = weekdayOnOrAfter(Temporal.Now.plainDateISO(ZONE));
    const next = weekdayOnOrAfter(first.add({ days: 1 }));

    await page.getByLabel("New task").fill("Stand-up");
    await page.getByRole("button", { name: "Add with details" }).click();
    const dialog = page.getByRole("dialog", { name: "New task" });
    await dialog.getByLabel("Due date").fill(first.toString());
    await dialog.getByLabel("Time").fill("09:00");

    // The dialog at its fullest, for the screenshots and the checks: chosen days, two reminders.
    await dialog.getByLabel("Repeat").selectOption("weekly");
    await dialog.getByText("On these days").waitFor();
    await dialog.getByRole("button", { name: "Add reminder" }).click();
    await dialog.getByLabel("Add a reminder").selectOption("P1D");
    await dialog.getByRole("button", { name: "Add reminder" }).click();
    expect(await pageProblems(page, "task-dialog-repeat")).toEqual([]);
    // The sheet scrolls on its own: its lower half, as a phone shows it once scrolled.
    await dialog.evaluate((sheet) => sheet.scrollTo(0, sheet.scrollHeight));
    await screenshot(page, "task-dialog-repeat-scrolled-phone");

    await dialog.getByLabel("Repeat").selectOption("weekdays");
    await dialog.getByRole("button", { name: "Remove reminder: 1 day before" }).click();
    await dialog.getByText("Repeats: Every weekday.").waitFor();
    const created = page.waitForResponse((r) => r.url().endsWith("/tasks") && r.request().method() === "POST");
    await dialog.getByRole("button", { name: "Add task" }).click();
    const response = await created;
    expect(response.status()).toBe(201);
    expect(await response.json()).toMatchObject({
      title: "Stand-up",
      dueAt: nineOn(first),
      recurrence: { rule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", from: "due" },
      reminders: [{ before: "PT0S" }],
    });
    const row = taskRow(page, "Stand-up");
    await row.getByText("Every weekday").waitFor();

    const completed = page.waitForResponse((r) => r.url().endsWith("/complete"));
    await row.getByRole("checkbox", { name: "Done: Stand-up" }).check();
    const answer = (await (await completed).json()) as { completed: boolean; nextId: string | null };
    expect(answer).toMatchObject({ completed: true, nextId: expect.any(String) });

    // No reload and no waiting for the stream: the list shows it with the completion's answer.
    const nextRow = page.locator(`[data-task-id="${answer.nextId}"]`);
    await nextRow.waitFor({ timeout: 2000 });
    expect(await nextRow.getByRole("button", { name: "Edit: Stand-up", exact: true }).count()).toBe(1);
    expect(await nextRow.locator("time").getAttribute("datetime")).toBe(nineOn(next));
    expect(await nextRow.getByRole("checkbox").isChecked()).toBe(false);
    await nextRow.getByText("Every weekday").waitFor();
    await nextRow.getByText("at the due time").waitFor();
    // The one done stays, as history.
    expect(await page.getByRole("checkbox", { name: "Done: Stand-up" }).count()).toBe(2);
    await screenshot(page, "recurring-list-phone");
    expect(problems).toEqual([]);
  });
});
