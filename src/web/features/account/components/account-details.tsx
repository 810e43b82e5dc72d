import type { User } from "../../../../shared/auth.schemas.js";

/** Name, email and membership date, as a description list. */
export function AccountDetails({ user }: { user: User }) {
  const since = new Date(user.createdAt).toLocaleDateString(undefined, {
    day: "numeric",
    month: "long",
    year: "numeric",
  });
  const rows: [string, string][] = [
    ["Name", user.name],
    ["Email", user.email],
    ["Member since", since],
  ];
  return (
    <dl className="divide-y divide-slate-200 dark:divide-slate-800">
      {rows.map(([term, value]) => (
        <div key={term} className="grid gap-1 py-3 sm:grid-cols-3 sm:gap-4">
          <dt className="text-sm font-medium text-slate-600 dark:text-slate-400">{term}</dt>
          <dd className="text-sm break-words text-slate-900 sm:col-span-2 dark:text-slate-100">{value}</dd>
        </div>
      ))}
    </dl>
  );
}
