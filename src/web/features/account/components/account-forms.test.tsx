// @vitest-environment happy-dom
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AccountSession } from "../../../../shared/account.schemas.js";
import { session } from "../../../lib/api.js";
import { json, problem, user } from "../../../test/fake-server.js";
import { fakeServer, renderSignedIn, type SentRequest } from "../../../test/signed-in.js";
import { pendingEmail } from "../api/change-email.js";
import { ChangePasswordForm } from "./change-password-form.js";
import { DeleteAccount } from "./delete-account.js";
import { DevicesList } from "./devices-list.js";
import { EmailSection } from "./email-section.js";
import { ProfileForm } from "./profile-form.js";
import { VerifyEmailBanner } from "./verify-email-banner.js";

vi.mock("../../../lib/auth-channel.js", () => ({
  createAuthChannel: () => ({ post() {}, subscribe: () => () => {} }),
}));
// The zone this browser reports, played by the test.
const device = vi.hoisted(() => ({ timeZone: "UTC" as string | null }));
vi.mock("../api/update-profile.js", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../api/update-profile.js")>()),
  browserTimeZone: () => device.timeZone,
}));

afterEach(async () => {
  cleanup();
  vi.stubGlobal("fetch", async () => new Response(null, { status: 204 }));
  await session.signOut();
  pendingEmail.set(null);
  device.timeZone = "UTC";
  vi.unstubAllGlobals();
});

const noContent = () => new Response(null, { status: 204 });
const accepted = () => new Response(null, { status: 202 });
const rateLimited = (seconds: number) =>
  json(
    429,
    { type: "about:blank", title: "Too Many Requests", status: 429, code: "rate_limited", detail: "Slow down." },
    { "retry-after": String(seconds) },
  );

function bodiesTo(sent: SentRequest[], method: string, path: string): unknown[] {
  return sent.filter((r) => r.method === method && r.path === path).map((r) => r.body);
}

/** The message tied to a field through aria-describedby (its error comes first). */
function errorOf(label: string): string | null | undefined {
  const input = screen.getByLabelText(label);
  const first = input.getAttribute("aria-describedby")?.split(" ")[0];
  return input.getAttribute("aria-invalid") === "true" ? document.getElementById(first ?? "")?.textContent : null;
}

describe("the profile form", () => {
  it("checks the name with the shared rules before sending, and says so beside it", async () => {
    const sent = fakeServer(() => json(200, { user }));
    renderSignedIn(<ProfileForm user={user} />);
    await userEvent.clear(screen.getByLabelText("Name"));
    await userEvent.type(screen.getByLabelText("Name"), "   ");
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(errorOf("Name")).toBe("Name must be 1 to 100 characters");
    expect(document.activeElement).toBe(screen.getByLabelText("Name"));
    expect(sent).toEqual([]);
  });

  it("saves the name and time zone with PATCH /api/auth/me, says Saved, and shows the answer in the header's copy", async () => {
    const renamed = { ...user, name: "Ada Lovelace", timeZone: "Europe/Paris" };
    const sent = fakeServer(() => json(200, { user: renamed }));
    renderSignedIn(<ProfileForm user={user} />);
    await userEvent.clear(screen.getByLabelText("Name"));
    await userEvent.type(screen.getByLabelText("Name"), "Ada Lovelace");
    await userEvent.selectOptions(screen.getByLabelText("Time zone"), "Europe/Paris");
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    await screen.findByText("Saved.");
    expect(bodiesTo(sent, "PATCH", "/api/auth/me")).toEqual([{ name: "Ada Lovelace", timeZone: "Europe/Paris" }]);
    expect(sent[0]?.authorization).toBe("Bearer access-token");
    expect(session.getSnapshot()).toEqual({ status: "signed-in", user: renamed });
  });

  it("offers every time zone the browser knows, with its offset, and this device's zone without switching to it", async () => {
    fakeServer(() => json(200, { user }));
    device.timeZone = "Asia/Tokyo";
    renderSignedIn(<ProfileForm user={user} />);
    const select = screen.getByLabelText<HTMLSelectElement>("Time zone");
    expect(select.value).toBe("UTC");
    expect(select.options.length).toBeGreaterThan(300);
    expect(within(select).getByRole("option", { name: "America/New York (GMT-5)" })).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Use this device's time zone" }));
    expect(select.value).toBe("Asia/Tokyo");
    expect(screen.queryByRole("button", { name: "Use this device's time zone" })).toBeNull();
  });

  it("puts the server's field errors beside the field they name", async () => {
    fakeServer(() =>
      problem(400, "validation_failed", "timeZone is bad", {
        errors: [{ path: "timeZone", message: "must be an IANA time zone such as Europe/Paris" }],
      }),
    );
    renderSignedIn(<ProfileForm user={user} />);
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(errorOf("Time zone")).toBe("Time zone must be an IANA time zone such as Europe/Paris"));
    expect(screen.queryByText("Saved.")).toBeNull();
  });
});

