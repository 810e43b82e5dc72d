import { FormAlert } from "../../components/form-alert.js";
import { paths, safeNextPath } from "../../config/paths.js";
import { AuthCard } from "../../features/auth/components/auth-card.js";
import { SigninForm } from "../../features/auth/components/signin-form.js";
import { Link, navigate, useSearchParams } from "../../lib/router.js";
import { useSigninNotice } from "../../lib/signin-notice.js";
import { useDocumentTitle } from "../../lib/use-document-title.js";
import { useSession } from "../../lib/use-session.js";

const notices = {
  expired: "Your session has expired. Sign in again to pick up where you left off.",
  elsewhere: "You signed out in another tab.",
  "signed-out": "You're signed out.",
} as const;

export function SigninPage() {
  useDocumentTitle("Sign in");
  const next = useSearchParams().get("next");
  const snapshot = useSession();
  const left = useSigninNotice();
  const reason = snapshot.status === "signed-out" && snapshot.reason !== "none" ? notices[snapshot.reason] : null;
  const notice = left ?? reason;
  return (
    <AuthCard
      title="Sign in"
      intro="Welcome back. Your tasks are waiting."
      footer={
        <>
          New to Taskvault?{" "}
          <Link
            href={paths.signup.href(next ?? undefined)}
            className="font-semibold text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300"
          >
            Create an account
          </Link>
        </>
      }
    >
      {notice ? (
        <div className="mb-4">
          <FormAlert tone="info">{notice}</FormAlert>
        </div>
      ) : null}
      <SigninForm onSignedIn={() => navigate(safeNextPath(next), { replace: true })} />
    </AuthCard>
  );
}
