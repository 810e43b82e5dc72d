import { useQueryClient } from "@tanstack/react-query";
import { rememberAccount } from "../../features/account/api/get-account.js";
import { verifyEmail } from "../../features/auth/api/verify-email.js";
import { AuthCard } from "../../features/auth/components/auth-card.js";
import {
  EmailLinkNext,
  EmailLinkResult,
  IncompleteEmailLink,
  useEmailLink,
} from "../../features/auth/components/email-link-result.js";
import { useDocumentTitle } from "../../lib/use-document-title.js";
import { useLinkToken } from "../../lib/use-link-token.js";
import { useSession } from "../../lib/use-session.js";

/** The page the verification email links to: it confirms the address and says so. */
export function VerifyEmailPage() {
  useDocumentTitle("Confirm your email address");
  const token = useLinkToken();
  return (
    <AuthCard title="Confirm your email address" intro="Thank you for opening the link from your email.">
      {token ? <Verify token={token} /> : <IncompleteEmailLink signedInTo="tasks" />}
    </AuthCard>
  );
}

function Verify({ token }: { token: string }) {
  const queryClient = useQueryClient();
  const signedIn = useSession().status === "signed-in";
  const { outcome, retry } = useEmailLink(token, verifyEmail, (user) => rememberAccount(queryClient, user));
  return (
    <EmailLinkResult
      outcome={outcome}
      working="Confirming your email address…"
      done={(user) => (
        <>
          Your email address <strong className="break-all">{user.email}</strong> is confirmed.
        </>
      )}
      invalid={`This link has expired or has already been used. Links work once, for 24 hours: ${
        signedIn ? "ask for a new one from your task list" : "sign in to ask for a new one"
      }.`}
      retry={retry}
      next={<EmailLinkNext signedInTo="tasks" />}
    />
  );
}