describe("the change-password form", () => {
  async function fill(current: string, next: string) {
    if (current) await userEvent.type(screen.getByLabelText("Current password"), current);
    if (next) await userEvent.type(screen.getByLabelText("New password"), next);
    await userEvent.click(screen.getByRole("button", { name: "Change password" }));
  }

  it("asks for the current password and a new one of the sign-up rules before sending", async () => {
    const sent = fakeServer(noContent);
    renderSignedIn(<ChangePasswordForm />);
    expect(screen.getByLabelText("Current password").getAttribute("autocomplete")).toBe("current-password");
    expect(screen.getByLabelText("New password").getAttribute("autocomplete")).toBe("new-password");
    expect(screen.getByText("8 to 128 characters. A passphrase of a few words works well.")).toBeTruthy();
    await fill("", "short");
    expect(errorOf("Current password")).toBe("Current password is required");
    expect(errorOf("New password")).toBe("New password must be 8 to 128 characters");
    expect(sent).toEqual([]);
  });

  it("says which password the server refused: the current one is wrong, the new one is common", async () => {
    const answers = [
      problem(403, "wrong_password", "The password is wrong."),
      problem(400, "weak_password", "This password is too common. Choose another."),
    ];
    fakeServer(() => answers.shift() ?? noContent());
    renderSignedIn(<ChangePasswordForm />);
    await fill("not my password", "correct horse battery");
    await waitFor(() => expect(errorOf("Current password")).toBe("That is not your current password."));
    await userEvent.click(screen.getByRole("button", { name: "Change password" }));
    await waitFor(() => expect(errorOf("New password")).toBe("This password is too common. Choose another."));
    // Nothing typed is lost to a refusal.
    expect(screen.getByLabelText<HTMLInputElement>("New password").value).toBe("correct horse battery");
  });

  it("waits as long as the server says after too many wrong passwords", async () => {
    fakeServer(() => rateLimited(120));
    renderSignedIn(<ChangePasswordForm />);
    await fill("guess", "correct horse battery");
    expect((await screen.findByRole("alert")).textContent).toMatch(/^Too many attempts\. Try again in 2 minutes/);
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Change password" }).disabled).toBe(true);
  });

  it("changes it, empties the fields and says that only this device stays signed in", async () => {
    const sent = fakeServer(noContent);
    renderSignedIn(<ChangePasswordForm />);
    await fill("old password 1", "new password 2");
    await screen.findByText("Password changed. You're still signed in here; every other device has been signed out.");
    expect(bodiesTo(sent, "POST", "/api/auth/change-password")).toEqual([
      { currentPassword: "old password 1", newPassword: "new password 2" },
    ]);
    expect(screen.getByLabelText<HTMLInputElement>("Current password").value).toBe("");
    expect(screen.getByLabelText<HTMLInputElement>("New password").value).toBe("");
  });
});

