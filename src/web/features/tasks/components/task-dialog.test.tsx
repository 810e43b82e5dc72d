// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Task } from "../../../../shared/task.schemas.js";
import { session } from "../../../lib/api.js";
import { deferred, json, task, user } from "../../../test/fake-server.js";
import { fakeServer, renderSignedIn, type SentRequest } from "../../../test/signed-in.js";
import { newTaskDialog, newTaskDraft } from "../lib/task-drafts.js";
import { TasksView } from "./tasks-view.js";

vi.mock("../../../lib/auth-channel.js", () => ({
  createAuthChannel: () => ({ post() {}, subscribe: () => () => {} }),
}));

const tasksPath = `/api/${user.id}/tasks`;
let shown: Task[];

beforeEach(() => {
  window.history.replaceState(null, "", "/");
  shown = [];
});

afterEach(async () => {
  cleanup();
  newTaskDialog.set(null);
  newTaskDraft.set("");
  vi.stubGlobal("fetch", async () => new Response(null, { status: 204 }));
  await session.signOut();
  vi.unstubAllGlobals();
});

/** The list and counts as `shown` has them; anything else goes to `other`. */
function serve(other: (request: SentRequest) => Response | Promise<Response> = () => json(404, {})): SentRequest[] {
  return fakeServer((request) => {
    if (request.method === "GET" && request.path.startsWith(`${tasksPath}?`))
      return json(200, { tasks: shown, nextCursor: null });
    if (request.path === `${tasksPath}/counts`) return json(200, { all: shown.length, pending: 1, completed: 0 });
    return other(request);
  });
}

const sentTo = (sent: SentRequest[], method: string, path = tasksPath) =>
  sent.filter((r) => r.method === method && r.path === path).map((r) => r.body);

async function openNewTaskDialog(title: string) {
  await userEvent.type(screen.getByLabelText("New task"), title);
  await userEvent.click(screen.getByRole("button", { name: "Add with details" }));
  return screen.getByRole("dialog", { name: "New task" });
}

