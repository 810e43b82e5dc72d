import type { ReactNode } from "react";

/** A message about the whole form (wrong credentials, rate limit, no connection), announced at once. */
export function FormAlert({ tone = "error", children }: { tone?: "error" | "info"; children: ReactNode }) {
  const colours =
    tone === "error"
      ? "border-red-200 bg-red-50 text-red-800 dark:border-red-900 dark:bg-red-950/60 dark:text-red-200"
      : "border-indigo-200 bg-indigo-50 text-indigo-900 dark:border-indigo-900 dark:bg-indigo-950/60 dark:text-indigo-100";
  return (
    <div role={tone === "error" ? "alert" : "status"} className={`rounded-lg border px-3 py-2.5 text-sm ${colours}`}>
      {children}
    </div>
  );
}
