import { Button } from "../../../components/button.js";
import { useSignOut } from "../api/sign-out.js";

/**
 * Signs out here and in every other open tab, then shows the sign-in page. As a `menu-item` it
 * takes the look of the header menu's other entries.
 */
export function SignOutButton({ appearance = "button" }: { appearance?: "button" | "menu-item" }) {
  const signOut = useSignOut();
  const label = signOut.isPending ? "Signing out…" : "Sign out";
  if (appearance === "menu-item") {
    return (
      <button
        type="button"
        disabled={signOut.isPending}
        onClick={() => signOut.mutate()}
        className="flex min-h-11 w-full items-center rounded-lg px-2 text-left text-sm hover:bg-slate-100 dark:hover:bg-slate-800"
      >
        {label}
      </button>
    );
  }
  return (
    <Button variant="secondary" disabled={signOut.isPending} onClick={() => signOut.mutate()}>
      {label}
    </Button>
  );
}