describe("the task dialog", () => {
  it("adds a task that repeats every weekday at 09:00, with a reminder, as one POST", async () => {
    const sent = serve((request) => {
      if (request.method !== "POST") return json(404, {});
      const created = task({ ...(request.body as Partial<Task>), id: "t9" });
      shown.push(created);
      return json(201, created);
    });
    renderSignedIn(<TasksView />);
    const dialog = await openNewTaskDialog("Stand-up");
    expect(within(dialog).getByLabelText<HTMLInputElement>("Title").value).toBe("Stand-up");

    fireEvent.change(within(dialog).getByLabelText("Due date"), { target: { value: "2026-03-16" } });
    fireEvent.change(within(dialog).getByLabelText("Time"), { target: { value: "09:00" } });
    await userEvent.selectOptions(within(dialog).getByLabelText("Repeat"), "weekdays");
    expect(within(dialog).getByText("Repeats: Every weekday.")).toBeTruthy();
    await userEvent.selectOptions(within(dialog).getByLabelText("Add a reminder"), "PT15M");
    await userEvent.click(within(dialog).getByRole("button", { name: "Add reminder" }));
    expect(within(dialog).getByRole("button", { name: "Remove reminder: 15 minutes before" })).toBeTruthy();
    await userEvent.click(within(dialog).getByRole("button", { name: "Add task" }));

    await waitFor(() => expect(sentTo(sent, "POST")).toHaveLength(1));
    expect(sentTo(sent, "POST")[0]).toEqual({
      title: "Stand-up",
      dueAt: new Date(2026, 2, 16, 9, 0).toISOString(),
      recurrence: { rule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", from: "due" },
      reminders: [{ before: "PT15M" }],
    });
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(screen.getByLabelText<HTMLInputElement>("New task").value).toBe("");
    const row = (await screen.findByRole("button", { name: "Edit: Stand-up" })).closest("li");
    expect(row?.textContent).toContain("Every weekday");
    expect(within(row as HTMLElement).getByRole("img", { name: "Repeats:" })).toBeTruthy();
    expect(row?.textContent).toContain("15 min before");
  });

  it("says a repeating task needs a due date, and picks weekdays and a custom interval, without asking the server", async () => {
    const sent = serve();
    renderSignedIn(<TasksView />);
    const dialog = await openNewTaskDialog("Gym");
    await userEvent.selectOptions(within(dialog).getByLabelText("Repeat"), "weekly");
    await userEvent.click(within(dialog).getByRole("button", { name: "Add task" }));
    const repeat = within(dialog).getByLabelText("Repeat");
    expect(repeat.getAttribute("aria-invalid")).toBe("true");
    expect(within(dialog).getByText("A repeating task needs a due date: pick one above")).toBeTruthy();
    expect(document.activeElement).toBe(repeat);

    // Picking the day clears it. The week's days start on Monday (there was no due day then).
    fireEvent.change(within(dialog).getByLabelText("Due date"), { target: { value: "2026-03-18" } });
    expect(repeat.getAttribute("aria-invalid")).toBeNull();
    expect(within(dialog).getByRole<HTMLInputElement>("checkbox", { name: "Monday" }).checked).toBe(true);
    await userEvent.click(within(dialog).getByRole("checkbox", { name: "Wednesday" }));
    expect(within(dialog).getByText("Repeats: Every Monday and Wednesday.")).toBeTruthy();
    await userEvent.click(within(dialog).getByRole("radio", { name: "Counted from completion" }));
    expect(within(dialog).getByText("Repeats: Every Monday and Wednesday after completion.")).toBeTruthy();

    await userEvent.selectOptions(repeat, "custom");
    await userEvent.clear(within(dialog).getByLabelText("How many"));
    await userEvent.type(within(dialog).getByLabelText("How many"), "3");
    await userEvent.selectOptions(within(dialog).getByLabelText("Unit"), "DAILY");
    expect(within(dialog).getByText("Repeats: Every 3 days after completion.")).toBeTruthy();
    expect(sentTo(sent, "POST")).toEqual([]);
  });

  it("keeps at most five reminders, and removes one with its chip's button", async () => {
    serve();
    renderSignedIn(<TasksView />);
    const dialog = await openNewTaskDialog("Flight");
    const add = () => userEvent.click(within(dialog).getByRole("button", { name: "Add reminder" }));
    for (let i = 0; i < 5; i++) await add();
    const chips = within(dialog).getByRole("list", { name: "Reminders set" });
    expect(
      within(chips)
        .getAllByRole("listitem")
        .map((li) => li.textContent),
    ).toEqual(["At the due time", "5 minutes before", "15 minutes before", "30 minutes before", "1 hour before"]);
    expect(within(dialog).queryByRole("button", { name: "Add reminder" })).toBeNull();
    expect(within(dialog).getByText("That's the most: 5 reminders.")).toBeTruthy();

    await userEvent.click(within(dialog).getByRole("button", { name: "Remove reminder: 5 minutes before" }));
    expect(within(chips).getAllByRole("listitem")).toHaveLength(4);
    await userEvent.selectOptions(within(dialog).getByLabelText("Add a reminder"), "custom");
    await userEvent.clear(within(dialog).getByLabelText("How long before"));
    await userEvent.type(within(dialog).getByLabelText("How long before"), "2");
    await userEvent.selectOptions(within(dialog).getByLabelText("Unit before the due time"), "days");
    await add();
    expect(within(chips).getAllByRole("listitem").at(-1)?.textContent).toBe("2 days before");
  });

  it("keeps a rule set elsewhere that its choices cannot write, and sends only what changed", async () => {
    shown = [task({ dueAt: "2026-03-10T09:00:00.000Z", recurrence: { rule: "FREQ=MONTHLY;BYDAY=2TU", from: "due" } })];
    const sent = serve((request) =>
      request.method === "PATCH" ? json(200, { ...shown[0], ...(request.body as object) }) : json(404, {}),
    );
    renderSignedIn(<TasksView />);
    const row = (await screen.findByRole("button", { name: "Edit: Buy milk" })).closest("li") as HTMLElement;
    expect(row.textContent).toContain("Monthly on the second Tuesday");
    await userEvent.click(within(row).getByRole("button", { name: "Edit: Buy milk" }));
    const dialog = screen.getByRole("dialog", { name: "Edit task" });
    const repeat = within(dialog).getByLabelText<HTMLSelectElement>("Repeat");
    expect(repeat.selectedOptions[0]?.textContent).toBe("Monthly on the second Tuesday");
    await userEvent.clear(within(dialog).getByLabelText("Title"));
    await userEvent.type(within(dialog).getByLabelText("Title"), "Buy oat milk");
    await userEvent.click(within(dialog).getByRole("button", { name: "Save changes" }));
    await waitFor(() => expect(sentTo(sent, "PATCH", `${tasksPath}/t1`)).toEqual([{ title: "Buy oat milk" }]));
  });

  it("shows the next occurrence as soon as the completion is answered, before any list refetch", async () => {
    const series = { recurrence: { rule: "FREQ=DAILY", from: "due" as const }, dueAt: "2026-03-16T09:00:00.000Z" };
    shown = [task({ ...series, title: "Stretch" })];
    const next = task({ ...series, id: "t2", title: "Stretch", dueAt: "2026-03-17T09:00:00.000Z" });
    const refetch = deferred<Response>();
    let lists = 0;
    const sent = fakeServer((request) => {
      if (request.method === "GET" && request.path.startsWith(`${tasksPath}?`)) {
        return ++lists === 1 ? json(200, { tasks: shown, nextCursor: null }) : refetch.promise;
      }
      if (request.path === `${tasksPath}/counts`) return json(200, { all: 1, pending: 1, completed: 0 });
      if (request.path === `${tasksPath}/t1/complete`) {
        return json(200, { ...shown[0], completed: true, completedAt: "2026-03-16T08:00:00.000Z", nextId: "t2" });
      }
      if (request.path === `${tasksPath}/t2`) return json(200, next);
      return json(404, {});
    });
    renderSignedIn(<TasksView />);
    await userEvent.click(await screen.findByRole("checkbox", { name: "Done: Stretch" }));

    await waitFor(() => expect(screen.getAllByRole("checkbox", { name: "Done: Stretch" })).toHaveLength(2));
    const [fresh, done] = screen.getAllByRole<HTMLInputElement>("checkbox", { name: "Done: Stretch" });
    expect([fresh?.checked, done?.checked]).toEqual([false, true]);
    expect(fresh?.closest("li")?.dataset.taskId).toBe("t2");
    expect(sent.some((r) => r.method === "GET" && r.path === `${tasksPath}/t2`)).toBe(true);
    refetch.resolve(json(200, { tasks: [next, { ...shown[0], completed: true }], nextCursor: null }));
  });
});
