import { useQueryClient } from "@tanstack/react-query";
import { pendingEmail } from "../../features/account/api/change-email.js";
import { rememberAccount } from "../../features/account/api/get-account.js";
import { confirmEmail } from "../../features/auth/api/verify-email.js";
import { AuthCard } from "../../features/auth/components/auth-card.js";
import {
  EmailLinkNext,
  EmailLinkResult,
  IncompleteEmailLink,
  useEmailLink,
} from "../../features/auth/components/email-link-result.js";
import { useDocumentTitle } from "../../lib/use-document-title.js";
import { useLinkToken } from "../../lib/use-link-token.js";

/** The page the email-change confirmation links to: the account switches to the new address. */
export function ConfirmEmailPage() {
  useDocumentTitle("Confirm your new email address");
  const token = useLinkToken();
  return (
    <AuthCard title="Confirm your new email address" intro="Thank you for opening the link from your email.">
      {token ? <Confirm token={token} /> : <IncompleteEmailLink signedInTo="account" />}
    </AuthCard>
  );
}

function Confirm({ token }: { token: string }) {
  const queryClient = useQueryClient();
  const { outcome, retry } = useEmailLink(token, confirmEmail, (user) => {
    rememberAccount(queryClient, user);
    if (pendingEmail.get() === user.email) pendingEmail.set(null);
  });
  return (
    <EmailLinkResult
      outcome={outcome}
      working="Switching your account to the new address…"
      done={(user) => (
        <>
          Done: your account's email address is now <strong className="break-all">{user.email}</strong>. Sign in with it
          from now on.
        </>
      )}
      invalid="This link has expired or has already been used. Links work once, for 24 hours: ask for the change again from your account page."
      taken="Another account started using this address meanwhile, so your email address stays as it was."
      retry={retry}
      next={<EmailLinkNext signedInTo="account" />}
    />
  );
}
