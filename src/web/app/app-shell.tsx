import type { ReactNode } from "react";
import { BrandMark } from "../components/brand-mark.js";
import { paths } from "../config/paths.js";
import { LiveStatus } from "../features/tasks/components/live-status.js";
import { Link } from "../lib/router.js";
import { UserMenu } from "./user-menu.js";

/** The frame of the signed-in pages: a header with the brand and the account menu, then the page. */
export function AppShell({ title, aside, children }: { title: string; aside?: ReactNode; children: ReactNode }) {
  return (
    <>
      <header className="sticky top-0 z-20 border-b border-slate-200 bg-white/90 backdrop-blur dark:border-slate-800 dark:bg-slate-950/90">
        <div className="mx-auto flex h-14 max-w-6xl items-center justify-between gap-4 px-4 sm:h-16 sm:px-6">
          <Link
            href={paths.tasks.href()}
            className="inline-flex min-h-11 items-center rounded-lg"
            aria-label="Taskvault, your tasks"
          >
            <BrandMark />
          </Link>
          <div className="flex items-center gap-3">
            <LiveStatus />
            <UserMenu />
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-6xl px-4 pt-4 pb-28 sm:px-6 sm:pt-6">
        <div className="mb-4 flex items-baseline justify-between gap-3">
          <h1 tabIndex={-1} className="text-2xl font-bold tracking-tight focus:outline-none sm:text-3xl">
            {title}
          </h1>
          {aside}
        </div>
        {children}
      </main>
    </>
  );
}
