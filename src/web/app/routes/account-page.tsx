import { useAccount } from "../../features/account/api/get-account.js";
import { AccountDetails } from "../../features/account/components/account-details.js";
import { SignOutButton } from "../../features/auth/components/sign-out-button.js";
import { useDocumentTitle } from "../../lib/use-document-title.js";
import { AppShell } from "../app-shell.js";

export function AccountPage() {
  useDocumentTitle("Account");
  const account = useAccount();
  return (
    <AppShell title="Account">
      <div className="max-w-2xl space-y-6">
        <section
          aria-labelledby="profile-heading"
          className="rounded-2xl border border-slate-200 bg-white p-5 shadow-xs sm:p-6 dark:border-slate-800 dark:bg-slate-900"
        >
          <h2 id="profile-heading" className="text-base font-semibold">
            Profile
          </h2>
          {account.data ? <AccountDetails user={account.data} /> : null}
        </section>
        <section
          aria-labelledby="session-heading"
          className="rounded-2xl border border-slate-200 bg-white p-5 shadow-xs sm:p-6 dark:border-slate-800 dark:bg-slate-900"
        >
          <h2 id="session-heading" className="text-base font-semibold">
            Session
          </h2>
          <p className="mt-1 mb-4 text-sm text-slate-600 dark:text-slate-400">
            Signing out here signs you out in every tab of this browser.
          </p>
          <SignOutButton />
        </section>
      </div>
    </AppShell>
  );
}
