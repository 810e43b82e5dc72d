// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor, within } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Task } from "../../shared/task.schemas.js";
import { session } from "../lib/api.js";
import type { AuthMessage } from "../lib/auth-channel.js";
import { createQueryClient } from "../lib/query-client.js";
import { json, problem, tokenBody } from "../test/fake-server.js";
import { App } from "./app.js";

// The other tabs of the app, played by the test.
const tabs = vi.hoisted(() => ({ deliver: (_message: AuthMessage) => {} }));
vi.mock("../lib/auth-channel.js", () => ({
  createAuthChannel: () => ({
    post() {},
    subscribe(listener: (message: AuthMessage) => void) {
      tabs.deliver = listener;
      return () => {};
    },
  }),
}));

function person(id: string, name: string, title: string, tag: string) {
  const now = "2026-01-01T00:00:00.000Z";
  const task: Task = {
    id: `${id}-task`,
    title,
    description: "",
    completed: false,
    priority: "none",
    dueAt: null,
    tags: [tag],
    createdAt: now,
    updatedAt: now,
    completedAt: null,
    recurrence: null,
    reminders: [],
    nextId: null,
  };
  return { user: { id, email: `${id}@example.com`, name, emailVerified: true, createdAt: now, timeZone: "UTC" }, task };
}

const ada = person("ada", "Ada", "See the divorce lawyer", "legal");
const grace = person("grace", "Grace", "Water the plants", "garden");
const people = { ada, grace };
type Who = keyof typeof people;

/**
 * The server: one refresh cookie for the tab (as in a browser), and access tokens that stop
 * working when the session they belong to ends. Saving an edit fails for want of a network.
 */
const server = { cookie: null as Who | null };

function answer(url: string, init: RequestInit): Response {
  const { pathname, searchParams } = new URL(url, "http://taskvault.test");
  const bearer = (init.headers as Record<string, string> | undefined)?.Authorization?.replace("Bearer ", "");
  const caller = bearer && bearer === `token-${server.cookie}` ? server.cookie : null;
  if (pathname === "/api/auth/refresh")
    return server.cookie ? json(200, tokenBody(`token-${server.cookie}`)) : problem(401, "unauthorized", "no session");
  if (pathname === "/api/auth/signin") {
    const who = (JSON.parse(String(init.body)) as { email: string }).email.split("@")[0] as Who;
    server.cookie = who;
    return json(200, { user: people[who].user, ...tokenBody(`token-${who}`) });
  }
  if (pathname === "/api/auth/signout") {
    server.cookie = null;
    return new Response(null, { status: 204 });
  }
  if (!caller) return problem(401, "unauthorized", "Your session has ended.");
  if (pathname === "/api/auth/me") return json(200, { user: people[caller].user });
  if (pathname === `/api/${caller}/tasks/counts`) return json(200, { all: 1, pending: 1, completed: 0 });
  if (pathname === `/api/${caller}/tasks` && (init.method ?? "GET") === "GET") {
    const { task } = people[caller];
    const shown = searchParams.get("status") === "completed" ? [] : [task];
    return json(200, { tasks: shown, nextCursor: null });
  }
  throw new TypeError("Failed to fetch");
}

beforeEach(async () => {
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => answer(String(input), init)),
  );
  server.cookie = "ada";
  window.history.replaceState(null, "", "/");
  render(<App queryClient={createQueryClient()} />);
  await session.restore();
  await screen.findByRole("button", { name: "Edit: See the divorce lawyer" });
});

afterEach(async () => {
  // Leave no session for the next test: as if another tab had signed out.
  if (session.getSnapshot().status !== "signed-out") tabs.deliver({ type: "signed-out" });
  cleanup();
  vi.unstubAllGlobals();
});

const adaTraces = /divorce|lawyer|Ada|legal|papers|Friday/i;

async function typeDraft(): Promise<void> {
  await userEvent.type(screen.getByLabelText("New task"), "An idea of Ada's");
}

