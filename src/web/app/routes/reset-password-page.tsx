import { useState } from "react";
import { buttonClass } from "../../components/button.js";
import { FormAlert } from "../../components/form-alert.js";
import { paths } from "../../config/paths.js";
import { AuthCard } from "../../features/auth/components/auth-card.js";
import { ResetPasswordForm } from "../../features/auth/components/reset-password-form.js";
import { session } from "../../lib/api.js";
import { focusOnMount } from "../../lib/focus-on-mount.js";
import { Link, navigate } from "../../lib/router.js";
import { leaveSigninNotice } from "../../lib/signin-notice.js";
import { useDocumentTitle } from "../../lib/use-document-title.js";
import { useLinkToken } from "../../lib/use-link-token.js";

const linkClass = "font-semibold text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300";

/** The emailed reset link's page: a new password, then on to sign in with it. */
export function ResetPasswordPage() {
  useDocumentTitle("Choose a new password");
  const token = useLinkToken();
  const [linkWorks, setLinkWorks] = useState(token !== null);

  async function onReset() {
    leaveSigninNotice("Your password has been changed and every device signed out. Sign in with the new one.");
    // Every session of that account has just ended; if this tab held one, let it find out now
    // (a refresh that fails), rather than at its next request.
    if (session.getSnapshot().status === "signed-in") await session.restore();
    navigate(paths.signin.href(), { replace: true });
  }

  return (
    <AuthCard
      title="Choose a new password"
      intro="Pick one you don't use anywhere else. Every device signed in to your account will be signed out."
      footer={
        <Link href={paths.signin.href()} className={linkClass}>
          Back to sign in
        </Link>
      }
    >
      {token && linkWorks ? (
        <ResetPasswordForm token={token} onReset={onReset} onLinkInvalid={() => setLinkWorks(false)} />
      ) : (
        <div ref={focusOnMount} tabIndex={-1} className="space-y-4 focus:outline-none">
          <FormAlert>
            {token
              ? "This link has expired or has already been used. Reset links work once, for one hour."
              : "This link is incomplete. Open it again from the email, or ask for a new one."}
          </FormAlert>
          <Link href={paths.forgotPassword.href()} className={buttonClass("primary", "w-full")}>
            Ask for a new link
          </Link>
        </div>
      )}
    </AuthCard>
  );
}
