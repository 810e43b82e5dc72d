import { useAccount } from "../../features/account/api/get-account.js";
import { AccountSection } from "../../features/account/components/account-section.js";
import { AccountSummary } from "../../features/account/components/account-summary.js";
import { ChangePasswordForm } from "../../features/account/components/change-password-form.js";
import { DeleteAccount } from "../../features/account/components/delete-account.js";
import { DevicesList } from "../../features/account/components/devices-list.js";
import { DownloadDataButton } from "../../features/account/components/download-data-button.js";
import { EmailSection } from "../../features/account/components/email-section.js";
import { ProfileForm } from "../../features/account/components/profile-form.js";
import { SignOutButton } from "../../features/auth/components/sign-out-button.js";
import { ReminderNotificationsSetting } from "../../features/tasks/components/reminder-notifications.js";
import { session } from "../../lib/api.js";
import { leaveSigninNotice } from "../../lib/signin-notice.js";
import { useDocumentTitle } from "../../lib/use-document-title.js";
import { useCurrentUser } from "../../lib/use-session.js";
import { AppShell } from "../app-shell.js";

export function AccountPage() {
  useDocumentTitle("Account");
  const signedIn = useCurrentUser();
  const user = useAccount().data ?? signedIn;
  return (
    <AppShell title="Account">
      <div className="max-w-4xl space-y-4 sm:space-y-6">
        <AccountSummary user={user} />
        <AccountSection title="Profile" description="How Taskvault greets you, and the time zone your days follow.">
          <ProfileForm key={user.id} user={user} />
        </AccountSection>
        <AccountSection title="Email" description="Where sign-in help and password resets go.">
          <EmailSection user={user} />
        </AccountSection>
        <AccountSection title="Reminders" description="How a task's reminders reach you in this browser.">
          <ReminderNotificationsSetting />
        </AccountSection>
        <AccountSection title="Password" description="You stay signed in here; every other device is signed out.">
          <ChangePasswordForm />
        </AccountSection>
        <AccountSection
          title="Devices"
          description="Where your account is signed in. Sign out any device you don't recognise, then change your password."
        >
          <DevicesList thisDeviceAction={<SignOutButton />} />
        </AccountSection>
        <AccountSection title="Your data" description="Your account, tasks and devices, as a JSON file.">
          <DownloadDataButton />
        </AccountSection>
        <AccountSection
          title="Delete account"
          tone="danger"
          description="Deletes your account and every task in it, for good."
        >
          <DeleteAccount
            user={user}
            onDeleted={() => {
              leaveSigninNotice("Your account has been deleted, with all its tasks. Thank you for using Taskvault.");
              // The server has ended every session already: this one forgets its token, tells the
              // other tabs, and the session gate shows the sign-in page.
              void session.signOut();
            }}
          />
        </AccountSection>
      </div>
    </AppShell>
  );
}
