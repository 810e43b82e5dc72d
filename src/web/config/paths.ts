/**
 * Every page of the app, with a builder for its links: components never spell URLs.
 *
 * @example
 *   paths.signin.href("/account"); // "/signin?next=%2Faccount"
 */
export const paths = {
  tasks: { path: "/", href: (search = "") => (search ? `/?${search}` : "/") },
  signin: { path: "/signin", href: (next?: string) => withNext("/signin", next) },
  signup: { path: "/signup", href: (next?: string) => withNext("/signup", next) },
  account: { path: "/account", href: () => "/account" },
  forgotPassword: { path: "/forgot-password", href: () => "/forgot-password" },
  // The emailed links (built by the server from PUBLIC_URL) open these with `?token=…`.
  resetPassword: { path: "/reset-password", href: () => "/reset-password" },
  verifyEmail: { path: "/verify-email", href: () => "/verify-email" },
  confirmEmail: { path: "/confirm-email", href: () => "/confirm-email" },
} as const;

function withNext(path: string, next: string | undefined): string {
  return next && next !== "/" ? `${path}?next=${encodeURIComponent(next)}` : path;
}

// What a user typed or named into a URL (a search, a tag): not for the next person to sign in.
const personalParams = ["q", "tag"];

/**
 * `href` without what the user typed into it, for a `?next=` that outlives the session.
 *
 * @example
 *   withoutPersonalParams("/?status=pending&q=divorce"); // "/?status=pending"
 */
export function withoutPersonalParams(href: string): string {
  const url = new URL(href, "http://taskvault.invalid");
  for (const name of personalParams) url.searchParams.delete(name);
  return `${url.pathname}${url.search}`;
}

// Pages for someone signed out: never a place to return to after signing in.
const guestPages: string[] = [
  paths.signin.path,
  paths.signup.path,
  paths.forgotPassword.path,
  paths.resetPassword.path,
];

/**
 * The page to go back to after signing in: only a path on this site (never `//host` or a URL),
 * so a crafted link cannot send the user elsewhere.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return paths.tasks.path;
  if (guestPages.some((page) => next.startsWith(page))) return paths.tasks.path;
  return next;
}
