// @vitest-environment happy-dom
import { cleanup, render, screen, within } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { StrictMode } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { session } from "../lib/api.js";
import type { AuthMessage } from "../lib/auth-channel.js";
import { createQueryClient } from "../lib/query-client.js";
import { leaveSigninNotice } from "../lib/signin-notice.js";
import { json, problem, tokenBody, user } from "../test/fake-server.js";
import { fakeServer, type SentRequest } from "../test/signed-in.js";
import { App } from "./app.js";

// The other tabs of the app, played by the test.
const tabs = vi.hoisted(() => ({ deliver: (_message: AuthMessage) => {}, posted: [] as AuthMessage[] }));
vi.mock("../lib/auth-channel.js", () => ({
  createAuthChannel: () => ({
    post(message: AuthMessage) {
      tabs.posted.push(message);
    },
    subscribe(listener: (message: AuthMessage) => void) {
      tabs.deliver = listener;
      return () => {};
    },
  }),
}));

afterEach(() => {
  if (session.getSnapshot().status !== "signed-out") tabs.deliver({ type: "signed-out" });
  tabs.posted = [];
  cleanup();
  vi.unstubAllGlobals();
});

const noContent = () => new Response(null, { status: 204 });

/**
 * The server, with a refresh cookie for the tab (`signedIn`) and `answer` for the routes a test
 * is about; the session routes answer as the real ones do.
 */
function serve(signedIn: boolean, answer: (request: SentRequest) => Response | undefined) {
  const state = { signedIn };
  const sent = fakeServer((request) => {
    const own = answer(request);
    if (own) return own;
    if (request.path === "/api/auth/refresh")
      return state.signedIn ? json(200, tokenBody("token")) : problem(401, "unauthorized", "No session.");
    if (request.path === "/api/auth/signout") {
      state.signedIn = false;
      return noContent();
    }
    if (request.path === "/api/auth/me") return json(200, { user });
    if (request.path.startsWith(`/api/${user.id}/tasks`)) return json(200, { tasks: [], nextCursor: null });
    return problem(404, "not_found", `No route for ${request.path}`);
  });
  return { sent, state };
}

/**
 * Opens the app at `url`, as following an emailed link would (in StrictMode, as in development).
 * The session is restored first: the last test's tab is signed out, where a fresh page would wait.
 */
async function open(url: string) {
  window.history.replaceState(null, "", url);
  await session.restore();
  render(
    <StrictMode>
      <App queryClient={createQueryClient()} />
    </StrictMode>,
  );
}

function posts(sent: SentRequest[], path: string) {
  return sent.filter((r) => r.method === "POST" && r.path === path).map((r) => r.body);
}

