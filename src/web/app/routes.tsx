import { type ReactNode, useEffect, useRef } from "react";
import { paths } from "../config/paths.js";
import { useLocation } from "../lib/router.js";
import { AccountPage } from "./routes/account-page.js";
import { ConfirmEmailPage } from "./routes/confirm-email-page.js";
import { ForgotPasswordPage } from "./routes/forgot-password-page.js";
import { NotFoundPage } from "./routes/not-found-page.js";
import { ResetPasswordPage } from "./routes/reset-password-page.js";
import { SigninPage } from "./routes/signin-page.js";
import { SignupPage } from "./routes/signup-page.js";
import { TasksPage } from "./routes/tasks-page.js";
import { VerifyEmailPage } from "./routes/verify-email-page.js";
import { AnyoneOnceKnown, GuestOnly, RequireSession } from "./session-gate.js";

/** The route table: each path, who may see it, and its page. */
const routes: Record<string, () => ReactNode> = {
  [paths.tasks.path]: () => (
    <RequireSession>
      <TasksPage />
    </RequireSession>
  ),
  [paths.account.path]: () => (
    <RequireSession>
      <AccountPage />
    </RequireSession>
  ),
  [paths.signin.path]: () => (
    <GuestOnly>
      <SigninPage />
    </GuestOnly>
  ),
  [paths.signup.path]: () => (
    <GuestOnly>
      <SignupPage />
    </GuestOnly>
  ),
  [paths.forgotPassword.path]: () => (
    <GuestOnly>
      <ForgotPasswordPage />
    </GuestOnly>
  ),
  // The emailed links work whoever is signed in here, or no one: the token says whose they are.
  [paths.resetPassword.path]: () => (
    <AnyoneOnceKnown>
      <ResetPasswordPage />
    </AnyoneOnceKnown>
  ),
  [paths.verifyEmail.path]: () => (
    <AnyoneOnceKnown>
      <VerifyEmailPage />
    </AnyoneOnceKnown>
  ),
  [paths.confirmEmail.path]: () => (
    <AnyoneOnceKnown>
      <ConfirmEmailPage />
    </AnyoneOnceKnown>
  ),
};

/** Renders the page for the current path; on moving to another page, focus goes to its heading. */
export function Routes() {
  const { pathname } = useLocation();
  const first = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once per change of page.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    window.scrollTo(0, 0);
    // Screen readers then announce the new page; a frame later, so the page has rendered.
    requestAnimationFrame(() => document.querySelector<HTMLElement>("h1")?.focus({ preventScroll: true }));
  }, [pathname]);
  const page = routes[pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname];
  return page ? page() : <NotFoundPage />;
}
