import { type ReactNode, useId } from "react";

/**
 * One part of the account page: a heading and what it is about, then its content. On a phone they
 * stack; on a wide screen the heading sits in a column of its own, beside the content.
 */
export function AccountSection({
  title,
  description,
  tone = "default",
  children,
}: {
  title: string;
  description?: ReactNode;
  tone?: "default" | "danger";
  children: ReactNode;
}) {
  const headingId = useId();
  const border = tone === "danger" ? "border-red-200 dark:border-red-900/70" : "border-slate-200 dark:border-slate-800";
  return (
    <section
      aria-labelledby={headingId}
      className={`rounded-2xl border bg-white p-4 shadow-xs sm:p-6 md:grid md:grid-cols-3 md:gap-6 dark:bg-slate-900 ${border}`}
    >
      <div className="mb-4 md:mb-0">
        <h2 id={headingId} className="text-base font-semibold">
          {title}
        </h2>
        {description ? <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{description}</p> : null}
      </div>
      <div className="min-w-0 md:col-span-2">{children}</div>
    </section>
  );
}