describe("the email section", () => {
  async function requestChange(newEmail: string, password: string) {
    await userEvent.click(screen.getByRole("button", { name: "Change email" }));
    if (newEmail) await userEvent.type(screen.getByLabelText("New email"), newEmail);
    if (password) await userEvent.type(screen.getByLabelText("Current password"), password);
    await userEvent.click(screen.getByRole("button", { name: "Send confirmation link" }));
  }

  it("checks the new address and the password before sending", async () => {
    const sent = fakeServer(accepted);
    renderSignedIn(<EmailSection user={user} />);
    await requestChange("grace@example", "");
    expect(errorOf("New email")).toBe("New email must be a valid email address");
    expect(errorOf("Current password")).toBe("Current password is required");
    expect(sent).toEqual([]);
  });

  it("says when the address is taken or the password wrong", async () => {
    const answers = [
      problem(409, "email_taken", "An account with this email already exists."),
      problem(403, "wrong_password", "The password is wrong."),
    ];
    fakeServer(() => answers.shift() ?? accepted());
    renderSignedIn(<EmailSection user={user} />);
    await requestChange("grace@example.com", "my password");
    await waitFor(() => expect(errorOf("New email")).toBe("Another account already uses this address."));
    await userEvent.click(screen.getByRole("button", { name: "Send confirmation link" }));
    await waitFor(() => expect(errorOf("Current password")).toBe("That is not your current password."));
  });

  it("shows the new address as waiting for confirmation, and the old one as still the account's", async () => {
    const sent = fakeServer(accepted);
    renderSignedIn(<EmailSection user={user} />);
    expect(screen.getByText(user.email)).toBeTruthy();
    await requestChange("Grace@Example.com", "my password");
    const waiting = await screen.findByText(/Waiting for confirmation/);
    expect(waiting.textContent).toBe(
      "Waiting for confirmation: grace@example.com. Open the link we sent there within 24 hours; until then your email stays ada@example.com.",
    );
    expect(bodiesTo(sent, "POST", "/api/auth/change-email")).toEqual([
      { newEmail: "Grace@Example.com", password: "my password" },
    ]);
    expect(screen.queryByLabelText("New email")).toBeNull();
  });
});

describe("the unverified-email banner", () => {
  it("is shown only while the address is unverified", async () => {
    fakeServer(() => json(200, { user: { ...user, emailVerified: true } }));
    renderSignedIn(<VerifyEmailBanner />, { ...user, emailVerified: true });
    expect(screen.queryByRole("region", { name: "Confirm your email address" })).toBeNull();
  });

  it("sends the link again, then says Sent; asked too often, says when it can be asked again", async () => {
    const answers = [accepted(), rateLimited(300)];
    const sent = fakeServer((request) =>
      request.path === "/api/auth/me" ? json(200, { user }) : (answers.shift() ?? accepted()),
    );
    renderSignedIn(<VerifyEmailBanner />);
    const banner = screen.getByRole("region", { name: "Confirm your email address" });
    expect(banner.textContent).toContain("open the link we sent to ada@example.com");
    await userEvent.click(within(banner).getByRole("button", { name: "Send again" }));
    await within(banner).findByText("Sent. Check your inbox.");
    await userEvent.click(within(banner).getByRole("button", { name: "Send again" }));
    await within(banner).findByText("You can ask again in 5 minutes.");
    expect(within(banner).getByRole<HTMLButtonElement>("button", { name: "Send again" }).disabled).toBe(true);
    expect(bodiesTo(sent, "POST", "/api/auth/verify-email/resend")).toHaveLength(2);
  });
});

