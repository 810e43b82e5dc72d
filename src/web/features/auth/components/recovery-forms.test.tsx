// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { json, problem } from "../../../test/fake-server.js";
import { fakeServer } from "../../../test/signed-in.js";
import { ForgotPasswordForm } from "./forgot-password-form.js";
import { ResetPasswordForm } from "./reset-password-form.js";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const accepted = () => new Response(null, { status: 202 });

function errorOf(label: string): string | null | undefined {
  const input = screen.getByLabelText(label);
  const first = input.getAttribute("aria-describedby")?.split(" ")[0];
  return input.getAttribute("aria-invalid") === "true" ? document.getElementById(first ?? "")?.textContent : null;
}

describe("the forgot-password form", () => {
  it("asks for an email-shaped address before sending", async () => {
    const sent = fakeServer(accepted);
    render(<ForgotPasswordForm />);
    expect(screen.getByLabelText("Email").getAttribute("autocomplete")).toBe("email");
    await userEvent.type(screen.getByLabelText("Email"), "ada@example");
    await userEvent.click(screen.getByRole("button", { name: "Send me a link" }));
    expect(errorOf("Email")).toBe("Email must be a valid email address");
    expect(document.activeElement).toBe(screen.getByLabelText("Email"));
    expect(sent).toEqual([]);
  });

  it("says only that a link was sent if there is an account, and lets another address be tried", async () => {
    const sent = fakeServer(accepted);
    render(<ForgotPasswordForm />);
    await userEvent.type(screen.getByLabelText("Email"), "ada@example.com");
    await userEvent.click(screen.getByRole("button", { name: "Send me a link" }));
    const answer = await screen.findByRole("status");
    expect(answer.textContent).toBe("If an account exists for that address, we sent a link.");
    expect(sent).toEqual([
      {
        method: "POST",
        path: "/api/auth/forgot-password",
        body: { email: "ada@example.com" },
        authorization: undefined,
      },
    ]);
    // The answer takes the place of the form, and the focus with it.
    expect(document.activeElement?.contains(answer)).toBe(true);

    await userEvent.click(screen.getByRole("button", { name: "Use another address" }));
    expect(screen.getByLabelText<HTMLInputElement>("Email").value).toBe("ada@example.com");
  });

  it("says when to ask again after too many requests", async () => {
    fakeServer(() =>
      json(
        429,
        { type: "about:blank", title: "Too Many Requests", status: 429, code: "rate_limited", detail: "Slow down." },
        { "retry-after": "900" },
      ),
    );
    render(<ForgotPasswordForm />);
    await userEvent.type(screen.getByLabelText("Email"), "ada@example.com");
    await userEvent.click(screen.getByRole("button", { name: "Send me a link" }));
    expect((await screen.findByRole("alert")).textContent).toMatch(/^Too many attempts\. Try again in 15 minutes/);
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Send me a link" }).disabled).toBe(true);
  });
});

describe("the reset-password form", () => {
  function renderForm() {
    const onReset = vi.fn();
    const onLinkInvalid = vi.fn();
    render(<ResetPasswordForm token="emailed-token" onReset={onReset} onLinkInvalid={onLinkInvalid} />);
    return { onReset, onLinkInvalid };
  }
  async function fill(password: string, again: string) {
    await userEvent.type(screen.getByLabelText("New password"), password);
    await userEvent.type(screen.getByLabelText("Confirm new password"), again);
    await userEvent.click(screen.getByRole("button", { name: "Set new password" }));
  }

  it("has sign-up's rules and hint, and the same password twice, before sending", async () => {
    const sent = fakeServer(() => new Response(null, { status: 204 }));
    renderForm();
    expect(screen.getByText("8 to 128 characters. A passphrase of a few words works well.")).toBeTruthy();
    expect(screen.getByLabelText("New password").getAttribute("autocomplete")).toBe("new-password");
    await fill("short", "short");
    expect(errorOf("New password")).toBe("New password must be 8 to 128 characters");
    await userEvent.clear(screen.getByLabelText("New password"));
    await userEvent.type(screen.getByLabelText("New password"), "correct horse battery");
    expect(errorOf("New password")).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Set new password" }));
    expect(errorOf("Confirm new password")).toBe("Confirm new password must match the new password");
    expect(sent).toEqual([]);
  });

  it("shows the server's refusal of a common password beside the field", async () => {
    fakeServer(() => problem(400, "weak_password", "This password is too common. Choose another."));
    const { onReset } = renderForm();
    await fill("password123", "password123");
    await waitFor(() => expect(errorOf("New password")).toBe("This password is too common. Choose another."));
    expect(onReset).not.toHaveBeenCalled();
  });

  it("sends the token with the new password once only, and hands an expired link to the page", async () => {
    const answers = [
      problem(400, "token_invalid", "This link is no longer valid."),
      new Response(null, { status: 204 }),
    ];
    const sent = fakeServer(() => answers.shift() ?? new Response(null, { status: 204 }));
    const { onReset, onLinkInvalid } = renderForm();
    await fill("correct horse battery", "correct horse battery");
    await waitFor(() => expect(onLinkInvalid).toHaveBeenCalledTimes(1));
    expect(screen.queryByRole("alert")).toBeNull();
    expect(sent.map((r) => r.body)).toEqual([{ token: "emailed-token", newPassword: "correct horse battery" }]);

    await userEvent.click(screen.getByRole("button", { name: "Set new password" }));
    await waitFor(() => expect(onReset).toHaveBeenCalledTimes(1));
  });
});
