import type { User } from "../../../../shared/auth.schemas.js";

/** Initials in a circle: "Ada Lovelace" → "AL". */
export function initialsOf(user: Pick<User, "name" | "email">): string {
  const words = (user.name || user.email).trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : [words[0]];
  return letters
    .map((word) => [...(word ?? "")][0] ?? "")
    .join("")
    .toUpperCase();
}

export function AccountAvatar({ user }: { user: Pick<User, "name" | "email"> }) {
  return (
    <span
      aria-hidden="true"
      className="inline-flex size-8 shrink-0 items-center justify-center rounded-full bg-indigo-100 text-sm font-semibold text-indigo-800 dark:bg-indigo-900 dark:text-indigo-100"
    >
      {initialsOf(user)}
    </span>
  );
}