describe("the devices list", () => {
  const now = Date.now();
  const ago = (minutes: number) => new Date(now - minutes * 60_000).toISOString();
  const signedIn = (id: string, current: boolean, userAgent: string | null, lastUsed: number): AccountSession => ({
    id,
    current,
    createdAt: ago(60 * 24 * 3),
    lastUsedAt: ago(lastUsed),
    expiresAt: ago(-60 * 24 * 7),
    userAgent,
    ipAddress: current ? "203.0.113.x" : "2001:db8:1:2::/64",
  });
  const devices = [
    signedIn("s-old", false, null, 60 * 26),
    signedIn("s-here", true, "Firefox 132 on macOS", 0),
    signedIn("s-phone", false, "Mobile Safari 17 on iOS", 5),
  ];

  function serveDevices() {
    let live = [...devices];
    return fakeServer((request) => {
      if (request.method === "GET") return json(200, { sessions: live });
      if (request.path === "/api/auth/sessions") live = live.filter((s) => s.current);
      else live = live.filter((s) => request.path !== `/api/auth/sessions/${s.id}`);
      return noContent();
    });
  }

  it("lists every device, this one first: what it is, from where, when last used", async () => {
    serveDevices();
    renderSignedIn(<DevicesList thisDeviceAction={<button type="button">Sign out here</button>} />);
    const list = await screen.findByRole("list", { name: "Signed-in devices" });
    const rows = within(list).getAllByRole("listitem");
    expect(rows.map((row) => row.querySelector("p")?.textContent)).toEqual([
      "Firefox 132 on macOSThis device",
      "Mobile Safari 17 on iOS",
      "Unknown device",
    ]);
    expect(rows[0]?.textContent).toContain("From 203.0.113.x · Last used now");
    expect(within(rows[0] as HTMLElement).getByRole("button", { name: "Sign out here" })).toBeTruthy();
    expect(rows[1]?.textContent).toContain("From 2001:db8:1:2::/64 · Last used 5 minutes ago");
    expect(rows[2]?.textContent).toContain("Last used yesterday");
  });

  it("signs out one device, named for screen readers, and then every other one", async () => {
    const sent = serveDevices();
    renderSignedIn(<DevicesList thisDeviceAction={null} />);
    await userEvent.click(await screen.findByRole("button", { name: "Sign out Mobile Safari 17 on iOS" }));
    await screen.findByText("Signed out on that device.");
    expect(sent.some((r) => r.method === "DELETE" && r.path === "/api/auth/sessions/s-phone")).toBe(true);
    await waitFor(() => expect(screen.queryByText("Mobile Safari 17 on iOS")).toBeNull());

    await userEvent.click(screen.getByRole("button", { name: "Sign out everywhere else" }));
    await screen.findByText("Signed out on every other device.");
    expect(sent.some((r) => r.method === "DELETE" && r.path === "/api/auth/sessions")).toBe(true);
    await screen.findByText("You're not signed in anywhere else.");
    expect(screen.getAllByRole("listitem")).toHaveLength(1);
  });

  it("puts a device back, and says why, when the server refuses to sign it out", async () => {
    fakeServer((request) =>
      request.method === "GET" ? json(200, { sessions: devices }) : problem(500, "internal", "Internal error"),
    );
    renderSignedIn(<DevicesList thisDeviceAction={null} />);
    await userEvent.click(await screen.findByRole("button", { name: "Sign out Mobile Safari 17 on iOS" }));
    expect((await screen.findByRole("alert")).textContent).toMatch(/^Couldn't sign out: Taskvault had a problem/);
    await waitFor(() => expect(screen.getAllByRole("listitem")).toHaveLength(3));
  });
});

describe("deleting the account", () => {
  async function open() {
    await userEvent.click(screen.getByRole("button", { name: "Delete account…" }));
    return screen.getByRole("dialog", { name: "Delete your account?" });
  }

  it("needs the password and the address typed out before sending anything", async () => {
    const sent = fakeServer(noContent);
    renderSignedIn(<DeleteAccount user={user} onDeleted={() => {}} />);
    const dialog = await open();
    await userEvent.type(within(dialog).getByLabelText("Your email address"), "ada@example.org");
    await userEvent.click(within(dialog).getByRole("button", { name: "Delete my account" }));
    expect(errorOf("Password")).toBe("Password is required");
    expect(errorOf("Your email address")).toBe("Your email address must be ada@example.com");
    expect(sent).toEqual([]);
  });

  it("says when the password is wrong, and deletes with the right one", async () => {
    const answers = [problem(403, "wrong_password", "The password is wrong."), noContent()];
    const sent = fakeServer(() => answers.shift() ?? noContent());
    const onDeleted = vi.fn();
    renderSignedIn(<DeleteAccount user={user} onDeleted={onDeleted} />);
    const dialog = await open();
    await userEvent.type(within(dialog).getByLabelText("Password"), "guess");
    await userEvent.type(within(dialog).getByLabelText("Your email address"), "ADA@example.com ");
    await userEvent.click(within(dialog).getByRole("button", { name: "Delete my account" }));
    await waitFor(() => expect(errorOf("Password")).toBe("That is not your password."));
    expect(onDeleted).not.toHaveBeenCalled();

    await userEvent.clear(within(dialog).getByLabelText("Password"));
    await userEvent.type(within(dialog).getByLabelText("Password"), "correct horse battery");
    await userEvent.click(within(dialog).getByRole("button", { name: "Delete my account" }));
    await waitFor(() => expect(onDeleted).toHaveBeenCalledTimes(1));
    // Only the password goes to the server: the typed address is the page's own check.
    expect(bodiesTo(sent, "DELETE", "/api/auth/account")).toEqual([
      { password: "guess" },
      { password: "correct horse battery" },
    ]);
  });
});
