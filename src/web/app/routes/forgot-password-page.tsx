import { paths } from "../../config/paths.js";
import { AuthCard } from "../../features/auth/components/auth-card.js";
import { ForgotPasswordForm } from "../../features/auth/components/forgot-password-form.js";
import { Link } from "../../lib/router.js";
import { useDocumentTitle } from "../../lib/use-document-title.js";

export function ForgotPasswordPage() {
  useDocumentTitle("Forgot password");
  return (
    <AuthCard
      title="Forgot your password?"
      intro="Type the address you signed up with and we'll send you a link to choose a new one."
      footer={
        <>
          Remembered it?{" "}
          <Link
            href={paths.signin.href()}
            className="font-semibold text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300"
          >
            Sign in
          </Link>
        </>
      }
    >
      <ForgotPasswordForm />
    </AuthCard>
  );
}
