import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiAs } from "./helpers/api.js";
import {
  addTask,
  launchBrowser,
  newPerson,
  signIn,
  signUp,
  taskRow,
  uniqueEmail,
  visibleTitles,
} from "./helpers/browser.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("two people", () => {
  it("never see each other's tasks, in two browsers or one after the other in the same tab", async () => {
    const ada = await newPerson(browser);
    const bob = await newPerson(browser);
    const adaEmail = uniqueEmail("ada");
    const bobEmail = uniqueEmail("bob");
    await signUp(ada.page, adaEmail);
    await signUp(bob.page, bobEmail);

    await addTask(ada.page, "Ada's secret plan");
    await addTask(bob.page, "Bob's shopping list");
    await ada.page.reload();
    await bob.page.reload();
    await taskRow(ada.page, "Ada's secret plan").waitFor();
    await taskRow(bob.page, "Bob's shopping list").waitFor();
    expect(await visibleTitles(ada.page)).toEqual(["Ada's secret plan"]);
    expect(await visibleTitles(bob.page)).toEqual(["Bob's shopping list"]);
    await bob.page.getByLabel("Search tasks").fill("secret");
    await bob.page.getByRole("heading", { name: "No matching tasks" }).waitFor();

    // Through the API, Bob's session cannot read Ada's list.
    const adaApi = await apiAs(ada.context);
    const bobApi = await apiAs(bob.context);
    expect((await bobApi.listTasks(adaApi.userId)).status).toBe(403);

    // Ada signs out and Bob signs in in the same tab: nothing of Ada's is shown, even briefly.
    const seen: string[] = [];
    ada.page.on("response", async (r) => {
      if (/\/tasks\?/.test(r.url()) && r.ok()) seen.push(await r.text());
    });
    await ada.page.getByRole("button", { name: "Account menu" }).click();
    await ada.page.getByRole("button", { name: "Sign out" }).click();
    await ada.page.waitForURL(/\/signin$/);
    await signIn(ada.page, bobEmail);
    await taskRow(ada.page, "Bob's shopping list").waitFor();
    expect(await visibleTitles(ada.page)).toEqual(["Bob's shopping list"]);
    expect(seen.join("")).not.toContain("Ada's secret plan");
    expect(await ada.page.getByText("Ada's secret plan").count()).toBe(0);

    await ada.context.close();
    await bob.context.close();
  });
});
