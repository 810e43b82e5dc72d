import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiAs } from "./helpers/api.js";
import { addTask, launchBrowser, newPerson, signUp, taskRow, uniqueEmail, visibleTitles } from "./helpers/browser.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

function yesterday(): string {
  const d = new Date(Date.now() - 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

async function summary(page: Page): Promise<string> {
  return (await page.getByText(/left to do|Nothing left to do/).textContent()) ?? "";
}

async function waitForTitles(page: Page, expected: string[]): Promise<void> {
  const deadline = Date.now() + 8000;
  let titles: string[] = [];
  while (Date.now() < deadline) {
    titles = await visibleTitles(page);
    if (JSON.stringify(titles) === JSON.stringify(expected)) return;
    await page.waitForTimeout(100);
  }
  expect(titles).toEqual(expected);
}

describe("managing tasks on a phone", () => {
  it("adds, edits, completes and deletes tasks, and undo brings a deleted task back", async () => {
    const { page, context, problems } = await newPerson(browser);
    await signUp(page, uniqueEmail("tasks"));
    await page.getByText("Type your first task").waitFor();

    for (const title of ["Buy milk", "Call mom", "Write report"]) await addTask(page, title);
    await waitForTitles(page, ["Write report", "Call mom", "Buy milk"]);
    expect(await page.getByLabel("New task").inputValue()).toBe("");
    expect(await summary(page)).toContain("3 tasks left to do");

    // Edit in the dialog: every field.
    await page.getByRole("button", { name: "Edit: Buy milk" }).click();
    const dialog = page.getByRole("dialog", { name: "Edit task" });
    await dialog.waitFor();
    await dialog.getByLabel("Title").fill("Buy oat milk");
    await dialog.getByLabel("Description").fill("2 litres, the barista one");
    await dialog.getByLabel("Priority").selectOption("high");
    await dialog.getByLabel("Due date").fill(yesterday());
    await dialog.getByLabel("Tags").fill("home, Errands");
    const saved = page.waitForResponse((r) => r.request().method() === "PATCH");
    await dialog.getByRole("button", { name: "Save changes" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect((await saved).status()).toBe(200);
    const row = taskRow(page, "Buy oat milk");
    await row.getByText("2 litres, the barista one").waitFor();
    await row.getByText("High").waitFor();
    await row.getByText("#errands").waitFor();
    const overdue = row.getByText(/Overdue/);
    await overdue.waitFor();
    const [r = 0, g = 0, b = 0] = await overdue.evaluate((el) => {
      // Tailwind's colours are oklch(); let a canvas turn the computed colour into RGB.
      const canvas = document.createElement("canvas").getContext("2d") as CanvasRenderingContext2D;
      canvas.fillStyle = getComputedStyle(el).color;
      canvas.fillRect(0, 0, 1, 1);
      return [...canvas.getImageData(0, 0, 1, 1).data];
    });
    expect(r).toBeGreaterThan(g + 60);
    expect(r).toBeGreaterThan(b + 60);

    // Complete one: the counts follow, with plurals.
    await page.getByRole("checkbox", { name: "Done: Call mom" }).check();
    await page.getByText("2 tasks left to do · 1 completed").waitFor();

    await page.reload();
    await taskRow(page, "Buy oat milk").getByText("#home").waitFor();
    expect(await page.getByRole("checkbox", { name: "Done: Call mom" }).isChecked()).toBe(true);

    // Delete, then undo: the task comes back as it was.
    await page.getByRole("button", { name: "Delete: Write report" }).click();
    await taskRow(page, "Write report").waitFor({ state: "detached" });
    await page.getByText("Deleted “Write report”.").waitFor();
    await page.getByRole("button", { name: "Undo" }).click();
    await taskRow(page, "Write report").waitFor();
    await page.reload();
    await taskRow(page, "Write report").waitFor();

    // Delete for good: the server deletes when the toast goes away.
    const deleted = page.waitForResponse((r) => r.request().method() === "DELETE", { timeout: 15_000 });
    await page.getByRole("button", { name: "Delete: Write report" }).click();
    expect((await deleted).status()).toBe(204);
    await page.reload();
    await waitForTitles(page, ["Call mom", "Buy oat milk"]);
    expect(await summary(page)).toContain("1 task left to do · 1 completed");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("filters, searches and sorts, keeping the view in the URL", async () => {
    const { page, context } = await newPerson(browser);
    await signUp(page, uniqueEmail("filters"));
    const api = await apiAs(context);
    await api.createTask({ title: "Pay rent", priority: "high", tags: ["home"] });
    await api.createTask({ title: "Book dentist", priority: "low", tags: ["health"] });
    await api.createTask({ title: "Quarterly report", priority: "medium", tags: ["work"], completed: true });
    await page.reload();
    await waitForTitles(page, ["Quarterly report", "Book dentist", "Pay rent"]);

    await page.getByRole("link", { name: /^Pending/ }).click();
    await page.waitForURL(/\?status=pending$/);
    await waitForTitles(page, ["Book dentist", "Pay rent"]);
    await page.getByRole("link", { name: /^Completed/ }).click();
    await waitForTitles(page, ["Quarterly report"]);
    await page.goBack();
    await waitForTitles(page, ["Book dentist", "Pay rent"]);
    await page.getByRole("link", { name: /^All/ }).click();

    await page.getByRole("button", { name: "Filters" }).click();
    await page.getByLabel("Priority").selectOption("high");
    await page.waitForURL(/priority=high/);
    await waitForTitles(page, ["Pay rent"]);
    await page.getByLabel("Priority").selectOption("");
    await page.getByLabel("Tag", { exact: true }).selectOption("health");
    await page.waitForURL(/tag=health/);
    await waitForTitles(page, ["Book dentist"]);
    await page.getByRole("button", { name: "Clear filters" }).first().click();
    await waitForTitles(page, ["Quarterly report", "Book dentist", "Pay rent"]);

    await page.keyboard.press("/");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("search");
    await page.keyboard.type("REPORT");
    await page.waitForURL(/q=REPORT/);
    await waitForTitles(page, ["Quarterly report"]);
    await page.reload();
    await waitForTitles(page, ["Quarterly report"]);
    expect(await page.getByLabel("Search tasks").inputValue()).toBe("REPORT");
    await page.getByLabel("Search tasks").press("Escape");
    await waitForTitles(page, ["Quarterly report", "Book dentist", "Pay rent"]);

    await page.getByRole("button", { name: "Filters" }).click();
    await page.getByLabel("Sort by").selectOption({ label: "Title, A to Z" });
    await page.waitForURL(/sort=title&order=asc/);
    await waitForTitles(page, ["Book dentist", "Pay rent", "Quarterly report"]);
    await page.getByLabel("Sort by").selectOption({ label: "Priority, highest" });
    await waitForTitles(page, ["Pay rent", "Quarterly report", "Book dentist"]);

    await page.getByLabel("Search tasks").fill("nothing like this");
    await page.getByRole("heading", { name: "No matching tasks" }).waitFor();
    await context.close();
  });

  it("loads a long list page by page", async () => {
    const { page, context } = await newPerson(browser);
    await signUp(page, uniqueEmail("long"));
    const api = await apiAs(context);
    for (let i = 1; i <= 35; i++) await api.createTask({ title: `Task ${String(i).padStart(2, "0")}` });
    await page.reload();
    await taskRow(page, "Task 35").waitFor();
    expect((await visibleTitles(page)).length).toBe(30);
    expect(await summary(page)).toContain("35 tasks left to do");
    await page.getByRole("button", { name: "Load more" }).click();
    await taskRow(page, "Task 01").waitFor();
    expect((await visibleTitles(page)).length).toBe(35);
    expect(await page.getByRole("button", { name: "Load more" }).count()).toBe(0);
    await context.close();
  });

  it("can be used with the keyboard alone", async () => {
    const { page, context } = await newPerson(browser, { viewport: { width: 1280, height: 800 } });
    await signUp(page, uniqueEmail("keys"));
    await page.locator("body").click({ position: { x: 5, y: 300 } });
    await page.keyboard.press("n");
    await page.keyboard.type("Plan the week");
    // The row shows at once (optimistic); the edit dialog opens once the server has the task.
    const saved = page.waitForResponse(
      (r) => r.request().method() === "POST" && /\/tasks$/.test(new URL(r.url()).pathname) && r.ok(),
    );
    await page.keyboard.press("Enter");
    await saved;
    await taskRow(page, "Plan the week").waitFor();

    // Tab to the task's title, open it with Enter, close with Esc: focus comes back.
    await page.getByRole("button", { name: "Edit: Plan the week" }).focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Edit task" });
    await dialog.waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("title");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain("Plan the week");

    // Complete with Space from the checkbox.
    await page.getByRole("checkbox", { name: "Done: Plan the week" }).focus();
    await page.keyboard.press("Space");
    await page.getByText("Nothing left to do · 1 completed").waitFor();

    // The focused element always shows a visible focus ring.
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
    expect(outline).not.toBe("none");

    // Delete from the keyboard: focus stays in the page, and Ctrl+Z undoes.
    await page.getByRole("button", { name: "Delete: Plan the week" }).focus();
    await page.keyboard.press("Enter");
    await taskRow(page, "Plan the week").waitFor({ state: "detached" });
    await page.waitForFunction(() => document.activeElement?.id === "new-task");
    await page.evaluate(() => (document.activeElement as HTMLElement).blur());
    await page.keyboard.press("Control+z");
    await taskRow(page, "Plan the week").waitFor();
    await context.close();
  });
});
