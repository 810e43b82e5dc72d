import { useEffect, useId, useRef, useState } from "react";
import { paths } from "../config/paths.js";
import { AccountAvatar } from "../features/account/components/account-avatar.js";
import { SignOutButton } from "../features/auth/components/sign-out-button.js";
import { Link } from "../lib/router.js";
import { useCurrentUser } from "../lib/use-session.js";

/**
 * The header's account menu: who is signed in, the account page, sign out. A disclosure (button
 * + panel) rather than an ARIA menu, so it works with Tab like the rest of the page; Esc or a
 * click outside closes it.
 */
export function UserMenu() {
  const user = useCurrentUser();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    function onPointerDown(event: PointerEvent) {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    }
    function onKeyDown(event: KeyboardEvent) {
      if (event.key === "Escape") {
        setOpen(false);
        button.current?.focus();
      }
    }
    document.addEventListener("pointerdown", onPointerDown);
    document.addEventListener("keydown", onKeyDown);
    return () => {
      document.removeEventListener("pointerdown", onPointerDown);
      document.removeEventListener("keydown", onKeyDown);
    };
  }, [open]);

  return (
    <div ref={root} className="relative">
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
        className="inline-flex min-h-11 items-center gap-2 rounded-lg px-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100 sm:px-2 dark:text-slate-200 dark:hover:bg-slate-800"
      >
        <AccountAvatar user={user} />
        <span className="hidden max-w-40 truncate sm:inline">{user.name}</span>
        <span className="sr-only">Account menu</span>
      </button>
      {open ? (
        <div
          id={panelId}
          className="absolute right-0 z-30 mt-2 w-64 max-w-[calc(100vw-2rem)] rounded-xl border border-slate-200 bg-white p-2 shadow-lg motion-safe:animate-fade-in dark:border-slate-700 dark:bg-slate-900"
        >
          <div className="px-2 py-2">
            <p className="truncate text-sm font-semibold">{user.name}</p>
            <p className="truncate text-sm text-slate-600 dark:text-slate-400">{user.email}</p>
          </div>
          <ul className="mt-1 space-y-1 border-t border-slate-200 pt-2 dark:border-slate-800">
            <li>
              <Link
                href={paths.tasks.href()}
                onClick={() => setOpen(false)}
                className="flex min-h-11 items-center rounded-lg px-2 text-sm hover:bg-slate-100 dark:hover:bg-slate-800"
              >
                Tasks
              </Link>
            </li>
            <li>
              <Link
                href={paths.account.href()}
                onClick={() => setOpen(false)}
                className="flex min-h-11 items-center rounded-lg px-2 text-sm hover:bg-slate-100 dark:hover:bg-slate-800"
              >
                Account
              </Link>
            </li>
            <li>
              <SignOutButton appearance="menu-item" />
            </li>
          </ul>
        </div>
      ) : null}
    </div>
  );
}
