import type { User } from "../../../../shared/auth.schemas.js";
import { AccountAvatar } from "./account-avatar.js";

/** Whose account this is, at the top of the page: initials, name and how long they have been here. */
export function AccountSummary({ user }: { user: User }) {
  const since = new Date(user.createdAt).toLocaleDateString(undefined, {
    day: "numeric",
    month: "long",
    year: "numeric",
  });
  return (
    <div className="flex items-center gap-3 px-1">
      <AccountAvatar user={user} />
      <div className="min-w-0">
        <p className="truncate font-semibold text-slate-900 dark:text-slate-100">{user.name}</p>
        <p className="text-sm text-slate-600 dark:text-slate-400">Member since {since}</p>
      </div>
    </div>
  );
}
