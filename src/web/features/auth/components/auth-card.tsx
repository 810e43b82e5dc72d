import type { ReactNode } from "react";
import { BrandMark } from "../../../components/brand-mark.js";

/** The frame of the signed-out pages: the brand, a heading, the form, and a way to the other page. */
export function AuthCard({
  title,
  intro,
  children,
  footer,
}: {
  title: string;
  intro: string;
  children: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <main id="main" className="flex min-h-dvh flex-col items-center px-4 py-8 sm:justify-center sm:py-12">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex justify-center sm:mb-8">
          <BrandMark />
        </div>
        <div className="rounded-2xl border border-slate-200 bg-white p-5 shadow-sm sm:p-7 dark:border-slate-800 dark:bg-slate-900">
          <h1 tabIndex={-1} className="text-2xl font-bold tracking-tight focus:outline-none">
            {title}
          </h1>
          <p className="mt-1 mb-6 text-sm text-slate-600 dark:text-slate-400">{intro}</p>
          {children}
        </div>
        {footer ? <p className="mt-6 text-center text-sm text-slate-600 dark:text-slate-400">{footer}</p> : null}
      </div>
    </main>
  );
}
