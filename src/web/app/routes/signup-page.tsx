import { useQueryClient } from "@tanstack/react-query";
import { paths, safeNextPath } from "../../config/paths.js";
import { adoptBrowserTimeZone } from "../../features/account/api/update-profile.js";
import { AuthCard } from "../../features/auth/components/auth-card.js";
import { SignupForm } from "../../features/auth/components/signup-form.js";
import { Link, navigate, useSearchParams } from "../../lib/router.js";
import { useDocumentTitle } from "../../lib/use-document-title.js";

export function SignupPage() {
  useDocumentTitle("Create your account");
  const next = useSearchParams().get("next");
  const queryClient = useQueryClient();
  return (
    <AuthCard
      title="Create your account"
      intro="Keep your tasks in one place, private to you, on every device."
      footer={
        <>
          Already have an account?{" "}
          <Link
            href={paths.signin.href(next ?? undefined)}
            className="font-semibold text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300"
          >
            Sign in
          </Link>
        </>
      }
    >
      <SignupForm
        onSignedUp={() => {
          void adoptBrowserTimeZone(queryClient);
          navigate(safeNextPath(next), { replace: true });
        }}
      />
    </AuthCard>
  );
}