async function search(text: string): Promise<void> {
  await userEvent.type(screen.getByLabelText("Search tasks"), text);
  await waitFor(() => expect(window.location.search).toContain(`q=${text}`));
}

async function signInAsGrace(): Promise<void> {
  await screen.findByRole("heading", { name: "Sign in", level: 1 });
  await userEvent.type(screen.getByLabelText("Email"), grace.user.email);
  await userEvent.type(screen.getByLabelText("Password"), "correct horse battery staple");
  await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
  await screen.findByRole("button", { name: "Edit: Water the plants" });
}

async function expectNothingOfAda(): Promise<void> {
  await waitFor(() => expect(screen.getByText(/^1 task left to do/)).toBeTruthy());
  expect(screen.getByLabelText<HTMLInputElement>("New task").value).toBe("");
  expect(screen.getByLabelText<HTMLInputElement>("Search tasks").value).toBe("");
  expect(window.location.search).not.toMatch(/q=|tag=/);
  expect(document.body.textContent).not.toMatch(adaTraces);
  expect(screen.queryByText(/Can't reach Taskvault|You're offline/)).toBeNull(); // the retry banner
  expect(screen.queryByRole("dialog")).toBeNull();
}

describe("the next person to sign in on this tab sees nothing of the last", () => {
  it("after a sign-out from the header menu, with a draft, a search and an edit that could not be sent", async () => {
    await typeDraft();
    await search("divorce");
    await userEvent.click(screen.getByRole("button", { name: "Edit: See the divorce lawyer" }));
    const dialog = screen.getByRole("dialog", { name: "Edit task" });
    await userEvent.clear(within(dialog).getByLabelText("Title"));
    await userEvent.type(within(dialog).getByLabelText("Title"), "See the divorce lawyer on Friday");
    await userEvent.click(within(dialog).getByRole("button", { name: "Save changes" }));
    // Kept for Ada: the banner's Retry and the toast's "Edit again".
    await screen.findByRole("button", { name: "Edit again" });
    expect(screen.getByText(/^Can't reach Taskvault right now\./).closest("[role=status]")).toBeTruthy();

    await userEvent.click(screen.getByRole("button", { name: /Account menu/ }));
    await userEvent.click(screen.getByRole("button", { name: "Sign out" }));
    await waitFor(() => expect(window.location.pathname + window.location.search).toBe("/signin"));
    expect(server.cookie).toBeNull();
    expect(document.body.textContent).not.toMatch(adaTraces);

    await signInAsGrace();
    await expectNothingOfAda();
  });

  it("after being signed out by another tab while editing", async () => {
    await typeDraft();
    await userEvent.click(screen.getByRole("button", { name: "Edit: See the divorce lawyer" }));
    await userEvent.type(screen.getByLabelText("Description"), "Bring the papers");

    server.cookie = null;
    tabs.deliver({ type: "signed-out" });
    await screen.findByText("You signed out in another tab.");
    expect(document.body.textContent).not.toMatch(adaTraces);

    await signInAsGrace();
    await expectNothingOfAda();
  });

  it("after the server ended the session (revoked), keeping the page to return to but not the search", async () => {
    await userEvent.click(screen.getByRole("link", { name: /^Pending/ }));
    await typeDraft();
    await search("divorce");

    server.cookie = null; // signed out everywhere from another device
    await userEvent.click(screen.getByRole("checkbox", { name: "Done: See the divorce lawyer" }));
    await screen.findByText(/Your session has expired/);
    expect(window.location.search).toBe(`?next=${encodeURIComponent("/?status=pending")}`);
    expect(document.body.textContent).not.toMatch(adaTraces);

    await signInAsGrace();
    expect(window.location.search).toBe("?status=pending");
    await expectNothingOfAda();
  });

  it("when someone else signs in in another tab", async () => {
    await typeDraft();
    server.cookie = "grace";
    tabs.deliver({ type: "signed-in", userId: grace.user.id });
    await screen.findByRole("button", { name: "Edit: Water the plants" });
    await expectNothingOfAda();
  });
});