describe("the verification link's page", () => {
  it("confirms the address once, drops the token from the address bar, and says so", async () => {
    const { sent } = serve(false, (r) =>
      r.path === "/api/auth/verify-email" ? json(200, { user: { ...user, emailVerified: true } }) : undefined,
    );
    await open("/verify-email?token=emailed-token");
    await screen.findByText(/is confirmed/);
    expect(screen.getByRole("status").textContent).toBe("Your email address ada@example.com is confirmed.");
    expect(posts(sent, "/api/auth/verify-email")).toEqual([{ token: "emailed-token" }]);
    expect(window.location.pathname + window.location.search).toBe("/verify-email");
    expect(screen.getByRole("link", { name: "Sign in" }).getAttribute("href")).toBe("/signin");
  });

  it("marks the signed-in user verified everywhere, so the task list's banner goes", async () => {
    serve(true, (r) =>
      r.path === "/api/auth/verify-email" ? json(200, { user: { ...user, emailVerified: true } }) : undefined,
    );
    await open("/verify-email?token=emailed-token");
    await screen.findByText(/is confirmed/);
    expect(session.getSnapshot()).toMatchObject({ status: "signed-in", user: { emailVerified: true } });
    await userEvent.click(screen.getByRole("link", { name: "Go to your tasks" }));
    await screen.findByRole("heading", { name: "Tasks", level: 1 });
    expect(screen.queryByRole("region", { name: "Confirm your email address" })).toBeNull();
  });

  it("says when the link has expired or was used, and how to get another", async () => {
    serve(false, (r) =>
      r.path === "/api/auth/verify-email" ? problem(400, "token_invalid", "This link is no longer valid.") : undefined,
    );
    await open("/verify-email?token=old");
    expect((await screen.findByRole("alert")).textContent).toBe(
      "This link has expired or has already been used. Links work once, for 24 hours: sign in to ask for a new one.",
    );
  });

  it("offers to try again when the server cannot be reached", async () => {
    let reachable = false;
    serve(false, (r) => {
      if (r.path !== "/api/auth/verify-email") return undefined;
      if (!reachable) throw new TypeError("Failed to fetch");
      return json(200, { user: { ...user, emailVerified: true } });
    });
    await open("/verify-email?token=emailed-token");
    expect((await screen.findByRole("alert")).textContent).toMatch(/Can't reach Taskvault/);
    reachable = true;
    await userEvent.click(screen.getByRole("button", { name: "Try again" }));
    await screen.findByText(/is confirmed/);
  });
});

describe("the email-change link's page", () => {
  it("switches the signed-in account to the new address", async () => {
    const moved = { ...user, email: "ada@lovelace.example", emailVerified: true };
    serve(true, (r) => (r.path === "/api/auth/confirm-email" ? json(200, { user: moved }) : undefined));
    await open("/confirm-email?token=emailed-token");
    expect((await screen.findByText(/^Done:/)).textContent).toMatch(
      /^Done: your account's email address is now ada@lovelace\.example\./,
    );
    expect(session.getSnapshot()).toEqual({ status: "signed-in", user: moved });
    expect(screen.getByRole("link", { name: "Go to your account" })).toBeTruthy();
  });

  it("says that the address went to another account meanwhile (409)", async () => {
    serve(false, (r) =>
      r.path === "/api/auth/confirm-email" ? problem(409, "email_taken", "The email is taken.") : undefined,
    );
    await open("/confirm-email?token=emailed-token");
    expect((await screen.findByRole("alert")).textContent).toBe(
      "Another account started using this address meanwhile, so your email address stays as it was.",
    );
  });

  it("says what to do with a link that lost its token", async () => {
    const { sent } = serve(false, () => undefined);
    await open("/confirm-email");
    expect((await screen.findByRole("alert")).textContent).toMatch(/^This link is incomplete\./);
    expect(posts(sent, "/api/auth/confirm-email")).toEqual([]);
  });
});

describe("resetting a forgotten password", () => {
  it("is offered on the sign-in page", async () => {
    serve(false, () => undefined);
    await open("/signin");
    await userEvent.click(await screen.findByRole("link", { name: "Forgot password?" }));
    await screen.findByRole("heading", { name: "Forgot your password?", level: 1 });
    expect(screen.getByLabelText("Email")).toBeTruthy();
  });

  it("sets the new password from the emailed link, then asks to sign in with it", async () => {
    const { sent } = serve(false, (r) => (r.path === "/api/auth/reset-password" ? noContent() : undefined));
    await open("/reset-password?token=emailed-token");
    await screen.findByRole("heading", { name: "Choose a new password", level: 1 });
    expect(window.location.search).toBe("");
    await userEvent.type(screen.getByLabelText("New password"), "a brand new passphrase");
    await userEvent.type(screen.getByLabelText("Confirm new password"), "a brand new passphrase");
    await userEvent.click(screen.getByRole("button", { name: "Set new password" }));
    await screen.findByRole("heading", { name: "Sign in", level: 1 });
    expect(screen.getByRole("status").textContent).toBe(
      "Your password has been changed and every device signed out. Sign in with the new one.",
    );
    expect(posts(sent, "/api/auth/reset-password")).toEqual([
      { token: "emailed-token", newPassword: "a brand new passphrase" },
    ]);
  });

  it("signs this tab out too when it was signed in to the account whose password was reset", async () => {
    const { state } = serve(true, (r) => {
      if (r.path !== "/api/auth/reset-password") return undefined;
      state.signedIn = false; // every session of the account ends
      return noContent();
    });
    await open("/reset-password?token=emailed-token");
    await userEvent.type(await screen.findByLabelText("New password"), "a brand new passphrase");
    await userEvent.type(screen.getByLabelText("Confirm new password"), "a brand new passphrase");
    await userEvent.click(screen.getByRole("button", { name: "Set new password" }));
    await screen.findByRole("heading", { name: "Sign in", level: 1 });
    expect(session.getSnapshot().status).toBe("signed-out");
    expect(screen.getByRole("status").textContent).toMatch(/^Your password has been changed/);
  });

  it("explains an expired or used link, with a way to ask for another", async () => {
    serve(false, (r) =>
      r.path === "/api/auth/reset-password"
        ? problem(400, "token_invalid", "This link is no longer valid.")
        : undefined,
    );
    await open("/reset-password?token=used");
    await userEvent.type(await screen.findByLabelText("New password"), "a brand new passphrase");
    await userEvent.type(screen.getByLabelText("Confirm new password"), "a brand new passphrase");
    await userEvent.click(screen.getByRole("button", { name: "Set new password" }));
    expect((await screen.findByRole("alert")).textContent).toBe(
      "This link has expired or has already been used. Reset links work once, for one hour.",
    );
    expect(screen.queryByLabelText("New password")).toBeNull();
    await userEvent.click(screen.getByRole("link", { name: "Ask for a new link" }));
    await screen.findByRole("heading", { name: "Forgot your password?", level: 1 });
  });
});

describe("deleting the account from the account page", () => {
  it("signs out every tab and tells the sign-in page to say the account is gone", async () => {
    const { sent, state } = serve(true, (r) => {
      if (r.path === "/api/auth/sessions" && r.method === "GET") return json(200, { sessions: [] });
      if (r.path !== "/api/auth/account") return undefined;
      state.signedIn = false;
      return noContent();
    });
    await open("/account");
    await userEvent.click(await screen.findByRole("button", { name: "Delete account…" }));
    const dialog = screen.getByRole("dialog", { name: "Delete your account?" });
    await userEvent.type(within(dialog).getByLabelText("Password"), "correct horse battery");
    await userEvent.type(within(dialog).getByLabelText("Your email address"), user.email);
    await userEvent.click(within(dialog).getByRole("button", { name: "Delete my account" }));

    await screen.findByRole("heading", { name: "Sign in", level: 1 });
    expect(window.location.pathname + window.location.search).toBe("/signin");
    expect(screen.getByRole("status").textContent).toBe(
      "Your account has been deleted, with all its tasks. Thank you for using Taskvault.",
    );
    expect(sent.filter((r) => r.method === "DELETE").map((r) => [r.path, r.body])).toEqual([
      ["/api/auth/account", { password: "correct horse battery" }],
    ]);
    expect(tabs.posted).toContainEqual({ type: "signed-out" });
  });

  it("no longer says so once someone has signed in: the next sign-out is an ordinary one", async () => {
    serve(false, (r) => (r.path === "/api/auth/signin" ? json(200, { user, ...tokenBody("token") }) : undefined));
    leaveSigninNotice("Your account has been deleted, with all its tasks. Thank you for using Taskvault.");
    await open("/signin");
    await screen.findByText(/^Your account has been deleted/);
    await userEvent.type(screen.getByLabelText("Email"), user.email);
    await userEvent.type(screen.getByLabelText("Password"), "correct horse battery");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await screen.findByRole("heading", { name: "Tasks", level: 1 });

    await userEvent.click(screen.getByRole("button", { name: /Account menu/ }));
    await userEvent.click(screen.getByRole("button", { name: "Sign out" }));
    await screen.findByRole("heading", { name: "Sign in", level: 1 });
    expect(screen.getByRole("status").textContent).toBe("You're signed out.");
  });
});
