// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, NetworkError } from "../../../lib/api-error.js";
import { SigninForm } from "./signin-form.js";
import { SignupForm } from "./signup-form.js";

const signUp = vi.hoisted(() => vi.fn());
const signIn = vi.hoisted(() => vi.fn());
vi.mock("../api/sign-up.js", () => ({ signUp }));
vi.mock("../api/sign-in.js", () => ({ signIn }));

afterEach(() => {
  cleanup();
  signUp.mockReset();
  signIn.mockReset();
});

function problem(
  status: number,
  code: string,
  detail: string,
  errors?: { path: string; message: string }[],
  retryAfter?: number,
) {
  return new ApiError(
    status,
    { type: "about:blank", title: "t", status, code: code as never, detail, errors },
    retryAfter ?? null,
  );
}

describe("the sign-up form", () => {
  it("checks the shared schema's rules before sending anything, and says what to fix beside each field", async () => {
    render(<SignupForm onSignedUp={() => {}} />);
    await userEvent.type(screen.getByLabelText("Email"), "ada@example");
    await userEvent.type(screen.getByLabelText("Password"), "short");
    await userEvent.click(screen.getByRole("button", { name: "Create account" }));

    const email = screen.getByLabelText("Email");
    expect(email.getAttribute("aria-invalid")).toBe("true");
    expect(document.getElementById(email.getAttribute("aria-describedby")?.split(" ")[0] ?? "")?.textContent).toBe(
      "Email must be a valid email address",
    );
    expect(screen.getByText("Password must be 8 to 128 characters")).toBeTruthy();
    expect(document.activeElement).toBe(email);
    expect(signUp).not.toHaveBeenCalled();

    // Fixing a field clears its message as you type.
    await userEvent.type(email, ".com");
    expect(screen.queryByText("Email must be a valid email address")).toBeNull();
  });

  it("uses the right input types and autocomplete hints, and a show/hide password toggle", async () => {
    render(<SignupForm onSignedUp={() => {}} />);
    expect(screen.getByLabelText("Email").getAttribute("autocomplete")).toBe("email");
    const password = screen.getByLabelText("Password");
    expect(password.getAttribute("autocomplete")).toBe("new-password");
    expect(password.getAttribute("type")).toBe("password");
    await userEvent.click(screen.getByRole("button", { name: "Show password" }));
    expect(password.getAttribute("type")).toBe("text");
    expect(screen.getByRole("button", { name: "Hide password" }).getAttribute("aria-pressed")).toBe("true");
  });

  it("puts the server's problem details beside the field they name, and keeps what was typed", async () => {
    signUp.mockRejectedValueOnce(
      problem(409, "email_taken", "An account with this email already exists.", [
        { path: "email", message: "is already registered" },
      ]),
    );
    render(<SignupForm onSignedUp={() => {}} />);
    await userEvent.type(screen.getByLabelText("Email"), "ada@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "correct horse battery");
    await userEvent.click(screen.getByRole("button", { name: "Create account" }));
    await screen.findByText("An account with this email already exists. Sign in instead.");
    expect(signUp).toHaveBeenCalledWith({ email: "ada@example.com", password: "correct horse battery" });
    expect((screen.getByLabelText("Password") as HTMLInputElement).value).toBe("correct horse battery");

    signUp.mockRejectedValueOnce(
      problem(400, "validation_failed", "name is bad", [{ path: "name", message: "must be 1 to 100 characters" }]),
    );
    await userEvent.click(screen.getByRole("button", { name: "Create account" }));
    await screen.findByText("Name must be 1 to 100 characters");
  });

  it("disables the button while the request is in flight", async () => {
    let finish: () => void = () => {};
    signUp.mockImplementationOnce(() => new Promise<void>((resolve) => (finish = resolve)));
    const onSignedUp = vi.fn();
    render(<SignupForm onSignedUp={onSignedUp} />);
    await userEvent.type(screen.getByLabelText("Email"), "ada@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "correct horse battery");
    await userEvent.click(screen.getByRole("button", { name: "Create account" }));
    const busy = screen.getByRole("button", { name: "Creating your account…" }) as HTMLButtonElement;
    expect(busy.disabled).toBe(true);
    finish();
    await waitFor(() => expect(onSignedUp).toHaveBeenCalled());
  });
});

describe("the sign-in form", () => {
  async function submit(email = "ada@example.com", password = "some password") {
    await userEvent.type(screen.getByLabelText("Email"), email);
    await userEvent.type(screen.getByLabelText("Password"), password);
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
  }

  it("answers wrong credentials with the generic message", async () => {
    signIn.mockRejectedValueOnce(problem(401, "invalid_credentials", "Invalid email or password."));
    render(<SigninForm onSignedIn={() => {}} />);
    expect(screen.getByLabelText("Password").getAttribute("autocomplete")).toBe("current-password");
    await submit();
    expect((await screen.findByRole("alert")).textContent).toBe("Invalid email or password.");
  });

  it("says when to try again after too many attempts, and waits until then", async () => {
    signIn.mockRejectedValueOnce(problem(429, "rate_limited", "Too many attempts.", undefined, 300));
    render(<SigninForm onSignedIn={() => {}} />);
    await submit();
    expect((await screen.findByRole("alert")).textContent).toMatch(
      /^Too many attempts\. Try again in 5 minutes \(at .+\)\.$/,
    );
    expect((screen.getByRole("button", { name: "Sign in" }) as HTMLButtonElement).disabled).toBe(true);
  });

  it("reports an unreachable server without losing what was typed", async () => {
    signIn.mockRejectedValueOnce(new NetworkError("offline"));
    render(<SigninForm onSignedIn={() => {}} />);
    await submit();
    expect((await screen.findByRole("alert")).textContent).toMatch(/Can't reach Taskvault/);
    expect((screen.getByLabelText("Email") as HTMLInputElement).value).toBe("ada@example.com");
  });

  it("asks for an email-shaped address before sending", async () => {
    render(<SigninForm onSignedIn={() => {}} />);
    await submit("ada", "x");
    expect(screen.getByText("Email must be a valid email address")).toBeTruthy();
    expect(signIn).not.toHaveBeenCalled();
  });
});
