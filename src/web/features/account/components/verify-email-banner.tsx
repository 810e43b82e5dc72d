import { useAccount } from "../api/get-account.js";
import { ResendVerificationButton } from "./resend-verification-button.js";

/** Above the task list while the address is unverified: where the link went, and "Send again". */
export function VerifyEmailBanner() {
  const account = useAccount();
  const user = account.data;
  if (!user || user.emailVerified) return null;
  return (
    <section
      aria-label="Confirm your email address"
      className="mb-4 rounded-xl border border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950/60 dark:text-amber-100"
    >
      <p className="pt-1.5">
        Confirm your email address: open the link we sent to <strong className="break-all">{user.email}</strong>.
      </p>
      <ResendVerificationButton className="text-amber-950 dark:text-amber-100" />
    </section>
  );
}
